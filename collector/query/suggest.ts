/** "Did you mean" helpers: edit distance (Levenshtein) and the closest candidates to a word. */

export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The candidates closest to `word` (ties kept, at most 3), if any is close enough to be a typo. */
export function closest(word: string, candidates: Iterable<string>): string[] {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 4)));
  let best = limit + 1;
  let out: string[] = [];
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase(), limit);
    if (d < best) {
      best = d;
      out = [c];
    } else if (d === best && !out.includes(c)) out.push(c);
  }
  return best <= limit ? out.slice(0, 3) : [];
}

export function didYouMean(options: string[]): string {
  if (options.length === 0) return "";
  return `, did you mean ${options.map((o) => `"${o}"`).join(" or ")}?`;
}
