/** Counts items dropped from a request and keeps the first few reasons for `partial_success`. */
export class Rejections {
  count = 0;
  private readonly reasons = new Map<string, number>();

  add(reason: string, n = 1): void {
    this.count += n;
    if (this.reasons.size < 5 || this.reasons.has(reason)) this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + n);
  }

  message(): string {
    if (this.count === 0) return "";
    const parts = [...this.reasons].map(([reason, n]) => (n > 1 ? `${reason} (×${n})` : reason));
    return parts.join("; ");
  }
}
