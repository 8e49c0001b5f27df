import * as tf from '@tensorflow/tfjs';
import { CONV_EPILOGUE_KERNEL } from '../runtime/wasm-kernels/conv-epilogue';
import { convScale } from '../runtime/params';

/**
 * StyleGAN2 modulated convolution without grouped convs (wasm has none):
 *   y = demod ⊙ conv(x ⊙ s, W),  demod[b,co] = rsqrt(Σ_ci s[b,ci]² · Σ_k W[k,ci,co]² + ε)
 * which equals convolving each sample with its own weights W[b] = W ⊙ s[b] normalised per output
 * channel. One shared conv keeps XNNPACK's fast path for the whole batch.
 */
export function modulatedConv(x: tf.Tensor4D, w: tf.Tensor4D, style: tf.Tensor2D, demodulate = true, gain = 1): tf.Tensor4D {
  const [b, , , ci] = x.shape;
  const scale = convScale(w);
  const xs = tf.mul(x, tf.reshape(style, [b, 1, 1, ci]));
  // The equalized-lr scale and `gain` (which scales the input) fold into one multiply of the conv
  // weights (far smaller than activations). Demodulation normalises by weights and styles only,
  // so it uses the scale without the gain, applied to the small [ci, co] sum instead of to W.
  const y = tf.conv2d(xs as tf.Tensor4D, tf.mul(w, scale * gain) as tf.Tensor4D, 1, 'same');
  if (!demodulate) return y;
  return tf.mul(y, tf.reshape(demodulation(w, style), [b, 1, 1, -1]));
}

/** Demodulation factors d[b,co] = rsqrt(Σ_ci s[b,ci]² · Σ_k (scale·W[k,ci,co])² + ε) of `modulatedConv`. */
export function demodulation(w: tf.Tensor4D, style: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const scale = convScale(w);
    const wsq = tf.mul(tf.sum(tf.square(w), [0, 1]), scale * scale) as tf.Tensor2D; // [ci, co]
    return tf.rsqrt(tf.add(tf.matMul(tf.square(style), wsq), 1e-8)) as tf.Tensor2D;
  });
}

/** Per-pixel noise of a conv layer: a [1|B,H,W,1] map scaled by a learned scalar. */
export interface ConvNoise {
  map: tf.Tensor4D;
  strength: tf.Tensor;
}

const EPILOGUE_ALPHA = 0.2;

/** The epilogue as the stock ops compute it (four passes over the activation). */
export function convEpilogueStock(y: tf.Tensor4D, d: tf.Tensor2D, bias: tf.Tensor, noise?: ConvNoise): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, , , c] = y.shape;
    let x = tf.mul(y, tf.reshape(d, [b, 1, 1, c]));
    if (noise !== undefined) x = tf.add(x, tf.mul(noise.map, noise.strength));
    return tf.leakyRelu(tf.add(x, bias), EPILOGUE_ALPHA) as tf.Tensor4D;
  });
}

/** Whether the active backend has our fused epilogue kernel (wasm and cpu; initRuntime registers it). */
export function fusedEpilogueAvailable(): boolean {
  return tf.getKernel(CONV_EPILOGUE_KERNEL, tf.getBackend()) !== undefined;
}

function epilogueGrads(g: tf.Tensor4D, out: tf.Tensor4D, y: tf.Tensor4D, d: tf.Tensor2D, noise?: ConvNoise): tf.Tensor[] {
  const [b, , , c] = y.shape;
  // lrelu keeps the sign, so out > 0 exactly where its input is > 0 (0 takes alpha, as the stock gradient does).
  const gp = tf.where(tf.greater(out, 0), g, tf.mul(g, EPILOGUE_ALPHA));
  const grads: tf.Tensor[] = [tf.mul(gp, tf.reshape(d, [b, 1, 1, c])), tf.sum(tf.mul(gp, y), [1, 2]), tf.sum(gp, [0, 1, 2])];
  if (noise !== undefined) {
    const perPixel = tf.sum(gp, 3, true); // [B,H,W,1]
    const dMap = tf.mul(perPixel, noise.strength);
    grads.push(noise.map.shape[0] === b ? dMap : tf.sum(dMap, 0, true), tf.sum(tf.mul(perPixel, noise.map)));
  }
  return grads;
}

/**
 * The epilogue of a modulated conv, lrelu(y ⊙ d[b,c] + noise·strength + bias, 0.2), as one fused
 * kernel pass where the backend has it (with its gradient for training), else the stock ops.
 * `stock` forces the stock ops (benchmarks compare both).
 */
export function convEpilogue(y: tf.Tensor4D, d: tf.Tensor2D, bias: tf.Tensor, noise?: ConvNoise, opts: { stock?: boolean } = {}): tf.Tensor4D {
  if (opts.stock === true || !fusedEpilogueAvailable()) return convEpilogueStock(y, d, bias, noise);
  const run = (inputs: Record<string, tf.Tensor>): tf.Tensor4D =>
    tf.engine().runKernel(CONV_EPILOGUE_KERNEL, inputs as tf.NamedTensorMap, { alpha: EPILOGUE_ALPHA }) as tf.Tensor4D;
  if (noise === undefined) {
    const f = tf.customGrad((yy, dd, bb, save) => {
      const out = run({ y: yy as tf.Tensor4D, d: dd as tf.Tensor2D, bias: bb as tf.Tensor });
      (save as tf.GradSaveFunc)([out, yy as tf.Tensor, dd as tf.Tensor]);
      return { value: out, gradFunc: (g, saved) => epilogueGrads(g as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, saved[2] as tf.Tensor2D) };
    });
    return f(y, d, bias) as tf.Tensor4D;
  }
  const f = tf.customGrad((yy, dd, bb, nm, ns, save) => {
    const out = run({ y: yy as tf.Tensor4D, d: dd as tf.Tensor2D, bias: bb as tf.Tensor, noise: nm as tf.Tensor4D, strength: ns as tf.Tensor });
    (save as tf.GradSaveFunc)([out, yy as tf.Tensor, dd as tf.Tensor, nm as tf.Tensor, ns as tf.Tensor]);
    return {
      value: out,
      gradFunc: (g, saved) =>
        epilogueGrads(g as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, saved[2] as tf.Tensor2D, {
          map: saved[3] as tf.Tensor4D,
          strength: saved[4]!,
        }),
    };
  });
  return f(y, d, bias, noise.map, noise.strength) as tf.Tensor4D;
}

/** Reference: explicit per-sample weight modulation/demodulation (slow; for tests). */
export function modulatedConvReference(x: tf.Tensor4D, w: tf.Tensor4D, style: tf.Tensor2D, demodulate = true): tf.Tensor4D {
  const b = x.shape[0];
  const ws = tf.mul(w, convScale(w)) as tf.Tensor4D;
  const outs: tf.Tensor4D[] = [];
  for (let i = 0; i < b; i++) {
    const s = tf.reshape(tf.slice(style, [i, 0], [1, -1]), [1, 1, -1, 1]);
    let wi = tf.mul(ws, s) as tf.Tensor4D; // scale input channels
    if (demodulate) wi = tf.mul(wi, tf.rsqrt(tf.add(tf.sum(tf.square(wi), [0, 1, 2], true), 1e-8)));
    outs.push(tf.conv2d(tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]), wi, 1, 'same'));
  }
  return tf.concat(outs, 0);
}
