/**
 * A token bucket: `burst` messages at once, then `perSecond` on average. `take()` spends one token
 * and says whether there was one; nothing is queued (the caller answers or drops the excess).
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    readonly burst: number,
    readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(burst >= 1) || !(perSecond > 0)) throw new RangeError(`rate limit: burst ${burst} must be ≥ 1 and rate ${perSecond} > 0`);
    this.#tokens = burst;
    this.#last = now();
  }

  take(): boolean {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#last) / 1000) * this.perSecond);
    this.#last = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export interface RateLimits {
  /** Per connection (one WebSocket or data channel). */
  connection: { burst: number; perSecond: number };
  /** Per session, over all its connections. */
  session: { burst: number; perSecond: number };
}

/** A person types or says a few commands a second at most; the viewer sends ptt/mic/strength on release. */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  connection: { burst: 20, perSecond: 10 },
  session: { burst: 40, perSecond: 20 },
};
