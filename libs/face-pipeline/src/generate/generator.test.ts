import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initRuntime } from '../runtime/init-runtime';
import { saveCheckpoint } from '../checkpoint/checkpoint';
import { randomNormal, relativeError } from '../runtime/testing/compare-backends';
import { DEFAULT_GENERATOR_CONFIG, Generator, numWs, type GeneratorConfig } from './generator';
import { loadGenerator, saveGenerator } from './generator-checkpoint';
import { modulatedConv, modulatedConvReference } from './modulated-conv';

const tiny: GeneratorConfig = { ...DEFAULT_GENERATOR_CONFIG, resolution: 32, zDim: 16, wDim: 16, mappingLayers: 2, channelBase: 256, channelMax: 16 };

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

describe('modulated convolution', () => {
  it.each([true, false])('equals explicit per-sample weight modulation (demodulate=%s)', (demod) => {
    const x = tf.tensor4d(randomNormal(3 * 6 * 5 * 4, 1), [3, 6, 5, 4]);
    const w = tf.tensor4d(randomNormal(3 * 3 * 4 * 7, 2), [3, 3, 4, 7]);
    const s = tf.tensor2d(randomNormal(3 * 4, 3), [3, 4]);
    const ours = modulatedConv(x, w, s, demod);
    const ref = modulatedConvReference(x, w, s, demod);
    expect(relativeError(ours.dataSync(), ref.dataSync())).toBeLessThan(1e-5);
    tf.dispose([x, w, s, ours, ref]);
  });

  it('demodulation gives unit-variance outputs for unit-variance inputs', () => {
    const x = tf.randomNormal([8, 16, 16, 32], 0, 1, 'float32', 11) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 32, 32], 0, 1, 'float32', 12) as tf.Tensor4D;
    const s = tf.randomUniform([8, 32], 0.2, 3, 'float32', 13) as tf.Tensor2D;
    const y = modulatedConv(x, w, s);
    const v = tf.moments(y).variance.dataSync()[0]!;
    expect(v).toBeGreaterThan(0.7);
    expect(v).toBeLessThan(1.3);
    tf.dispose([x, w, s, y]);
  });
});

describe('Generator', () => {
  it.each([32, 64, 128, 256])('makes %i² images from W and W+', (res) => {
    const g = new Generator({ ...tiny, resolution: res });
    const z = tf.randomNormal([2, tiny.zDim]) as tf.Tensor2D;
    const img = g.generate(z, { noise: 'const' });
    expect(img.shape).toEqual([2, res, res, 3]);
    expect(g.numWs).toBe(numWs(g.config));
    const w = g.mapping(z);
    const wplus = tf.tile(tf.expandDims(w, 1), [1, g.numWs, 1]);
    const a = g.synthesis(w, { noise: 'const' });
    const b = g.synthesis(wplus, { noise: 'const' });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).toEqual(Array.from(img.dataSync()));
    tf.dispose([z, img, w, wplus, a, b]);
    g.dispose();
  });

  it('W+ rows steer different layers (style mixing changes the image)', () => {
    const g = new Generator(tiny, 3);
    const w = g.mapping(tf.randomNormal([2, tiny.zDim], 0, 1, 'float32', 5) as tf.Tensor2D);
    const [w0, w1] = tf.split(w, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
    const mixed = tf.concat([tf.tile(tf.expandDims(w0, 1), [1, 4, 1]), tf.tile(tf.expandDims(w1, 1), [1, g.numWs - 4, 1])], 1);
    const a = g.synthesis(w0, { noise: 'none' });
    const m = g.synthesis(mixed, { noise: 'none' });
    const b = g.synthesis(w1, { noise: 'none' });
    expect(relativeError(m.dataSync(), a.dataSync())).toBeGreaterThan(1e-3);
    expect(relativeError(m.dataSync(), b.dataSync())).toBeGreaterThan(1e-3);
    tf.dispose([w, w0, w1, mixed, a, m, b]);
    g.dispose();
  });

  it('truncation ψ=0 maps every z to the mean w', () => {
    const g = new Generator(tiny);
    tf.tidy(() => g.params.get('mapping/w_avg').assign(tf.fill([tiny.wDim], 0.5)));
    const w = g.mapping(tf.randomNormal([3, tiny.zDim]) as tf.Tensor2D);
    const t = g.truncate(w, 0);
    expect(Array.from(t.dataSync()).every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
    tf.dispose([w, t]);
    g.dispose();
  });

  it('checkpoints round-trip bit-exactly and refuse a mismatched file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gen-'));
    try {
      const g = new Generator(tiny, 9);
      saveGenerator(join(dir, 'g'), g, { command: 'test', seed: 9, steps: 0, dataManifestSha256: null, date: new Date(0).toISOString() });
      const h = loadGenerator(join(dir, 'g'));
      expect(h.config).toEqual(g.config);
      for (const name of g.params.names()) {
        expect(Buffer.from(h.params.get(name).dataSync().buffer)).toEqual(Buffer.from(g.params.get(name).dataSync().buffer));
      }
      const z = tf.randomNormal([1, tiny.zDim]) as tf.Tensor2D;
      const a = g.generate(z, { noise: 'const' });
      const b = h.generate(z, { noise: 'const' });
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      tf.dispose([z, a, b]);
      h.dispose();
      saveCheckpoint(join(dir, 'other'), { architecture: { kind: 'judge', config: {} }, tensors: {}, provenance: { command: 't', seed: 0, steps: 0, dataManifestSha256: null, date: '' } });
      expect(() => loadGenerator(join(dir, 'other'))).toThrow(/expected "stylegan-generator"/);
      const wide = new Generator({ ...tiny, channelMax: 32 });
      saveGenerator(join(dir, 'wide'), wide, { command: 't', seed: 0, steps: 0, dataManifestSha256: null, date: '' });
      wide.dispose();
      // A manifest whose config says one thing while the tensors hold another is refused by shape.
      const m = JSON.parse(readFileSync(join(dir, 'wide', 'manifest.json'), 'utf8')) as { architecture: { config: GeneratorConfig } };
      m.architecture.config.channelMax = 16;
      writeFileSync(join(dir, 'wide', 'manifest.json'), JSON.stringify(m));
      expect(() => loadGenerator(join(dir, 'wide'))).toThrow(/has shape/);
      g.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('construct + dispose leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    new Generator(tiny, 4).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gradients flow to every trainable parameter and nothing leaks', () => {
    const g = new Generator(tiny);
    const z = tf.randomNormal([2, tiny.zDim]) as tf.Tensor2D;
    const step = (): void => {
      const { grads, value } = tf.variableGrads(() => tf.mean(tf.square(g.generate(z))) as tf.Scalar, g.trainableVariables());
      for (const v of g.trainableVariables()) expect(grads[v.name], v.name).toBeDefined();
      tf.dispose([value, ...Object.values(grads)]);
    };
    step();
    const before = tf.memory().numTensors;
    step();
    step();
    expect(tf.memory().numTensors).toBe(before);
    z.dispose();
    g.dispose();
  });
});
