import { percentile } from './percentile';

/**
 * Capture → display latency from stamped frame numbers: `captured(n, t)` when the local camera
 * frame n is captured (or shown in the preview), `displayed(n, t)` when the processed frame n is
 * shown. Test clips loop, so a number repeats every clip length; a displayed frame matches the
 * latest capture of that number if it is not older than `maxLatencyMs`. Times are parameters.
 */
export class LatencyTracker {
  readonly #captured = new Map<number, number>();
  readonly #samples: number[] = [];
  readonly #maxSamples: number;
  readonly #maxLatencyMs: number;
  #total = 0;

  constructor(options: { maxSamples?: number; maxLatencyMs?: number } = {}) {
    this.#maxSamples = options.maxSamples ?? 300;
    this.#maxLatencyMs = options.maxLatencyMs ?? 2000;
  }

  captured(frame: number, tMs: number): void {
    if (!this.#captured.has(frame) || tMs - (this.#captured.get(frame) as number) > this.#maxLatencyMs) {
      this.#captured.delete(frame); // re-insert so Map order stays oldest-first
      this.#captured.set(frame, tMs);
    }
    if (this.#captured.size > 1024) this.#captured.delete(this.#captured.keys().next().value as number);
  }

  /** Returns the latency sample, or undefined when frame n has no matching capture (or was already counted). */
  displayed(frame: number, tMs: number): number | undefined {
    const c = this.#captured.get(frame);
    if (c === undefined) return undefined;
    const latency = tMs - c;
    if (latency < 0 || latency > this.#maxLatencyMs) return undefined;
    this.#captured.delete(frame); // count each captured frame once
    this.#samples.push(latency);
    this.#total++;
    if (this.#samples.length > this.#maxSamples) this.#samples.splice(0, this.#samples.length - this.#maxSamples);
    return latency;
  }

  /** All samples kept (the last `maxSamples`), oldest first. */
  get samples(): readonly number[] {
    return this.#samples;
  }

  toJSON(): { count: number; p50: number; p95: number } {
    return { count: this.#total, p50: percentile(this.#samples, 50), p95: percentile(this.#samples, 95) };
  }
}
