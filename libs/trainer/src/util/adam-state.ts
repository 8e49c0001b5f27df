import * as tf from '@tensorflow/tfjs';
import type { NamedArray } from '@lfe/face-pipeline';

/**
 * Adam state as checkpoint arrays, for a bit-exact resume. tfjs's `getWeights()` gives the step
 * count and the moments (in the order the variables were first updated), but `setWeights()`
 * recomputes Adam's running β products with `pow()`, which differs from the running product in
 * the last bits — so the products themselves are stored too.
 */
function accumulators(opt: tf.AdamOptimizer): { accBeta1: tf.Variable; accBeta2: tf.Variable } {
  const o = opt as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
  if (o.accBeta1 === undefined || o.accBeta2 === undefined) throw new Error('tfjs AdamOptimizer without accBeta1/accBeta2: update util/adam-state.ts');
  return { accBeta1: o.accBeta1, accBeta2: o.accBeta2 };
}

/** Write `opt`'s state into `into` under `prefix/0…n`, `prefix/accBeta1`, `prefix/accBeta2`. */
export async function saveAdamState(opt: tf.AdamOptimizer, prefix: string, into: Map<string, NamedArray>): Promise<void> {
  const weights = await opt.getWeights();
  weights.forEach((w, i) => into.set(`${prefix}/${i}`, { shape: [...w.tensor.shape], values: w.tensor.dataSync() as Float32Array }));
  weights[0]?.tensor.dispose(); // the step count comes back as a fresh scalar; the moments are the optimizer's own variables
  const acc = accumulators(opt);
  into.set(`${prefix}/accBeta1`, { shape: [], values: acc.accBeta1.dataSync() as Float32Array });
  into.set(`${prefix}/accBeta2`, { shape: [], values: acc.accBeta2.dataSync() as Float32Array });
}

/** The arrays under `prefix/`, with the prefix removed. */
export function takePrefix(tensors: ReadonlyMap<string, NamedArray>, prefix: string): Map<string, NamedArray> {
  const m = new Map<string, NamedArray>();
  for (const [k, v] of tensors) if (k.startsWith(`${prefix}/`)) m.set(k.slice(prefix.length + 1), v);
  return m;
}

/** Restore what `saveAdamState` wrote under `prefix` into a fresh optimizer. `where` names the file for errors. */
export async function restoreAdamState(opt: tf.AdamOptimizer, prefix: string, tensors: ReadonlyMap<string, NamedArray>, where: string): Promise<void> {
  const m = takePrefix(tensors, prefix);
  const b1 = m.get('accBeta1');
  const b2 = m.get('accBeta2');
  if (b1 === undefined || b2 === undefined) throw new TypeError(`resume: optimizer state ${prefix}/accBeta missing (${where})`);
  m.delete('accBeta1');
  m.delete('accBeta2');
  const list = [...Array(m.size).keys()].map((i) => {
    const a = m.get(String(i));
    if (a === undefined) throw new TypeError(`resume: optimizer state ${prefix}/${i} missing (${where})`);
    return { name: `${prefix}_${i}`, tensor: tf.tensor(a.values, a.shape) };
  });
  if (list.length > 0) await opt.setWeights(list);
  tf.dispose(list.map((l) => l.tensor));
  const acc = accumulators(opt);
  tf.tidy(() => {
    acc.accBeta1.assign(tf.scalar(b1.values[0]!));
    acc.accBeta2.assign(tf.scalar(b2.values[0]!));
  });
}
