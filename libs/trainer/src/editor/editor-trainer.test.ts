import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Captioner, Encoder, Generator, initRuntime, type GeneratorConfig } from '@lfe/face-pipeline';
import { describeFace, parseCommand, seededRandom } from '@lfe/edit-language';
import { hashInts, openImageFolder, render, sample } from '@lfe/face-synth';
import { createCanvas } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticFaceSource } from '../gan/image-source';
import { attributesFromCaptions } from '@lfe/edit-language';
import { FolderPairSource, editPair, editPairFromCaptions } from './edit-pairs';
import { EditorTrainer, resolveEditorTrainConfig } from './editor-trainer';
import { EncoderTrainer, resolveEncoderTrainConfig } from './encoder-trainer';

const G_CFG: GeneratorConfig = { resolution: 32, zDim: 16, wDim: 16, mappingLayers: 2, mappingLrMul: 0.01, channelBase: 128, channelMax: 16 };
const PROV = { command: 'test', seed: 1, dataManifestSha256: null, date: '2026-11-27' };

let dir: string;
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'editor-train-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('edit pairs', () => {
  it('are pure in (seed, k), parse as edits, and state the requested attributes in the target caption', () => {
    const opts = { zhFraction: 0.5, maxEdits: 3, targetCaption: 'requested' as const };
    for (let k = 0; k < 30; k++) {
      const a = editPair(7, k, opts);
      expect(editPair(7, k, opts)).toEqual(a);
      const cmd = parseCommand(a.command);
      expect(cmd.kind).toBe('edit');
      const cap = parseCommand(a.caption);
      if (cap.kind !== 'edit') throw new Error('caption does not parse');
      expect(new Set(cap.edits.map((e) => e.attribute))).toEqual(new Set(a.edits.map((e) => e.attribute)));
      expect(a.style.mode).toBe('partial');
    }
    expect(editPair(7, 0, { ...opts, targetCaption: 'full' }).style.mode).toBe('full');
  });
});

describe('EncoderTrainer', () => {
  it('lowers the latent loss on generated samples and resumes exactly', async () => {
    const g = new Generator(G_CFG, 1);
    const cfg = resolveEncoderTrainConfig({ generator: '-', model: { channels: [8, 16, 16], convsPerStage: 1, featureDim: 32 }, batchSize: 8, steps: 30, lr: 3e-3, dataFraction: 0.25 });
    const src = new SyntheticFaceSource(32, 3);
    const a = new EncoderTrainer(cfg, g, src);
    const first: number[] = [];
    first.push((await a.trainStep()).latent); // creates Adam's moments
    const before = tf.memory().numTensors;
    for (let i = 1; i < 30; i++) first.push((await a.trainStep()).latent);
    expect(tf.memory().numTensors).toBe(before);
    const mean = (v: number[]): number => v.reduce((p, x) => p + x, 0) / v.length;
    expect(mean(first.slice(-5))).toBeLessThan(mean(first.slice(0, 5)));

    // Resume: 10 steps, save, restore into a fresh trainer, 5 more = 15 uninterrupted.
    const b = new EncoderTrainer(cfg, g, src);
    for (let i = 0; i < 10; i++) await b.trainStep();
    await b.save(join(dir, 'enc-state'), PROV);
    const c = new EncoderTrainer(cfg, g, src);
    await c.restore(join(dir, 'enc-state'));
    const d = new EncoderTrainer(cfg, g, src);
    for (let i = 0; i < 10; i++) await d.trainStep();
    for (let i = 0; i < 5; i++) {
      const sc = await c.trainStep();
      const sd = await d.trainStep();
      expect(sc.loss).toBe(sd.loss);
    }
    for (const t of [a, b, c, d]) t.dispose();
    g.dispose();
  });
});

