import * as tf from '@tensorflow/tfjs';
import { InvalidCommandError, UnknownWordError, VOCABULARY_SIZE, applyEdits, attributesFromCaptions, levelOf, parseCommand } from '@lfe/edit-language';
import { beforeAll, describe, expect, it } from 'vitest';
import { Captioner } from '../captioner/captioner';
import { padCaptionIds } from '../captioner/caption-ids';
import { Encoder } from '../invert/encoder';
import { Fusion } from './fusion';
import { Generator } from '../generate/generator';
import { TextEncoder } from './text-encoder';
import { initRuntime } from '../runtime/init-runtime';
import { TINY_CAPTIONER, TINY_GENERATOR } from '../testing/tiny-editor';
import { DEFAULT_EDIT_REFINE, editTargetCaption, refineEditLatent, refineEdits } from './edit-refine';
import { Editor } from '../editor/editor';


beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

/** The level the target caption states for `attribute`, read back with the command parser. */
function statedLevel(caption: string, attribute: Parameters<typeof levelOf>[0]): number {
  const { face, known } = attributesFromCaptions([caption]);
  expect(known.has(attribute), caption).toBe(true);
  return levelOf(attribute, face.attributes[attribute]);
}

describe('editTargetCaption', () => {
  it('states the requested attributes at their new levels, stepping relative edits from the reading', () => {
    const reading = 'a woman with short hair and small eyes';
    const t = editTargetCaption('bigger eyes and add glasses', reading);
    expect(t.style).toEqual({ mode: 'partial', lang: 'en' });
    const start = attributesFromCaptions([reading]).face.attributes;
    const parsed = parseCommand('bigger eyes and add glasses');
    if (parsed.kind !== 'edit') throw new Error('not an edit');
    const want = applyEdits(start, parsed.edits);
    expect(statedLevel(t.caption, 'eyeSize')).toBe(levelOf('eyeSize', want.eyeSize));
    expect(statedLevel(t.caption, 'eyewear')).toBe(levelOf('eyewear', want.eyewear));
    expect(levelOf('eyeSize', want.eyeSize)).toBeGreaterThan(levelOf('eyeSize', start.eyeSize));
    // Nothing else is asked for: hair length is not in the target.
    expect(attributesFromCaptions([t.caption]).known.has('hairLength')).toBe(false);
    expect(t.ids.length).toBeGreaterThan(2);
  });

  it('reads an empty or unparseable reading as default levels, and says Chinese commands in Chinese', () => {
    const a = editTargetCaption('long hair', '');
    const b = editTargetCaption('long hair', '### not a caption');
    expect(a.caption).toBe(b.caption);
    const zh = editTargetCaption('大眼睛长头发', '');
    expect(zh.style).toEqual({ mode: 'partial', lang: 'zh' });
    expect(/\p{Script=Han}/u.test(zh.caption)).toBe(true);
    // Said in English on request (the refinement's default): the same target levels.
    const zhEn = editTargetCaption('大眼睛长头发', '', 'en');
    expect(zhEn.style).toEqual({ mode: 'partial', lang: 'en' });
    expect(/\p{Script=Han}/u.test(zhEn.caption)).toBe(false);
    expect(statedLevel(zhEn.caption, 'eyeSize')).toBe(statedLevel(editTargetCaption('big eyes and long hair', '').caption, 'eyeSize'));
  });

  it('rejects unknown words and control words with the command errors', () => {
    expect(() => editTargetCaption('add goggles', '')).toThrow(UnknownWordError);
    expect(() => editTargetCaption('undo', '')).toThrow(InvalidCommandError);
  });
});

