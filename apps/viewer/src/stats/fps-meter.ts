/** Frames per second over a sliding window of explicit timestamps (ms). */
export class FpsMeter {
  readonly #times: number[] = [];
  readonly #windowMs: number;

  constructor(windowMs = 1000) {
    this.#windowMs = windowMs;
  }

  process(tMs: number): number {
    this.#times.push(tMs);
    return this.rate(tMs);
  }

  /** Frames in the last window ending at `nowMs`, as a rate. */
  rate(nowMs: number): number {
    while (this.#times.length > 0 && (this.#times[0] as number) <= nowMs - this.#windowMs) this.#times.shift();
    return (this.#times.length * 1000) / this.#windowMs;
  }
}
