/**
 * Bounds the bytes of request bodies held at once across all requests, so that many large
 * concurrent requests get 429 instead of exhausting memory. Decoded batches live about as long
 * as their bodies, so the body size is the unit.
 */
export class MemoryBudget {
  private used = 0;
  constructor(readonly limitBytes: number) {}

  tryAcquire(bytes: number): boolean {
    if (this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  get usedBytes(): number {
    return this.used;
  }
}