describe('refineEditLatent', () => {
  it('lowers the captioner loss of the target caption from the start latent, with no leaks', () => {
    const g = new Generator(TINY_GENERATOR, 1);
    const cap = new Captioner(TINY_CAPTIONER, 2);
    try {
      const start = tf.tidy(() => g.mapping(tf.randomNormal([2, TINY_GENERATOR.zDim], 0, 1, 'float32', 5)).expandDims(1).tile([1, g.numWs, 1])) as tf.Tensor3D;
      const targets = [editTargetCaption('add glasses', ''), editTargetCaption('大眼睛', '')];
      const ids = padCaptionIds(targets.map((t) => t.ids));
      const loss = (w: tf.Tensor3D): number => tf.tidy(() => cap.loss(g.synthesis(w, { noise: 'const' }), ids, targets.map((t) => t.style)).dataSync()[0]!);
      const before = tf.memory().numTensors;
      const out = refineEditLatent(g, cap, start, targets, { ...DEFAULT_EDIT_REFINE, steps: 8, lr: 0.1, latentWeight: 0.1 });
      expect(tf.memory().numTensors).toBe(before + 1);
      expect(out.shape).toEqual(start.shape);
      expect(loss(out)).toBeLessThan(loss(start));
      const none = refineEditLatent(g, cap, start, targets, { ...DEFAULT_EDIT_REFINE, steps: 0 });
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(none, start))).dataSync()[0])).toBe(0);
      expect(() => refineEditLatent(g, cap, start, targets.slice(0, 1))).toThrow(/1 targets for a batch of 2/);
      expect(() => refineEditLatent(g, cap, start, targets, { ...DEFAULT_EDIT_REFINE, steps: -1 })).toThrow(/steps/);
      tf.dispose([start, ids, out, none]);
    } finally {
      g.dispose();
      cap.dispose();
    }
  });

  it('refineEdits checks every command before it runs anything', () => {
    const g = new Generator(TINY_GENERATOR, 1);
    const cap = new Captioner(TINY_CAPTIONER, 2);
    const w = tf.zeros([2, g.numWs, TINY_GENERATOR.wDim]) as tf.Tensor3D;
    try {
      const before = tf.memory().numTensors;
      expect(() => refineEdits(g, cap, w, w, ['add glasses', 'add goggles'])).toThrow(UnknownWordError);
      expect(() => refineEdits(g, cap, w, w, ['add glasses'])).toThrow(/1 texts, 2 latents/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      tf.dispose(w);
      g.dispose();
      cap.dispose();
    }
  });
});

describe('Editor edit refinement', () => {
  function parts(withCaptioner: boolean): ConstructorParameters<typeof Editor>[0] {
    const generator = new Generator(TINY_GENERATOR, 1);
    const encoder = new Encoder({ resolution: 32, channels: [8, 8, 8], convsPerStage: 1, featureDim: 16, wDim: 16, numWs: generator.numWs });
    const textEncoder = new TextEncoder({ vocabSize: VOCABULARY_SIZE, alpha: 0.7, hidden: 8, codeDim: 8 });
    const fusion = new Fusion({ mode: 'residual', wDim: 16, codeDim: 8, numWs: generator.numWs, hidden: 16 });
    return { generator, encoder, textEncoder, fusion, ...(withCaptioner ? { captioner: new Captioner(TINY_CAPTIONER, 2) } : {}) };
  }

  it('edit({ refineEdit }) changes the edit, 0 steps is the plain edit, no leaks; without a captioner it is refused', () => {
    const editor = new Editor(parts(true));
    const img = tf.randomUniform([1, 32, 32, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
    try {
      const before = tf.memory().numTensors;
      const plain = editor.edit(img, 'add glasses', { composite: 'replace' });
      const zero = editor.edit(img, 'add glasses', { composite: 'replace', refineEdit: 0 });
      const refined = editor.edit(img, 'add glasses', { composite: 'replace', refineEdit: 3 });
      const delta = editor.edit(img, 'add glasses', { composite: 'delta', refineEdit: 3 });
      expect(tf.memory().numTensors).toBe(before + 4);
      const diff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
      expect(diff(plain, zero)).toBe(0);
      expect(diff(plain, refined)).toBeGreaterThan(0);
      expect(delta.shape).toEqual([1, 32, 32, 3]);
      tf.dispose([plain, zero, refined, delta]);
      expect(() => editor.edit(img, 'add goggles', { refineEdit: 3 })).toThrow(UnknownWordError);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      img.dispose();
      editor.dispose();
    }
    const bare = new Editor(parts(false));
    const x = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
    try {
      expect(() => bare.edit(x, 'add glasses', { refineEdit: 3 })).toThrow(/needs a captioner/);
    } finally {
      x.dispose();
      bare.dispose();
    }
  });

  it('refuses a captioner for another resolution', () => {
    const p = parts(false);
    const cap = new Captioner({ ...TINY_CAPTIONER, resolution: 16 }, 2);
    expect(() => new Editor({ ...p, captioner: cap })).toThrow(/captioner reads 16px/);
    for (const m of [p.generator, p.encoder, p.textEncoder, p.fusion, cap]) m.dispose();
  });
});
