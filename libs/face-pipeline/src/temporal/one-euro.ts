/**
 * One-Euro filter (Casiez et al., CHI 2012) over a vector, with explicit timestamps: a low-pass
 * whose cutoff rises with the signal's speed, so a still face stops jittering and a moving one
 * does not lag. `minCutoff` (Hz) sets the smoothing at rest, `beta` how fast the cutoff opens with
 * speed, `dCutoff` (Hz) the smoothing of the speed estimate itself.
 */
export interface OneEuroOptions {
  minCutoff: number;
  beta: number;
  dCutoff?: number;
}

function alpha(cutoffHz: number, dtS: number): number {
  const tau = 1 / (2 * Math.PI * cutoffHz);
  return 1 / (1 + tau / dtS);
}

export class OneEuroFilter {
  readonly #o: Required<OneEuroOptions>;
  #x: Float64Array | null = null;
  #dx: Float64Array | null = null;
  #t = 0;

  constructor(options: OneEuroOptions) {
    if (!(options.minCutoff > 0) || !(options.beta >= 0) || !((options.dCutoff ?? 1) > 0)) throw new RangeError('one-euro: minCutoff and dCutoff must be > 0, beta ≥ 0');
    this.#o = { dCutoff: 1, ...options };
  }

  reset(): void {
    this.#x = null;
    this.#dx = null;
  }

  /**
   * Filter `value` observed at `timestampMs` (monotonic). The first call (or one after `reset`,
   * or a non-increasing timestamp) returns the value itself. Returns a new array.
   */
  filter(value: ArrayLike<number>, timestampMs: number): Float64Array {
    const n = value.length;
    if (this.#x === null || this.#x.length !== n || !(timestampMs > this.#t)) {
      this.#x = Float64Array.from(value);
      this.#dx = new Float64Array(n);
      this.#t = timestampMs;
      return Float64Array.from(this.#x);
    }
    const dt = (timestampMs - this.#t) / 1000;
    this.#t = timestampMs;
    const ad = alpha(this.#o.dCutoff, dt);
    const x = this.#x;
    const dx = this.#dx!;
    // Speed as the norm of the (smoothed) derivative, so every coordinate shares one cutoff and a
    // face's latent stays a consistent point rather than being filtered axis by axis.
    let speed2 = 0;
    for (let i = 0; i < n; i++) {
      const d = (value[i]! - x[i]!) / dt;
      dx[i] = dx[i]! + ad * (d - dx[i]!);
      speed2 += dx[i]! * dx[i]!;
    }
    const cutoff = this.#o.minCutoff + this.#o.beta * Math.sqrt(speed2 / n);
    const a = alpha(cutoff, dt);
    for (let i = 0; i < n; i++) x[i] = x[i]! + a * (value[i]! - x[i]!);
    return Float64Array.from(x);
  }
}

/**
 * A short linear ramp between two states, driven by explicit timestamps: when an edit changes,
 * the face fades from the old edit to the new one over `durationMs` instead of jumping.
 */
export class Ramp {
  #start = -Infinity;
  constructor(readonly durationMs: number) {
    if (!(durationMs >= 0)) throw new RangeError('ramp: durationMs must be ≥ 0');
  }

  /** Start a new transition at `timestampMs`. */
  restart(timestampMs: number): void {
    this.#start = timestampMs;
  }

  /** Progress in [0, 1] at `timestampMs` (1 when no transition is running). */
  at(timestampMs: number): number {
    if (this.durationMs === 0) return 1;
    return Math.min(1, Math.max(0, (timestampMs - this.#start) / this.durationMs));
  }
}
