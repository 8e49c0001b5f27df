import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CheckpointError, convScale, dense, loadCheckpoint, ParamStore } from '@lfe/face-pipeline';

export interface DiscriminatorConfig {
  resolution: number;
  channelBase: number;
  channelMax: number;
  /** Minibatch standard-deviation group size (StyleGAN: 4). */
  mbstdGroup: number;
}

const chAt = (c: DiscriminatorConfig, r: number): number => Math.max(1, Math.min(c.channelMax, Math.floor(c.channelBase / r)));

/** Equalized conv; `gain` scales the input, folded into the weights. */
function conv(x: tf.Tensor4D, w: tf.Tensor, b: tf.Tensor | null, gain = 1): tf.Tensor4D {
  const y = tf.conv2d(x, tf.mul(w, convScale(w) * gain) as tf.Tensor4D, 1, 'same');
  return (b === null ? y : tf.add(y, b)) as tf.Tensor4D;
}

/**
 * 2×2 average pooling as a half-pixel bilinear resize to half size (each output samples exactly
 * the middle of a 2×2 block): same values as avgPool, but its gradient kernel is ~4× cheaper on wasm.
 */
export function downsample2x(x: tf.Tensor4D): tf.Tensor4D {
  return tf.image.resizeBilinear(x, [x.shape[1] / 2, x.shape[2] / 2], false, true);
}

/**
 * Residual discriminator (StyleGAN2 "resnet" D, simplified): fromRGB 1×1, then per resolution two
 * 3×3 convs and a 2×2 average-pool downsample with a pooled 1×1 skip (sum scaled 1/√2); at 4×4 the
 * minibatch standard deviation feature, a 3×3 conv, a dense layer and the score. Average pooling
 * instead of strided convs: its gradients are cheap on our runtime.
 */
export class Discriminator {
  readonly config: DiscriminatorConfig;
  readonly params = new ParamStore('D');

  constructor(config: DiscriminatorConfig, seed = 1) {
    this.config = { ...config };
    const c = this.config;
    let k = seed * 104729 + 17;
    const normal = (shape: number[]): tf.Tensor => tf.randomNormal(shape, 0, 1, 'float32', k++);
    const p = this.params;
    p.add('fromrgb/w', normal([1, 1, 3, chAt(c, c.resolution)]));
    p.add('fromrgb/b', tf.zeros([chAt(c, c.resolution)]));
    for (let r = c.resolution; r > 4; r /= 2) {
      const ci = chAt(c, r);
      const co = chAt(c, r / 2);
      p.add(`b${r}/conv0/w`, normal([3, 3, ci, ci]));
      p.add(`b${r}/conv0/b`, tf.zeros([ci]));
      p.add(`b${r}/conv1/w`, normal([3, 3, ci, co]));
      p.add(`b${r}/conv1/b`, tf.zeros([co]));
      p.add(`b${r}/skip/w`, normal([1, 1, ci, co]));
    }
    const c4 = chAt(c, 4);
    p.add('b4/conv/w', normal([3, 3, c4 + 1, c4]));
    p.add('b4/conv/b', tf.zeros([c4]));
    p.add('b4/fc/w', normal([c4 * 16, c4]));
    p.add('b4/fc/b', tf.zeros([c4]));
    p.add('b4/out/w', normal([c4, 1]));
    p.add('b4/out/b', tf.zeros([1]));
  }

