/**
 * Reconnection delays: exponential with full jitter, capped, reset after a connection that lasted.
 * Pure: the random source is a parameter, so tests are exact.
 */
export interface BackoffOptions {
  /** First delay (ms) before jitter. */
  readonly initialMs: number;
  /** Largest delay (ms). */
  readonly maxMs: number;
  /** Growth per failed attempt. */
  readonly factor: number;
  /** Fraction of each delay that is randomised: 0 = none, 1 = full jitter. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 10_000, factor: 2, jitter: 0.5 };

export class Backoff {
  readonly #options: BackoffOptions;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: Partial<BackoffOptions> = {}, random: () => number = Math.random) {
    const o = { ...DEFAULT_BACKOFF, ...options };
    if (!(o.initialMs > 0) || !(o.maxMs >= o.initialMs)) throw new RangeError('backoff: need 0 < initialMs <= maxMs');
    if (!(o.factor >= 1)) throw new RangeError('backoff: factor must be >= 1');
    if (!(o.jitter >= 0 && o.jitter <= 1)) throw new RangeError('backoff: jitter must be in [0, 1]');
    this.#options = o;
    this.#random = random;
  }

  /** Failed attempts since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The delay before the next attempt; counts one more failure. */
  next(): number {
    const { initialMs, maxMs, factor, jitter } = this.#options;
    // Math.min before pow overflows to Infinity after ~1000 attempts.
    const base = Math.min(maxMs, initialMs * Math.pow(factor, Math.min(this.#attempt, 64)));
    this.#attempt++;
    const r = Math.min(Math.max(this.#random(), 0), 1);
    return Math.round(base * (1 - jitter) + base * jitter * r);
  }

  reset(): void {
    this.#attempt = 0;
  }

  toJSON(): { attempt: number } {
    return { attempt: this.#attempt };
  }
}
