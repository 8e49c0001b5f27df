import * as tf from '@tensorflow/tfjs';
import { convEpilogue, demodulation, modulatedConv } from './modulated-conv';
import { convScale } from '../runtime/params';
import { dense, lrelu, ParamStore, pixelNorm } from '../runtime/params';

/** Architecture of the StyleGAN generator; stored in checkpoints and compared on load. */
export interface GeneratorConfig {
  /** Output size, a power of two in 32…256. */
  resolution: number;
  zDim: number;
  wDim: number;
  mappingLayers: number;
  /** Learning-rate multiplier of the mapping network (0.01 in StyleGAN). */
  mappingLrMul: number;
  /** Channels at resolution r: min(channelMax, channelBase / r). */
  channelBase: number;
  channelMax: number;
}

export const DEFAULT_GENERATOR_CONFIG: GeneratorConfig = {
  resolution: 64,
  zDim: 128,
  wDim: 128,
  mappingLayers: 8,
  mappingLrMul: 0.01,
  channelBase: 2048,
  channelMax: 128,
};

export function validateGeneratorConfig(c: GeneratorConfig): GeneratorConfig {
  const log2 = Math.log2(c.resolution);
  if (!Number.isInteger(log2) || c.resolution < 32 || c.resolution > 256) throw new TypeError(`generator: resolution must be a power of two in 32…256, got ${c.resolution}`);
  for (const k of ['zDim', 'wDim', 'mappingLayers', 'channelBase', 'channelMax'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TypeError(`generator: ${k} must be a positive integer, got ${c[k]}`);
  }
  if (!(c.mappingLrMul > 0 && c.mappingLrMul <= 1)) throw new TypeError(`generator: mappingLrMul must be in (0, 1], got ${c.mappingLrMul}`);
  return { ...c };
}

export function channelsAt(c: GeneratorConfig, res: number): number {
  return Math.max(1, Math.min(c.channelMax, Math.floor(c.channelBase / res)));
}

/** Resolutions of the synthesis blocks: 4, 8, …, resolution. */
export function blockResolutions(c: GeneratorConfig): number[] {
  const out: number[] = [];
  for (let r = 4; r <= c.resolution; r *= 2) out.push(r);
  return out;
}

/** Number of w vectors the synthesis network reads (W+ has this many rows). */
export function numWs(c: GeneratorConfig): number {
  return 2 * blockResolutions(c).length;
}

export type NoiseMode = 'random' | 'const' | 'none';

export interface SynthesisOptions {
  /** Per-pixel noise: fresh random (training), the stored constant maps (deterministic), or none. */
  noise?: NoiseMode;
  /** Seed for 'random' noise, so a training step can be replayed exactly (resume). */
  noiseSeed?: number;
  /** Compute each conv's epilogue with the stock ops even where the fused kernel exists (benchmarks). */
  stockEpilogue?: boolean;
}

/** A mulberry32 stream for the stored constant noise (deterministic from the seed). */
function seededNormal(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(Math.max(u(), 1e-12))) * Math.cos(2 * Math.PI * u());
  return out;
}

/**
 * StyleGAN2-style generator: mapping (pixel-norm z → `mappingLayers` equalized FC with lrelu,
 * lr multiplier) and synthesis (learned 4×4 constant; per block: bilinear ×2 upsample, two
 * modulated 3×3 convs with per-pixel noise and bias; modulated 1×1 toRGB with skip connections).
 * Inputs may be W ([B, wDim], broadcast to every layer) or W+ ([B, numWs, wDim]).
 */
export class Generator {
  readonly config: GeneratorConfig;
  readonly params: ParamStore;
  readonly numWs: number;
  #disposed = false;

  constructor(config: GeneratorConfig = DEFAULT_GENERATOR_CONFIG, seed = 0) {
    this.config = validateGeneratorConfig(config);
    this.numWs = numWs(this.config);
    this.params = new ParamStore('G');
    const c = this.config;
    const p = this.params;
    let k = seed * 7919 + 1;
    const normal = (shape: number[], scale = 1): tf.Tensor => tf.tidy(() => tf.mul(tf.tensor(seededNormal(shape.reduce((a, b) => a * b, 1), k++), shape), scale));
    for (let i = 0; i < c.mappingLayers; i++) {
      const fin = i === 0 ? c.zDim : c.wDim;
      p.add(`mapping/fc${i}/w`, normal([fin, c.wDim], 1 / c.mappingLrMul));
      p.add(`mapping/fc${i}/b`, tf.zeros([c.wDim]));
    }
    p.add('mapping/w_avg', tf.zeros([c.wDim]), false);
    const res = blockResolutions(c);
    p.add('synth/const', normal([1, 4, 4, channelsAt(c, 4)]));
    let cin = channelsAt(c, 4);
    for (const r of res) {
      const cout = channelsAt(c, r);
      const convs = r === 4 ? 1 : 2;
      for (let j = 0; j < convs; j++) {
        const ci = j === 0 ? cin : cout;
        const name = `synth/b${r}/conv${j}`;
        p.add(`${name}/w`, normal([3, 3, ci, cout]));
        p.add(`${name}/affine/w`, normal([c.wDim, ci]));
        p.add(`${name}/affine/b`, tf.ones([ci]));
        p.add(`${name}/noise_strength`, tf.zeros([]));
        p.add(`${name}/bias`, tf.zeros([cout]));
        p.add(`${name}/noise_const`, tf.tensor(seededNormal(r * r, 1_000_003 + r * 10 + j), [1, r, r, 1]), false);
      }
      p.add(`synth/b${r}/torgb/w`, normal([1, 1, cout, 3]));
      p.add(`synth/b${r}/torgb/affine/w`, normal([c.wDim, cout]));
      p.add(`synth/b${r}/torgb/affine/b`, tf.ones([cout]));
      p.add(`synth/b${r}/torgb/bias`, tf.zeros([3]));
      cin = cout;
    }
  }

