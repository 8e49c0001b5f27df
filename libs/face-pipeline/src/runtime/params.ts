import * as tf from '@tensorflow/tfjs';
import type { NamedArray } from '../checkpoint/checkpoint';

/**
 * A named set of trainable variables. Every model owns one; checkpoints save and load it by name.
 * Weights are stored unit-variance and scaled at use ("equalized learning rate", StyleGAN), so Adam
 * sees comparable magnitudes everywhere and the learning-rate multiplier is a plain scale.
 */
export class ParamStore {
  readonly #vars = new Map<string, tf.Variable>();
  readonly #l2Scale = new Map<string, number>();
  readonly #prefix: string;
  #disposed = false;

  constructor(prefix: string) {
    // Variable names are global in tfjs: make each store's names unique.
    this.#prefix = `${prefix}_${ParamStore.#counter++}/`;
  }
  static #counter = 0;

  /**
   * `useScale`: the factor the model multiplies this stored weight by when it uses it (1/√fanIn for
   * equalized layers), so `l2()` penalises the weights the model really applies.
   */
  add(name: string, init: tf.Tensor, trainable = true, useScale = 1): tf.Variable {
    if (this.#vars.has(name)) throw new Error(`param ${name} already exists`);
    const v = tf.variable(init, trainable, this.#prefix + name);
    init.dispose();
    this.#vars.set(name, v);
    this.#l2Scale.set(name, useScale);
    return v;
  }

  /** Σ ‖useScale · θ‖² over the trainable params: the method's ‖θ‖² on the weights as applied. */
  l2(): tf.Scalar {
    return tf.tidy(() => {
      const terms = [...this.#vars].filter(([, v]) => v.trainable).map(([k, v]) => tf.mul(tf.sum(tf.square(v)), this.#l2Scale.get(k)! ** 2));
      return (terms.length === 0 ? tf.scalar(0) : tf.addN(terms)) as tf.Scalar;
    });
  }

  get(name: string): tf.Variable {
    const v = this.#vars.get(name);
    if (v === undefined) throw new Error(`no param ${name}`);
    return v;
  }

  names(): string[] {
    return [...this.#vars.keys()];
  }

  trainable(): tf.Variable[] {
    return [...this.#vars.values()].filter((v) => v.trainable);
  }

  /** Values as plain arrays, for checkpoints. */
  toArrays(): Map<string, NamedArray> {
    const out = new Map<string, NamedArray>();
    for (const [k, v] of this.#vars) out.set(k, { shape: [...v.shape], values: v.dataSync() as Float32Array });
    return out;
  }

  /** Assign values by name; every param must be present with its exact shape. */
  fromArrays(arrays: ReadonlyMap<string, NamedArray>): void {
    for (const [k, v] of this.#vars) {
      const a = arrays.get(k);
      if (a === undefined) throw new TypeError(`weights: missing tensor "${k}"`);
      if (a.shape.length !== v.shape.length || a.shape.some((d, i) => d !== v.shape[i])) {
        throw new TypeError(`weights: tensor "${k}" has shape [${a.shape.join(',')}], model needs [${v.shape.join(',')}]`);
      }
      tf.tidy(() => v.assign(tf.tensor(a.values, a.shape)));
    }
  }

  /** Copy values from another store with the same names (EMA init, cloning). */
  copyFrom(other: ParamStore): void {
    for (const [k, v] of this.#vars) tf.tidy(() => v.assign(other.get(k)));
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const v of this.#vars.values()) v.dispose();
    this.#vars.clear();
  }
}

/**
 * Leaky ReLU with the √2 gain that keeps activations unit-variance (StyleGAN's `lrelu`). Where the
 * next op is linear, models use `tf.leakyRelu` and fold the √2 into that op's weight scale instead:
 * the same function without a full-size multiply (and its gradient) per layer.
 */
export function lrelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.leakyRelu(x, 0.2), Math.SQRT2);
}

/** Equalized dense layer: y = (gain·x) · (W · lrMul/√fanIn) + b · lrMul (the input gain is folded into W). */
export function dense(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor | null, lrMul = 1, gain = 1): tf.Tensor2D {
  const fanIn = w.shape[0]!;
  const y = tf.matMul(x, tf.mul(w, (gain * lrMul) / Math.sqrt(fanIn)) as tf.Tensor2D);
  return (b === null ? y : tf.add(y, lrMul === 1 ? b : tf.mul(b, lrMul))) as tf.Tensor2D;
}

/** Weight-scale factor of an equalized conv kernel [kh,kw,ci,co]. */
export function convScale(w: tf.Tensor): number {
  return 1 / Math.sqrt(w.shape[0]! * w.shape[1]! * w.shape[2]!);
}

/** Pixel norm: x / sqrt(mean(x²) + ε) over the last axis. */
export function pixelNorm(x: tf.Tensor): tf.Tensor {
  return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-8)));
}
