/**
 * Streaming band-limited resampler (windowed sinc, Blackman window). `process()` takes any chunk
 * size and keeps the history it needs, so a live stream and a whole file give the same samples.
 * When downsampling, the kernel's cutoff follows the output Nyquist frequency (anti-aliasing).
 */
export class Resampler {
  readonly #step: number; // input samples per output sample
  readonly #cutoff: number; // relative to the input Nyquist frequency
  readonly #halfWidth: number; // kernel half width, in input samples
  #history = new Float32Array(0);
  #historyStart = 0; // absolute input index of #history[0]
  #inputCount = 0;
  #outputCount = 0;
  #flushed = false;

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
    zeroCrossings = 16,
  ) {
    if (!(fromRate > 0) || !(toRate > 0)) throw new RangeError('resampler: rates must be positive');
    this.#step = fromRate / toRate;
    this.#cutoff = Math.min(1, toRate / fromRate);
    this.#halfWidth = Math.ceil(zeroCrossings / this.#cutoff);
  }

  /** Resamples the next chunk; returns the output samples that are complete so far. */
  process(input: Float32Array): Float32Array {
    if (this.#flushed) throw new RangeError('resampler: process() after flush()');
    const joined = new Float32Array(this.#history.length + input.length);
    joined.set(this.#history);
    joined.set(input, this.#history.length);
    this.#history = joined;
    this.#inputCount += input.length;
    return this.#emit(this.#inputCount - 1 - this.#halfWidth);
  }

  /** Ends the stream: emits the remaining samples (the input is treated as zero past its end). */
  flush(): Float32Array {
    if (this.#flushed) return new Float32Array(0);
    this.#flushed = true;
    const total = Math.ceil((this.#inputCount * this.toRate) / this.fromRate);
    return this.#emit(Number.POSITIVE_INFINITY, total);
  }

  #emit(maxCentre: number, maxCount = Number.POSITIVE_INFINITY): Float32Array {
    if (this.fromRate === this.toRate) {
      const out = this.#history.slice(this.#outputCount - this.#historyStart);
      this.#outputCount += out.length;
      this.#historyStart = this.#outputCount;
      this.#history = new Float32Array(0);
      return out;
    }
    const values: number[] = [];
    const h = this.#history;
    const w = this.#halfWidth;
    const fc = this.#cutoff;
    for (;;) {
      if (this.#outputCount >= maxCount) break;
      const t = this.#outputCount * this.#step;
      if (t > maxCentre) break;
      const lo = Math.max(Math.ceil(t - w), this.#historyStart);
      const hi = Math.min(Math.floor(t + w), this.#historyStart + h.length - 1);
      let acc = 0;
      for (let k = lo; k <= hi; k++) {
        const d = t - k;
        const x = d * fc;
        const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
        const win = 0.42 + 0.5 * Math.cos((Math.PI * d) / w) + 0.08 * Math.cos((2 * Math.PI * d) / w);
        acc += (h[k - this.#historyStart] ?? 0) * fc * sinc * win;
      }
      values.push(acc);
      this.#outputCount++;
    }
    // Keep only the history that future outputs can still reach.
    const keepFrom = Math.max(this.#historyStart, Math.floor(this.#outputCount * this.#step - w) - 1);
    if (keepFrom > this.#historyStart) {
      this.#history = this.#history.slice(keepFrom - this.#historyStart);
      this.#historyStart = keepFrom;
    }
    return Float32Array.from(values);
  }
}

/** One-shot resampling of a whole signal. */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  const r = new Resampler(fromRate, toRate);
  const a = r.process(input);
  const b = r.flush();
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
