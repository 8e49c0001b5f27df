import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint, type Provenance, type WeightDtype } from '../checkpoint/checkpoint';
import { Generator, validateGeneratorConfig, type GeneratorConfig } from './generator';

export const GENERATOR_KIND = 'stylegan-generator';

export function saveGenerator(dir: string, g: Generator, provenance: Provenance, dtype: WeightDtype = 'float32'): void {
  saveCheckpoint(dir, {
    architecture: { kind: GENERATOR_KIND, config: { ...g.config } },
    tensors: g.params.toArrays(),
    provenance,
    dtype,
  });
}

/** Load a generator checkpoint; the architecture comes from the manifest, validated. */
export function loadGenerator(dir: string): Generator {
  const { manifest, tensors } = loadCheckpoint(dir, { kind: GENERATOR_KIND });
  const config = validateGeneratorConfig(manifest.architecture.config as unknown as GeneratorConfig);
  const g = new Generator(config);
  try {
    g.params.fromArrays(tensors);
  } catch (e) {
    g.dispose();
    throw e;
  }
  return g;
}

/** Generated images as uint8 RGB, for sample grids and judges. */
export function toUint8(images: tf.Tensor4D): Uint8Array {
  const t = tf.tidy(() => tf.clipByValue(tf.add(tf.mul(images, 127.5), 127.5), 0, 255).round().cast('int32'));
  try {
    return Uint8Array.from(t.dataSync());
  } finally {
    t.dispose();
  }
}
