import * as tf from '@tensorflow/tfjs';

/** Deterministic pseudo-random floats (mulberry32 → Box–Muller), so a failing case can be replayed. */
export function randomNormal(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = Math.max(next(), 1e-12);
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  }
  return out;
}

/** Run `fn` on backend `name` and return its output values; everything it makes is disposed. */
export async function valuesOn(name: string, fn: () => tf.Tensor): Promise<{ values: Float32Array | Int32Array; shape: number[] }> {
  await tf.setBackend(name);
  const t = tf.tidy(fn);
  try {
    return { values: (await t.data()) as Float32Array | Int32Array, shape: t.shape };
  } finally {
    t.dispose();
  }
}

/** max |a − b| / max |b| (∞-norm relative error); 0 when both are all zero. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return den === 0 ? num : num / den;
}
