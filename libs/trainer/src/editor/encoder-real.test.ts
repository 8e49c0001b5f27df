import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initRuntime, invertLatent, loadEncoder, loadGenerator } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { parityInputs } from '../testing/parity-inputs';
import { REAL_ENCODER_DIR, REAL_GENERATOR_DIR } from '../testing/real-models';

beforeAll(async () => {
  await initRuntime();
});

/** The real-face encoder, trained by libs/trainer-torch against the real-face generator beside it. */
describe('training/encoder-real/encoder', () => {
  it('computes what PyTorch computed on the same weights (the hand-over)', () => {
    const enc = loadEncoder(REAL_ENCODER_DIR);
    const g = loadGenerator(REAL_GENERATOR_DIR);
    const want = (JSON.parse(readFileSync(join(REAL_ENCODER_DIR, 'parity.json'), 'utf8')) as { w: number[][][] }).w;
    const r = enc.config.resolution;
    const x = tf.tensor4d(parityInputs(want.length, r), [want.length, r, r, 3]);
    const w = enc.encode(x, g.params.get('mapping/w_avg'));
    const got = w.arraySync();
    let worst = 0;
    want.forEach((rows, i) => rows.forEach((row, j) => row.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - got[i]![j]![k]!) / (1 + Math.abs(v)))))));
    expect(worst).toBeLessThan(1e-3);
    tf.dispose([x, w]);
    enc.dispose();
    g.dispose();
  });

  it('was trained against the generator committed beside it, says how, and reconstructs real faces better than the mean face', async () => {
    const m = JSON.parse(readFileSync(join(REAL_ENCODER_DIR, 'manifest.json'), 'utf8')) as { provenance: { generator: { sha256: string }; command: string; data: { kind: string } } };
    const gm = JSON.parse(readFileSync(join(REAL_GENERATOR_DIR, 'manifest.json'), 'utf8')) as { weights: { sha256: string } };
    expect(m.provenance.generator.sha256).toBe(gm.weights.sha256);
    expect(m.provenance.command).toMatch(/^npx nx run trainer-torch:train-encoder -- /);
    expect(m.provenance.data.kind).toBe('realface');
    const set = await RealFaceDataset.open();
    const b = set.split('test').slice(0, 16);
    const before = tf.memory().numTensors;
    const enc = loadEncoder(REAL_ENCODER_DIR);
    const g = loadGenerator(REAL_GENERATOR_DIR);
    const x = tf.tensor4d(b.images, b.shape);
    const [mse, meanMse] = tf.tidy(() => {
      const rec = g.synthesis(invertLatent(g, enc, x), { noise: 'const' });
      const mean = g.synthesis(tf.tile(tf.reshape(g.params.get('mapping/w_avg'), [1, 1, -1]), [16, g.numWs, 1]) as tf.Tensor3D, { noise: 'const' });
      return [tf.mean(tf.square(tf.sub(rec, x))).dataSync()[0]!, tf.mean(tf.square(tf.sub(mean, x))).dataSync()[0]!];
    });
    expect(mse).toBeLessThan(meanMse * 0.8);
    x.dispose();
    enc.dispose();
    g.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
