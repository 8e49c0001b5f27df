import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidCommandError, UnknownWordError, VOCABULARY_SIZE } from '@lfe/edit-language';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../checkpoint/errors';
import { regionMask } from '../paste/regions';
import { Encoder } from '../invert/encoder';
import { Fusion } from '../fuse/fusion';
import { Generator, type GeneratorConfig } from '../generate/generator';
import { saveGenerator } from '../generate/generator-checkpoint';
import { TextEncoder } from '../fuse/text-encoder';
import { initRuntime } from '../runtime/init-runtime';
import { Editor, commandIds } from './editor';
import { saveEncoder, saveFusion, saveTextEncoder, writeEditorInfo } from './editor-checkpoint';

const G_CFG: GeneratorConfig = { resolution: 32, zDim: 16, wDim: 16, mappingLayers: 2, mappingLrMul: 0.01, channelBase: 128, channelMax: 16 };
const PROV = { command: 'test', seed: 1, steps: 0, dataManifestSha256: null, date: '2026-11-27' };

function tinyParts(mode: 'patent' | 'residual' = 'residual'): { generator: Generator; encoder: Encoder; textEncoder: TextEncoder; fusion: Fusion } {
  const generator = new Generator(G_CFG, 1);
  const encoder = new Encoder({ resolution: 32, channels: [8, 8, 8], convsPerStage: 1, featureDim: 16, wDim: 16, numWs: generator.numWs });
  const textEncoder = new TextEncoder({ vocabSize: VOCABULARY_SIZE, alpha: 0.7, hidden: 8, codeDim: 8 });
  const fusion = new Fusion({ mode, wDim: 16, codeDim: 8, numWs: generator.numWs, hidden: 16 });
  if (mode === 'residual') {
    // A zero-initialised last layer edits nothing; give it weights so the tests see a change.
    fusion.params.get('out/w').assign(tf.randomNormal(fusion.params.get('out/w').shape, 0, 0.5, 'float32', 3));
  }
  return { generator, encoder, textEncoder, fusion };
}

const maxAbs = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

let dir: string;
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'editor-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('commandIds', () => {
  it('gives the token ids of an edit command, English and Chinese', () => {
    expect(commandIds('add glasses').length).toBe(2);
    expect(commandIds('大眼睛长头发').length).toBeGreaterThan(1);
  });
  it('rejects unknown words and control words with the command errors', () => {
    expect(() => commandIds('add goggles')).toThrow(UnknownWordError);
    expect(() => commandIds('undo')).toThrow(InvalidCommandError);
  });
});