  /**
   * images [B,R,R,3] in [-1,1] → scores [B] (logits).
   * Activations are kept without StyleGAN's √2 lrelu gain; each gain is folded into the weight
   * scale of the linear op that reads the activation (see params.ts `lrelu`), and the residual
   * 1/√2 into the skip conv. Same function, no full-size multiplies.
   */
  apply(images: tf.Tensor4D): tf.Tensor1D {
    return tf.tidy(() => {
      const c = this.config;
      const p = this.params;
      const act = (t: tf.Tensor): tf.Tensor4D => tf.leakyRelu(t, 0.2) as tf.Tensor4D;
      let x = act(conv(images, p.get('fromrgb/w'), p.get('fromrgb/b')));
      let gain = Math.SQRT2; // the stored x is the true activation divided by `gain`
      for (let r = c.resolution; r > 4; r /= 2) {
        const skip = conv(downsample2x(x), p.get(`b${r}/skip/w`), null, gain * Math.SQRT1_2);
        let y = act(conv(x, p.get(`b${r}/conv0/w`), p.get(`b${r}/conv0/b`), gain));
        y = act(conv(y, p.get(`b${r}/conv1/w`), p.get(`b${r}/conv1/b`), Math.SQRT2));
        // (√2·y + skip) / √2 = y + skip/√2
        x = tf.add(downsample2x(y), skip) as tf.Tensor4D;
        gain = 1;
      }
      if (gain !== 1) x = tf.mul(x, gain) as tf.Tensor4D; // only when the input is already 4×4
      x = tf.concat([x, this.#mbstd(x)], 3);
      x = act(conv(x, p.get('b4/conv/w'), p.get('b4/conv/b')));
      const flat = tf.reshape(x, [x.shape[0], -1]) as tf.Tensor2D;
      const h = tf.leakyRelu(dense(flat, p.get('b4/fc/w'), p.get('b4/fc/b'), 1, Math.SQRT2), 0.2) as tf.Tensor2D;
      return tf.reshape(dense(h, p.get('b4/out/w'), p.get('b4/out/b'), 1, Math.SQRT2), [-1]) as tf.Tensor1D;
    });
  }

  /** One feature map: the std of each feature across a group of samples, averaged. */
  #mbstd(x: tf.Tensor4D): tf.Tensor4D {
    const [b, h, w, ch] = x.shape;
    const g = Math.min(this.config.mbstdGroup, b);
    if (b % g !== 0) throw new TypeError(`discriminator: batch ${b} must be a multiple of the mbstd group ${g}`);
    const y = tf.reshape(x, [g, b / g, h, w, ch]);
    const centred = tf.sub(y, tf.mean(y, 0, true));
    const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8)); // [b/g,h,w,ch]
    const s = tf.mean(std, [1, 2, 3]); // [b/g]
    // Sample i = gi·(b/g) + j belongs to group member j: tile s g times (rank ≤ 4: tfjs has no
    // rank-5 Tile gradient).
    return tf.tile(tf.reshape(tf.tile(s, [g]), [b, 1, 1, 1]), [1, h, w, 1]) as tf.Tensor4D;
  }

  trainableVariables(): tf.Variable[] {
    return this.params.trainable();
  }

  dispose(): void {
    this.params.dispose();
  }
}

/**
 * The discriminator of a GAN training state (`trainer:train-gan` or `trainer-torch:train-gan`
 * write `state/` with the `D/…` tensors and the run's config): the GAN's own realism critic, for
 * objectives that must keep an image looking like the training faces (edit targets' realism term).
 * It is part of the generator's training, not a measurement network (those are the judges).
 */
export function loadDiscriminator(dir: string): Discriminator {
  const { manifest, tensors } = loadCheckpoint(dir);
  const cfg = manifest.architecture.config as { generator?: { resolution?: unknown }; discriminator?: Partial<DiscriminatorConfig> };
  const resolution = cfg.generator?.resolution;
  const d = cfg.discriminator;
  if (typeof resolution !== 'number' || d === undefined || typeof d.channelBase !== 'number' || typeof d.channelMax !== 'number' || typeof d.mbstdGroup !== 'number') {
    throw new CheckpointError('not a GAN training state: its config lacks generator.resolution or discriminator {channelBase, channelMax, mbstdGroup}', join(dir, 'manifest.json'));
  }
  const D = new Discriminator({ resolution, channelBase: d.channelBase, channelMax: d.channelMax, mbstdGroup: d.mbstdGroup });
  const own = new Map([...tensors].filter(([k]) => k.startsWith('D/')).map(([k, v]) => [k.slice(2), v]));
  try {
    D.params.fromArrays(own);
  } catch (e) {
    D.dispose();
    throw new CheckpointError(`discriminator weights do not fit its config: ${(e as Error).message}`, join(dir, 'weights.bin'));
  }
  return D;
}
