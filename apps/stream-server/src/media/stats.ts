/** Rolling counters for the once-a-second stats message. Time is a parameter (ms), never read here. */

/** Events per second over the last `windowMs`. */
export class RateMeter {
  readonly #times: number[] = [];
  constructor(readonly windowMs = 1000) {}

  record(tMs: number): void {
    this.#times.push(tMs);
    if (this.#times.length > 10_000) this.#times.splice(0, this.#times.length - 10_000);
  }

  rate(nowMs: number): number {
    const from = nowMs - this.windowMs;
    let i = 0;
    while (i < this.#times.length && (this.#times[i] as number) <= from) i++;
    if (i > 0) this.#times.splice(0, i);
    return (this.#times.length * 1000) / this.windowMs;
  }
}

/** Percentiles over the last `capacity` samples (a ring; allocated once). */
export class LatencyWindow {
  readonly #ring: Float64Array;
  #n = 0;
  #next = 0;
  constructor(readonly capacity = 300) {
    this.#ring = new Float64Array(capacity);
  }

  record(ms: number): void {
    this.#ring[this.#next] = ms;
    this.#next = (this.#next + 1) % this.capacity;
    this.#n = Math.min(this.#n + 1, this.capacity);
  }

  get count(): number {
    return this.#n;
  }

  /** Nearest-rank percentile, p in [0, 100]; 0 when empty. */
  percentile(p: number): number {
    if (this.#n === 0) return 0;
    const sorted = Array.from(this.#ring.subarray(0, this.#n)).sort((a, b) => a - b);
    return percentileOfSorted(sorted, p);
  }
}

export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