describe('EditorTrainer', () => {
  it('a 10-iteration joint-training smoke run on 32×32 lowers the held-out loss, without leaks', async () => {
    const g = new Generator(G_CFG, 1);
    const enc = new Encoder({ resolution: 32, channels: [8, 8, 8], convsPerStage: 1, featureDim: 16, wDim: 16, numWs: g.numWs });
    const cap = new Captioner({ resolution: 32, stages: [{ channels: 8, convs: 1 }, { channels: 8, convs: 1 }], featureDim: 32, contextDim: 16, embeddingDim: 8, styleDim: 4, hiddenDim: 16 });
    for (const mode of ['residual', 'patent'] as const) {
      const cfg = resolveEditorTrainConfig({ batchSize: 8, steps: 10, lr: 1e-2, lrDecayEvery: 1000, textEncoder: { alpha: 0.7, hidden: 8, codeDim: 8 }, fusion: { mode, hidden: 16 }, latentWeight: 0 });
      const t = new EditorTrainer(cfg, g, enc, cap);
      const heldOut = Array.from({ length: 8 }, (_, i) => editPair(99, i, cfg));
      const l0 = t.evaluate(heldOut).nll;
      await t.trainStep(); // creates Adam's moments
      const before = tf.memory().numTensors;
      for (let i = 1; i < 10; i++) {
        const s = await t.trainStep();
        expect(Number.isFinite(s.loss)).toBe(true);
      }
      expect(tf.memory().numTensors).toBe(before);
      const l1 = t.evaluate(heldOut).nll;
      expect(l1).toBeLessThan(l0);
      t.dispose();
    }
    for (const m of [g, enc, cap]) m.dispose();
  });

  it('resumes to the same losses', async () => {
    const g = new Generator(G_CFG, 2);
    const enc = new Encoder({ resolution: 32, channels: [8, 8, 8], convsPerStage: 1, featureDim: 16, wDim: 16, numWs: g.numWs });
    const cap = new Captioner({ resolution: 32, stages: [{ channels: 8, convs: 1 }, { channels: 8, convs: 1 }], featureDim: 32, contextDim: 16, embeddingDim: 8, styleDim: 4, hiddenDim: 16 });
    const cfg = resolveEditorTrainConfig({ batchSize: 4, steps: 10, lrDecayEvery: 3, textEncoder: { alpha: 0.7, hidden: 8, codeDim: 8 }, fusion: { mode: 'residual', hidden: 16 } });
    const a = new EditorTrainer(cfg, g, enc, cap);
    for (let i = 0; i < 4; i++) await a.trainStep();
    await a.save(join(dir, 'ed-state'), PROV);
    const b = new EditorTrainer(cfg, g, enc, cap);
    await b.restore(join(dir, 'ed-state'));
    for (let i = 0; i < 3; i++) expect((await b.trainStep()).loss).toBe((await a.trainStep()).loss);
    expect(() => resolveEditorTrainConfig({ fusion: { mode: 'tanh' as never, hidden: 4 } })).toThrow(TypeError);
    expect(() => resolveEditorTrainConfig({ bogus: 1 } as never)).toThrow(/unknown field/);
    for (const m of [a, b, g, enc, cap]) m.dispose();
  });
});

describe('real-photo path (folder + captions JSONL)', () => {
  it('reads what captions state and never asks for a relative change of an unknown attribute', () => {
    const { face, known } = attributesFromCaptions(['a woman with long hair and glasses', 'not a command at all ###']);
    expect([...known].sort()).toEqual(['eyewear', 'hairLength']);
    expect(face.identity.gender).toBe(0);
    for (let k = 0; k < 40; k++) {
      const p = editPairFromCaptions(['a man with a beard'], 3, k, { zhFraction: 0.5, maxEdits: 3, targetCaption: 'requested' });
      for (const e of p.edits) if (e.attribute !== 'beard') expect(['set', 'remove']).toContain(e.op);
      expect(parseCommand(p.command).kind).toBe('edit');
      expect(p.style.mode).toBe('partial');
    }
  });

  it('trains the joint model from a folder of photos', async () => {
    const folder = join(dir, 'photos');
    mkdirSync(folder, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 8; i++) {
      const face = sample(hashInts(5, i));
      const img = render(face, 48);
      const c = createCanvas(48, 48);
      const ctx = c.getContext('2d');
      const data = ctx.createImageData(48, 48);
      for (let j = 0; j < 48 * 48; j++) {
        for (let k = 0; k < 3; k++) data.data[j * 4 + k] = img.data[j * 3 + k]!;
        data.data[j * 4 + 3] = 255;
      }
      ctx.putImageData(data, 0, 0);
      writeFileSync(join(folder, `p${i}.png`), c.toBuffer('image/png'));
      lines.push(JSON.stringify({ image: `p${i}.png`, captions: [describeFace(face, seededRandom(i), { mode: 'full' })] }));
    }
    writeFileSync(join(folder, 'captions.jsonl'), `${lines.join('\n')}\n`);
    const ds = await openImageFolder(folder, { size: 32 });
    const g = new Generator(G_CFG, 3);
    const enc = new Encoder({ resolution: 32, channels: [8, 8, 8], convsPerStage: 1, featureDim: 16, wDim: 16, numWs: g.numWs });
    const cap = new Captioner({ resolution: 32, stages: [{ channels: 8, convs: 1 }, { channels: 8, convs: 1 }], featureDim: 32, contextDim: 16, embeddingDim: 8, styleDim: 4, hiddenDim: 16 });
    const cfg = resolveEditorTrainConfig({ batchSize: 4, steps: 4, textEncoder: { alpha: 0.7, hidden: 8, codeDim: 8 }, fusion: { mode: 'residual', hidden: 16 } });
    const t = new EditorTrainer(cfg, g, enc, cap, new FolderPairSource(ds, 1, cfg, 'test photos'));
    for (let i = 0; i < 4; i++) expect(Number.isFinite((await t.trainStep()).loss)).toBe(true);
    for (const m of [t, g, enc, cap]) m.dispose();
  });
});