  /** z [B, zDim] → w [B, wDim]. */
  mapping(z: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const c = this.config;
      let x = pixelNorm(z) as tf.Tensor2D;
      for (let i = 0; i < c.mappingLayers; i++) {
        x = lrelu(dense(x, this.params.get(`mapping/fc${i}/w`), this.params.get(`mapping/fc${i}/b`), c.mappingLrMul)) as tf.Tensor2D;
      }
      return x;
    });
  }

  /** ψ-truncation toward the tracked mean w (ψ = 1: unchanged). Works on W and W+. */
  truncate(w: tf.Tensor, psi: number): tf.Tensor {
    if (psi === 1) return w.clone();
    return tf.tidy(() => {
      const avg = this.params.get('mapping/w_avg');
      return tf.add(avg, tf.mul(tf.sub(w, avg), psi));
    });
  }

  /** W [B,wDim] or W+ [B,numWs,wDim] → image [B,R,R,3], roughly in [-1, 1]. */
  synthesis(w: tf.Tensor, opts: SynthesisOptions = {}): tf.Tensor4D {
    const noise = opts.noise ?? 'random';
    return tf.tidy(() => {
      const c = this.config;
      const b = w.shape[0]!;
      if (!(w.rank === 2 && w.shape[1] === c.wDim) && !(w.rank === 3 && w.shape[1] === this.numWs && w.shape[2] === c.wDim)) {
        throw new TypeError(`generator: w must be [B,${c.wDim}] or [B,${this.numWs},${c.wDim}], got [${w.shape.join(',')}]`);
      }
      // W feeds every layer as it is; W+ gives each layer its row.
      const wAt = (i: number): tf.Tensor2D => (w.rank === 2 ? (w as tf.Tensor2D) : tf.reshape(tf.slice(w, [0, i, 0], [b, 1, c.wDim]), [b, c.wDim]));
      const p = this.params;
      const byStyle = (t: tf.Tensor4D, style: tf.Tensor2D): tf.Tensor4D => tf.mul(t, tf.reshape(style, [b, 1, 1, -1]));
      let x = p.get('synth/const') as tf.Tensor4D; // [1,4,4,C]: the first modulation broadcasts it over the batch
      let rgb: tf.Tensor4D | null = null;
      // w indices as in StyleGAN2: block 4 reads w0 (conv) and w1 (toRGB); each later block reads
      // w[i], w[i+1] for its convs and w[i+2] for toRGB, with i = 1, 3, 5, …
      let idx = 0;
      for (const r of blockResolutions(c)) {
        const convs = r === 4 ? 1 : 2;
        for (let j = 0; j < convs; j++) {
          const name = `synth/b${r}/conv${j}`;
          const style = dense(wAt(idx + j), p.get(`${name}/affine/w`), p.get(`${name}/affine/b`));
          // The first conv of a block reads the ×2 upsampled activation. Bilinear resizing is linear
          // per channel, so modulating before it equals modulating after, on 4× fewer values.
          const xs = j === 0 && r > 4 ? tf.image.resizeBilinear(byStyle(x, style), [r, r], false, true) : byStyle(x, style);
          const wt = p.get(`${name}/w`) as tf.Tensor4D;
          // Every conv but the first reads an activation stored without its √2 lrelu gain, which is
          // folded into its weights with the equalized-lr scale (see modulatedConv).
          const y = tf.conv2d(xs, tf.mul(wt, convScale(wt) * (r === 4 ? 1 : Math.SQRT2)) as tf.Tensor4D, 1, 'same');
          const noiseMap =
            noise === 'none'
              ? undefined
              : noise === 'const'
                ? (p.get(`${name}/noise_const`) as tf.Tensor4D)
                : (tf.randomNormal([b, r, r, 1], 0, 1, 'float32', opts.noiseSeed === undefined ? undefined : opts.noiseSeed * 64 + idx + j) as tf.Tensor4D);
          x = convEpilogue(
            y,
            demodulation(wt, style),
            p.get(`${name}/bias`),
            noiseMap === undefined ? undefined : { map: noiseMap, strength: p.get(`${name}/noise_strength`) },
            { stock: opts.stockEpilogue === true },
          );
        }
        const tw = wAt(idx + convs);
        idx += r === 4 ? 1 : 2;
        const style = dense(tw, p.get(`synth/b${r}/torgb/affine/w`), p.get(`synth/b${r}/torgb/affine/b`));
        const y = tf.add(modulatedConv(x, p.get(`synth/b${r}/torgb/w`) as tf.Tensor4D, style, false, Math.SQRT2), p.get(`synth/b${r}/torgb/bias`)) as tf.Tensor4D;
        rgb = rgb === null ? y : (tf.add(tf.image.resizeBilinear(rgb, [r, r], false, true), y) as tf.Tensor4D);
      }
      return rgb!;
    });
  }

  /** z → image, with optional truncation ψ. */
  generate(z: tf.Tensor2D, opts: SynthesisOptions & { psi?: number } = {}): tf.Tensor4D {
    return tf.tidy(() => {
      const w = this.mapping(z);
      return this.synthesis(this.truncate(w, opts.psi ?? 1), opts);
    });
  }

  /** Trainable variables (the tracked mean w and constant noise maps are not). */
  trainableVariables(): tf.Variable[] {
    return this.params.trainable();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.params.dispose();
  }
}
