import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { END_ID, PAD_ID, VOCABULARY_FINGERPRINT, VOCABULARY_SIZE, tokenize } from '@lfe/edit-language';
import { CheckpointError, type Provenance } from '../checkpoint/index';
import { initRuntime } from '../runtime/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captionIds, padCaptionIds } from './caption-ids';
import { Captioner, DEFAULT_CAPTIONER_CONFIG, type CaptionerConfig } from './captioner';
import { pickIndices, richardsonDifference } from './testing';

const TINY: CaptionerConfig = {
  resolution: 16,
  stages: [
    { channels: 4, convs: 1 },
    { channels: 6, convs: 2 },
  ],
  featureDim: 16,
  contextDim: 8,
  embeddingDim: 6,
  styleDim: 3,
  hiddenDim: 10,
};
const PROVENANCE: Provenance = { command: 'test', seed: 1, steps: 0, dataManifestSha256: null, date: '2026-01-01T00:00:00Z' };

let m: Captioner;
let images: tf.Tensor4D;
let dir: string;
const texts = ['a woman with long blond hair and big eyes', '大眼睛长头发'];

beforeAll(async () => {
  await initRuntime();
  m = new Captioner(TINY, 3);
  images = tf.randomUniform([2, 16, 16, 3], -1, 1, 'float32', 11) as tf.Tensor4D;
  dir = mkdtempSync(join(tmpdir(), 'captioner-test-'));
});

