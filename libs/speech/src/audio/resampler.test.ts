import { describe, expect, it } from 'vitest';
import { resample, Resampler } from './resampler';

function sine(freq: number, rate: number, n: number, amp = 0.5): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return x;
}

/** Amplitude of `freq` in `x` (projection on sine and cosine), ignoring `edge` samples each side. */
function amplitudeAt(x: Float32Array, freq: number, rate: number, edge: number): number {
  let s = 0;
  let c = 0;
  let n = 0;
  for (let i = edge; i < x.length - edge; i++) {
    s += (x[i] ?? 0) * Math.sin((2 * Math.PI * freq * i) / rate);
    c += (x[i] ?? 0) * Math.cos((2 * Math.PI * freq * i) / rate);
    n++;
  }
  return (2 * Math.hypot(s, c)) / n;
}

describe('Resampler', () => {
  it.each([
    [44_100, 16_000],
    [48_000, 16_000],
    [8_000, 16_000],
    [22_050, 16_000],
    [16_000, 16_000],
  ])('%i Hz → %i Hz keeps a 440 Hz tone and the duration', (from, to) => {
    const x = sine(440, from, from); // one second
    const y = resample(x, from, to);
    expect(y.length).toBe(Math.ceil((x.length * to) / from));
    expect(amplitudeAt(y, 440, to, 200)).toBeCloseTo(0.5, 2);
    for (const v of y) expect(Math.abs(v)).toBeLessThan(0.52);
  });

  it('removes a tone above the output Nyquist frequency instead of aliasing it', () => {
    const x = sine(11_000, 48_000, 48_000);
    const y = resample(x, 48_000, 16_000);
    // 11 kHz would alias to 5 kHz at 16 kHz.
    expect(amplitudeAt(y, 5_000, 16_000, 200)).toBeLessThan(0.01);
  });

  it('gives the same samples whatever the chunking', () => {
    const x = sine(300, 44_100, 20_000);
    const whole = resample(x, 44_100, 16_000);
    const r = new Resampler(44_100, 16_000);
    const parts: number[] = [];
    let i = 0;
    let size = 1;
    while (i < x.length) {
      parts.push(...r.process(x.subarray(i, i + size)));
      i += size;
      size = (size * 7 + 3) % 1500 + 1;
    }
    parts.push(...r.flush());
    expect(parts.length).toBe(whole.length);
    for (let k = 0; k < whole.length; k++) expect(parts[k]).toBeCloseTo(whole[k] ?? NaN, 6);
  });
});
