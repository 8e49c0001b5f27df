/** Levenshtein distance, giving up (returning `max + 1`) as soon as it must exceed `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > max) return max + 1;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      row.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prev = row;
  }
  return prev[y.length] ?? 0;
}

/**
 * Known words close to `word`, closest first, at most `limit`. "Close" grows with length: one edit
 * for words of up to 2 characters, two up to 5, three beyond (so "glases" finds "glasses" and
 * "眼境" finds "眼镜", but "xyz" finds nothing rather than noise).
 */
export function closestWords(word: string, candidates: Iterable<string>, limit = 5): string[] {
  const n = [...word].length;
  const max = n <= 2 ? 1 : n <= 5 ? 2 : 3;
  const scored: { w: string; d: number }[] = [];
  // Callers pass word lists that overlap (single words and phrase keys): suggest each word once.
  for (const w of new Set(candidates)) {
    const d = editDistance(word, w, max);
    if (d <= max) scored.push({ w, d });
  }
  scored.sort((p, q) => p.d - q.d || (p.w < q.w ? -1 : p.w > q.w ? 1 : 0));
  return scored.slice(0, limit).map((s) => s.w);
}
