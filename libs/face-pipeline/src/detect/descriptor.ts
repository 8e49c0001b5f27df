import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';

/** The bit of @vladmandic/face-api's recognition net this module uses. */
interface RecognitionNet {
  loadFromDisk(dir: string): Promise<void>;
  computeFaceDescriptor(input: tf.Tensor3D[]): Promise<Float32Array | Float32Array[]>;
}

/** Side of the face chip the recognition net reads (it resizes anything else to this). */
export const DESCRIPTOR_INPUT = 150;

const DESCRIBE_CHUNK = 64;

export interface DescriptorOptions {
  /**
   * Share of the aligned face crop's side, centred, that goes to the recognition net. The net was
   * trained on tight chips (brows to chin); the model's crop also holds hair and background.
   * Default `DEFAULT_DESCRIPTOR_CROP` (picked on the validation split, docs/identity.md).
   */
  crop?: number;
}

/** Picked on the real faces' validation split (docs/identity.md): the separation of same vs other faces peaks here. */
export const DEFAULT_DESCRIPTOR_CROP = 0.75;

let net: Promise<RecognitionNet> | null = null;

/**
 * face-api's 128-d face-recognition descriptor (a ResNet trained by others on millions of faces;
 * shipped inside the npm package, nothing is downloaded): the project's identity measure, a network
 * nobody here trained. Distances under ~0.6 mean "same person" in face-api's own use at full
 * resolution; the threshold for the model's aligned crops is calibrated in docs/identity.md.
 */
export class FaceDescriptor {
  readonly #net: RecognitionNet;
  readonly crop: number;

  private constructor(n: RecognitionNet, crop: number) {
    this.#net = n;
    this.crop = crop;
  }

  /** Load the recognition net (after `initRuntime()`: face-api's node-wasm build shares our tfjs). */
  static async load(options: DescriptorOptions = {}): Promise<FaceDescriptor> {
    const crop = options.crop ?? DEFAULT_DESCRIPTOR_CROP;
    if (!(crop > 0.2 && crop <= 1)) throw new RangeError(`FaceDescriptor: crop must be in (0.2, 1], got ${crop}`);
    net ??= (async () => {
      const require = createRequire(import.meta.url);
      const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as { tf: { engine(): unknown }; nets: { faceRecognitionNet: RecognitionNet } };
      if (api.tf.engine() !== tf.engine()) throw new Error('face-api: its tfjs is not ours (two tfjs instances)');
      await api.nets.faceRecognitionNet.loadFromDisk(join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model'));
      return api.nets.faceRecognitionNet;
    })();
    return new FaceDescriptor(await net, crop);
  }

  /**
   * Descriptors of aligned faces [B,R,R,3] in [-1, 1] (the model's crops): the centred `crop` share
   * of each, resized to the net's 150×150 chip. One 128-d vector per face.
   */
  async describe(images: tf.Tensor4D): Promise<Float32Array[]> {
    const b = images.shape[0];
    const out: Float32Array[] = [];
    // In chunks: tfjs-wasm's cropAndResize reads wrong pixels past 2^24 input values, and the net's
    // activations at 150 px are ~2.9 MB per face.
    for (let i = 0; i < b; i += DESCRIBE_CHUNK) {
      const n = Math.min(DESCRIBE_CHUNK, b - i);
      const chips = tf.tidy(() => {
        const s = this.crop;
        const y0 = (1 - s) / 2;
        const boxes = tf.tensor2d(Array.from({ length: n }, () => [y0, y0, y0 + s, y0 + s]), [n, 4]);
        const part = n === b ? images : (tf.slice(images, [i, 0, 0, 0], [n, -1, -1, -1]) as tf.Tensor4D);
        const pixels = tf.mul(tf.add(part, 1), 127.5) as tf.Tensor4D;
        return tf.image.cropAndResize(pixels, boxes, tf.range(0, n, 1, 'int32') as tf.Tensor1D, [DESCRIPTOR_INPUT, DESCRIPTOR_INPUT], 'bilinear');
      });
      // face-api takes a batch as a list of images (a Tensor4D only with batch 1).
      const list = tf.unstack(chips) as tf.Tensor3D[];
      chips.dispose();
      try {
        const d = await this.#net.computeFaceDescriptor(list);
        out.push(...(Array.isArray(d) ? d : [d]));
      } finally {
        list.forEach((t) => t.dispose());
      }
    }
    return out;
  }
}

/** Euclidean distance between two descriptors. */
export function descriptorDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new TypeError(`descriptorDistance: lengths ${a.length} and ${b.length} differ`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s);
}