afterAll(() => {
  m.dispose();
  images.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (): tf.Tensor2D => padCaptionIds(texts.map((t) => captionIds(t)));
const value = (t: tf.Tensor): number[] => {
  const v = [...t.dataSync()];
  t.dispose();
  return v;
};

describe('Captioner', () => {
  it('default config: 1024-d feature, log p of a caption is a finite negative number per sample', () => {
    const big = new Captioner(DEFAULT_CAPTIONER_CONFIG);
    const x = tf.zeros([1, 64, 64, 3]) as tf.Tensor4D;
    const f = big.features(x);
    expect(f.shape).toEqual([1, 1024]);
    const y = padCaptionIds([captionIds('long hair')]);
    const lp = value(big.logProb(x, y, [{ mode: 'partial', lang: 'en' }]));
    expect(lp).toHaveLength(1);
    expect(lp[0]).toBeLessThan(0);
    expect(Number.isFinite(lp[0])).toBe(true);
    tf.dispose([x, f, y]);
    big.dispose();
  });

  it('loss is the mean negative log p; the default style reads the caption language (partial)', () => {
    const y = ids();
    const lp = value(m.logProb(images, y));
    const explicit = value(m.logProb(images, y, [{ mode: 'partial', lang: 'en' }, { mode: 'partial', lang: 'zh' }]));
    const full = value(m.logProb(images, y, [{ mode: 'full', lang: 'en' }, { mode: 'full', lang: 'zh' }]));
    expect(lp).toEqual(explicit);
    expect(full).not.toEqual(lp);
    expect(value(m.loss(images, y))[0]).toBeCloseTo(-(lp[0]! + lp[1]!) / 2, 4);
    y.dispose();
  });

  it('padding does not change log p (masked), and <end> is scored', () => {
    const rows = texts.map((t) => captionIds(t));
    const short = padCaptionIds(rows);
    const long = padCaptionIds(rows, short.shape[1] + 7);
    const a = value(m.logProb(images, short));
    const b = value(m.logProb(images, long));
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 4));
    // Dropping <end> changes the score: it is one of the predicted tokens.
    const noEnd = padCaptionIds(rows.map((r) => r.slice(0, -1)), short.shape[1]);
    const c = value(m.logProb(images, noEnd));
    expect(c[0]).toBeGreaterThan(a[0]!);
    tf.dispose([short, long, noEnd]);
  });

  it('gradients w.r.t. parameters of every part match central finite differences', () => {
    const y = ids();
    const styles = [{ mode: 'full', lang: 'en' } as const, { mode: 'partial', lang: 'zh' } as const];
    const f = (): tf.Scalar => tf.tidy(() => tf.sum(m.logProb(images, y, styles)) as tf.Scalar);
    const names = ['cnn/s0/conv0/w', 'cnn/s1/conv1/w', 'cnn/s1/conv0/gamma', 'cnn/fc/w', 'dec/ctx/w', 'dec/style', 'dec/embed', 'dec/lstm/w_h', 'dec/lstm/w_ctx', 'dec/out/w_h'];
    const vars = names.map((n) => m.params.get(n));
    const { value: v0, grads } = tf.variableGrads(f, vars);
    v0.dispose();
    const scalar = (): number => value(f())[0]!;
    let checked = 0;
    names.forEach((name, k) => {
      const v = vars[k]!;
      const g = grads[v.name]!.dataSync();
      for (const i of pickIndices(g, 2, 100 + k, 200)) {
        // Richardson-extrapolated central difference (eps 6e-3; O(eps⁴) truncation). float32 loss ≈ 90
        // rounds at ~8e-6, i.e. ~2e-3 in the quotient: hence the absolute term. The decoder is smooth:
        // 1 % relative. The CNN is only piecewise smooth (LeakyReLU): a step moves some of the
        // pre-activations across zero, measured ≤ 2 % here, so 5 % there. A wrong gradient is off by
        // far more: tfjs 4.22's own halfPixelCenters resize gradient (see pool2x.ts) gave 100–1000 %.
        const fd = richardsonDifference(scalar, v, i, 6e-3);
        const rel = name.startsWith('cnn/') ? 5e-2 : 1e-2;
        expect(Math.abs(fd - g[i]!), `${name}[${i}] fd ${fd} vs analytic ${g[i]}`).toBeLessThanOrEqual(rel * Math.abs(g[i]!) + 2e-3);
        checked++;
      }
    });
    expect(checked).toBe(20);
    tf.dispose([y, ...Object.values(grads)]);
  });

  it('is differentiable w.r.t. the input images (non-zero, finite)', () => {
    const y = ids();
    const g = tf.grad((x: tf.Tensor) => tf.sum(m.logProb(x as tf.Tensor4D, y)))(images);
    const d = g.dataSync();
    expect(d.every(Number.isFinite)).toBe(true);
    expect(tf.max(tf.abs(g)).dataSync()[0]).toBeGreaterThan(1e-6);
    // Every image gets its own gradient.
    expect(tf.sum(tf.abs(tf.slice(g, [1, 0, 0, 0], [1, 16, 16, 3]))).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([y, g]);
  });

  it('greedy: beam of size 1 is greedy; beam ≥ greedy; decode scores equal logProb of the decoded ids', () => {
    const greedy = m.greedy(images, { maxLength: 6 });
    const beam1 = m.beam(images, { beamSize: 1, maxLength: 6, keepGreedy: false });
    const beam4 = m.beam(images, { beamSize: 4, maxLength: 6 });
    expect(beam1.map((c) => c.ids)).toEqual(greedy.map((c) => c.ids));
    beam1.forEach((c, i) => expect(c.logProb).toBeCloseTo(greedy[i]!.logProb, 4));
    beam4.forEach((c, i) => expect(c.logProb).toBeGreaterThanOrEqual(greedy[i]!.logProb - 1e-5));
    for (const caps of [greedy, beam4]) {
      const y = padCaptionIds(caps.map((c) => [...c.ids, END_ID]));
      const lp = value(m.logProb(images, y, [{ mode: 'full', lang: 'en' }, { mode: 'full', lang: 'en' }]));
      caps.forEach((c, i) => {
        expect(c.logProb).toBeCloseTo(lp[i]!, 3);
        expect(c.tokens.length).toBe(c.ids.length);
        expect(c.ids.length).toBeLessThanOrEqual(6);
        expect(c.ids).not.toContain(PAD_ID);
      });
      y.dispose();
    }
  });

  it('pure beam search finds captions at least as probable as greedy on most images', () => {
    const x = tf.randomUniform([6, 16, 16, 3], -1, 1, 'float32', 12) as tf.Tensor4D;
    const greedy = m.greedy(x, { maxLength: 5 });
    const beam = m.beam(x, { beamSize: 5, maxLength: 5, keepGreedy: false });
    const atLeast = beam.filter((c, i) => c.logProb >= greedy[i]!.logProb - 1e-5).length;
    expect(atLeast).toBeGreaterThanOrEqual(5);
    x.dispose();
  });

  it('does not leak tensors across repeated calls', () => {
    const y = ids();
    const run = (): void => {
      value(m.logProb(images, y));
      value(m.loss(images, y));
      value(m.predictNext(images, y));
      value(m.features(images));
      m.greedy(images, { maxLength: 4 });
      m.beam(images, { beamSize: 3, maxLength: 4 });
      const g = tf.variableGrads(() => m.loss(images, y), m.trainableVariables());
      tf.dispose([g.value, ...Object.values(g.grads)]);
    };
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    y.dispose();
  });

  it('checkpoint round-trip is bit-exact and records the vocabulary fingerprint', () => {
    const d = join(dir, 'rt');
    m.save(d, PROVENANCE);
    const manifest = JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as { architecture: { kind: string; config: Record<string, unknown> }; provenance: Record<string, unknown> };
    expect(manifest.architecture.kind).toBe('lfe-captioner');
    expect(manifest.architecture.config['vocabularyFingerprint']).toBe(VOCABULARY_FINGERPRINT);
    expect(manifest.architecture.config['vocabularySize']).toBe(VOCABULARY_SIZE);
    expect(manifest.provenance['vocabularyFingerprint']).toBe(VOCABULARY_FINGERPRINT);
    const back = Captioner.load(d);
    const a = m.params.toArrays();
    const b = back.params.toArrays();
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [k, v] of a) expect(Buffer.from(b.get(k)!.values.buffer).equals(Buffer.from(v.values.buffer)), k).toBe(true);
    const y = ids();
    expect(value(back.logProb(images, y))).toEqual(value(m.logProb(images, y)));
    tf.dispose(y);
    back.dispose();
  });

  it('float16 checkpoints load and stay close', () => {
    const d = join(dir, 'f16');
    m.save(d, PROVENANCE, 'float16');
    const back = Captioner.load(d);
    const y = ids();
    const a = value(m.logProb(images, y));
    value(back.logProb(images, y)).forEach((v, i) => expect(Math.abs(v - a[i]!)).toBeLessThan(0.05 * Math.abs(a[i]!)));
    tf.dispose(y);
    back.dispose();
  });

  it('refuses a corrupted checkpoint, another vocabulary, and another kind', () => {
    const d = join(dir, 'bad');
    m.save(d, PROVENANCE);
    const manifestFile = join(d, 'manifest.json');
    const weightsFile = join(d, 'weights.bin');
    const good = readFileSync(manifestFile, 'utf8');
    const weights = readFileSync(weightsFile);
    const flipped = Buffer.from(weights);
    flipped[17] = flipped[17]! ^ 0x40;
    writeFileSync(weightsFile, flipped);
    expect(() => Captioner.load(d)).toThrow(CheckpointError);
    expect(() => Captioner.load(d)).toThrow(/sha256/);
    writeFileSync(weightsFile, weights.subarray(0, weights.length - 8));
    expect(() => Captioner.load(d)).toThrow(CheckpointError);
    writeFileSync(weightsFile, weights);
    writeFileSync(manifestFile, good.replace(`"vocabularyFingerprint": "${VOCABULARY_FINGERPRINT}"`, '"vocabularyFingerprint": "deadbeef"'));
    expect(() => Captioner.load(d)).toThrow(/vocabulary/);
    writeFileSync(manifestFile, good.replace('"kind": "lfe-captioner"', '"kind": "lfe-judge"'));
    expect(() => Captioner.load(d)).toThrow(/expected "lfe-captioner"/);
    writeFileSync(manifestFile, good);
    Captioner.load(d).dispose();
  });

  it('validates inputs', () => {
    const y = ids();
    expect(() => m.logProb(tf.zeros([2, 8, 8, 3]) as tf.Tensor4D, y)).toThrow(TypeError);
    expect(() => m.logProb(images, tf.zeros([2, 3]) as tf.Tensor2D)).toThrow(/int32/);
    expect(() => m.logProb(images, y, [{ mode: 'full', lang: 'en' }])).toThrow(/styles/);
    expect(() => padCaptionIds([[VOCABULARY_SIZE]])).toThrow(/vocabulary/);
    expect(() => m.beam(images, { beamSize: 0 })).toThrow(/beamSize/);
    expect(captionIds(tokenize('long hair')).at(-1)).toBe(END_ID);
    y.dispose();
  });
});