describe('Editor', () => {
  it('invert → fuse → generate: shapes, a text changes the face, strength 0 is the reconstruction, no leaks', () => {
    const editor = new Editor(tinyParts());
    const img = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 9) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const w = editor.invert(img);
    expect(w.shape).toEqual([2, editor.generator.numWs, 16]);
    const f = editor.encodeText('long hair and big eyes');
    expect(f.shape).toEqual([1, 8]);
    const out = editor.edit(img, 'long hair and big eyes');
    expect(out.shape).toEqual([2, 32, 32, 3]);
    const rec = editor.generate(w);
    const none = editor.edit(img, 'add glasses', { strength: 0 });
    expect(maxAbs(none, rec)).toBeLessThan(1e-5);
    expect(maxAbs(out, rec)).toBeGreaterThan(1e-3);
    // Delta composite: the input plus (edit − reconstruction); strength 0 hands back the input.
    const d0 = editor.edit(img, 'add glasses', { strength: 0, composite: 'delta' });
    expect(maxAbs(d0, img)).toBeLessThan(1e-5);
    const d1 = editor.edit(img, 'long hair and big eyes', { composite: 'delta', localize: false });
    const expected = tf.tidy(() => tf.clipByValue(tf.add(img, tf.sub(out, rec)), -1, 1));
    expect(maxAbs(d1, expected)).toBeLessThan(1e-4);
    // localize (default): the change only where hair and eyes live (regionMask).
    const r = img.shape[1];
    const mask = tf.tensor4d(regionMask(['hairLength', 'eyeSize'], r), [1, r, r, 1]);
    const dl = editor.edit(img, 'long hair and big eyes', { composite: 'delta' });
    const expectedLocal = tf.tidy(() => tf.clipByValue(tf.add(img, tf.mul(tf.sub(out, rec), mask)), -1, 1));
    expect(maxAbs(dl, expectedLocal)).toBeLessThan(1e-4);
    tf.dispose([mask, dl, expectedLocal]);
    expect(() => editor.edit(img, 'add glasses', { composite: 'mix' as 'delta' })).toThrow(/composite/);
    tf.dispose([w, f, out, rec, none, d0, d1, expected]);
    expect(tf.memory().numTensors).toBe(before);
    editor.dispose();
    img.dispose();
  });

  it('refinement lowers the reconstruction error against the input', () => {
    const editor = new Editor(tinyParts());
    const target = tf.tidy(() => editor.generator.synthesis(tf.randomNormal([1, 16], 0, 1, 'float32', 4), { noise: 'const' }));
    const mse = (w: tf.Tensor): number => tf.tidy(() => tf.mean(tf.square(tf.sub(editor.generate(w), target))).dataSync()[0]!);
    const w0 = editor.invert(target);
    const w1 = editor.invert(target, { refineSteps: 15, refineLr: 0.05 });
    expect(mse(w1)).toBeLessThan(mse(w0) * 0.9);
    tf.dispose([w0, w1, target]);
    editor.dispose();
  });

  it('rejects parts built for another generator', () => {
    const p = tinyParts();
    const bad = new Fusion({ mode: 'patent', wDim: 8, codeDim: 8, numWs: p.generator.numWs, hidden: 4 });
    expect(() => new Editor({ ...p, fusion: bad })).toThrow(/fusion/);
    for (const m of [p.generator, p.encoder, p.textEncoder, p.fusion, bad]) m.dispose();
  });

  it('saves and loads a bundle; refuses another generator and damaged files', () => {
    const p = tinyParts('patent');
    const gdir = join(dir, 'gen');
    const edir = join(dir, 'editor');
    saveGenerator(gdir, p.generator, PROV);
    saveEncoder(join(edir, 'encoder'), p.encoder, PROV);
    saveTextEncoder(join(edir, 'patent', 'text-encoder'), p.textEncoder, PROV, 'float16');
    saveFusion(join(edir, 'patent', 'fusion'), p.fusion, PROV);
    const sha = (JSON.parse(readFileSync(join(gdir, 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;
    writeEditorInfo(edir, { format: 'lfe-editor', defaultFusion: 'patent', generatorSha256: sha });
    const a = new Editor(p);
    const b = Editor.load(edir, gdir);
    const img = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
    const ya = a.edit(img, 'add glasses');
    const yb = b.edit(img, 'add glasses');
    // float16 text encoder: close, not bit-equal.
    expect(maxAbs(ya, yb)).toBeLessThan(0.05);
    tf.dispose([ya, yb, img]);
    a.dispose();
    b.dispose();

    // A variant trained on another encoder's latents is refused; one that names this encoder loads.
    const encSha = (JSON.parse(readFileSync(join(edir, 'encoder', 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;
    const fm = join(edir, 'patent', 'fusion', 'manifest.json');
    const withEncoder = (sha: string): void => {
      const m = JSON.parse(readFileSync(fm, 'utf8')) as { provenance: Record<string, unknown> };
      m.provenance['encoderSha256'] = sha;
      writeFileSync(fm, JSON.stringify(m));
    };
    withEncoder('e'.repeat(64));
    expect(() => Editor.load(edir, gdir)).toThrow(/trained on latents of encoder eeeeeeeeeeee…, the bundle's encoder is/);
    withEncoder(encSha);
    Editor.load(edir, gdir).dispose();

    writeEditorInfo(edir, { format: 'lfe-editor', defaultFusion: 'patent', generatorSha256: 'f'.repeat(64) });
    expect(() => Editor.load(edir, gdir)).toThrow(CheckpointError);
    writeEditorInfo(edir, { format: 'lfe-editor', defaultFusion: 'patent', generatorSha256: sha });
    expect(() => Editor.load(edir, gdir, { fusion: 'residual' })).toThrow(CheckpointError); // no such folder
    expect(() => Editor.load(edir, gdir, { fusion: '../gen' })).toThrow(TypeError);
    const wfile = join(edir, 'encoder', 'weights.bin');
    const bytes = readFileSync(wfile);
    bytes[10] = bytes[10]! ^ 0xff;
    writeFileSync(wfile, bytes);
    const n = tf.memory().numTensors;
    expect(() => Editor.load(edir, gdir)).toThrow(CheckpointError);
    expect(tf.memory().numTensors).toBe(n); // the generator loaded before the failure was disposed
    writeFileSync(join(edir, 'editor.json'), '{not json');
    expect(() => Editor.load(edir, gdir)).toThrow(CheckpointError);
  });
});
