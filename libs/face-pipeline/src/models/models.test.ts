import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REAL_WORLD_LEVELS, UnknownWordError, UnsupportedEditError } from '@lfe/edit-language';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL,
  MODELS_ROOT,
  MODEL_NAMES,
  MissingModelError,
  UnknownModelError,
  modelFolders,
  modelLevels,
  parseForModel,
  parseModelName,
  resolveModel,
  selectModel,
} from './models';

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'models-'));
  for (const p of ['default/editor', 'default/generator', 'default/captioner', 'real/judge']) mkdirSync(join(root, p), { recursive: true });
  writeFileSync(join(root, 'real/framing.json'), '{}');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('model selection', () => {
  it('the default is DEFAULT_MODEL (the one constant to flip), a known model whose folders exist in the repo', () => {
    expect(MODEL_NAMES).toContain(DEFAULT_MODEL);
    expect(selectModel(undefined, {})).toBe(DEFAULT_MODEL);
    expect(() => resolveModel(DEFAULT_MODEL)).not.toThrow();
    expect(existsSync(join(MODELS_ROOT, 'default/editor'))).toBe(true);
    expect(modelFolders('synthetic').editor).toBe(join(MODELS_ROOT, 'default/editor'));
  });

  it('maps each name to its folders, framing.json only where it exists', () => {
    const s = modelFolders('synthetic', root);
    expect(s).toMatchObject({ name: 'synthetic', root: join(root, 'default'), editor: join(root, 'default/editor'), generator: join(root, 'default/generator'), captioner: join(root, 'default/captioner') });
    expect(s.framing).toBeUndefined();
    const r = modelFolders('real', root);
    expect(r).toMatchObject({ name: 'real', editor: join(root, 'real/editor'), generator: join(root, 'real/generator'), captioner: join(root, 'real/captioner'), framing: join(root, 'real/framing.json') });
  });

  it('--model wins over LFE_MODEL, which wins over the default; empty LFE_MODEL is unset', () => {
    expect(selectModel('real', { LFE_MODEL: 'synthetic' })).toBe('real');
    expect(selectModel(undefined, { LFE_MODEL: 'real' })).toBe('real');
    expect(selectModel(undefined, { LFE_MODEL: '' })).toBe(DEFAULT_MODEL);
    expect(parseModelName('synthetic')).toBe('synthetic');
  });

  it('refuses an unknown name, naming where it came from and the choices', () => {
    expect(() => selectModel('celeba', {})).toThrow(UnknownModelError);
    expect(() => selectModel('celeba', {})).toThrow(/--model: must be synthetic or real \(got "celeba"\)/);
    expect(() => selectModel(undefined, { LFE_MODEL: 'Real' })).toThrow(/LFE_MODEL: must be synthetic or real/);
  });

  it('resolves a present model; a missing folder names its path and how to make it', () => {
    expect(resolveModel('synthetic', { root, need: ['editor', 'generator', 'captioner'] }).captioner).toBe(join(root, 'default/captioner'));
    let err: unknown;
    try {
      resolveModel('real', { root });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MissingModelError);
    expect((err as MissingModelError).path).toBe(join(root, 'real/editor'));
    expect((err as Error).message).toContain(join(root, 'real/editor'));
    expect((err as Error).message).toContain('bash scripts/real-editor.sh');
    rmSync(join(root, 'default/generator'), { recursive: true });
    expect(() => resolveModel('synthetic', { root })).toThrow(/models?\S*default\/generator is missing; .*git checkout -- models\/default/);
    mkdirSync(join(root, 'default/generator'));
  });

  it('explicit folders override the model and are not checked; only the needed parts are', () => {
    const r = resolveModel('real', { root, editor: '/x/editor', generator: '/x/generator' });
    expect([r.editor, r.generator, r.captioner]).toEqual(['/x/editor', '/x/generator', join(root, 'real/captioner')]);
    expect(r.levels).toBe(REAL_WORLD_LEVELS);
    expect(() => resolveModel('real', { root, editor: '/x/editor', generator: '/x/generator', need: ['editor', 'generator', 'captioner'] })).toThrow(/real\/captioner is missing/);
  });
});

describe('parseForModel (the command check at the parse step)', () => {
  it('the synthetic world accepts every edit; the real world refuses what it cannot do, naming what it can', () => {
    expect(modelLevels('synthetic')).toBeUndefined();
    for (const text of ['red hair', 'thin eyebrows', 'long hair and big eyes', 'add sunglasses']) expect(parseForModel(text, modelLevels('synthetic')).kind).toBe('edit');
    const real = modelLevels('real');
    for (const text of ['red hair', 'thin eyebrows', 'add glasses and red hair']) {
      expect(() => parseForModel(text, real), text).toThrow(UnsupportedEditError);
    }
    expect(() => parseForModel('red hair', real)).toThrow(/this model cannot do hairColor=red; it can do: .*hairColor=blond/);
    // CelebA's Eyeglasses label covers sunglasses, so the real world can do them.
    for (const text of ['add glasses', 'add sunglasses', 'long hair and big eyes', 'a bit bigger eyes', '大眼睛长头发', 'blond hair', 'undo']) {
      expect(() => parseForModel(text, real), text).not.toThrow();
    }
  });

  it('other command errors are unchanged', () => {
    expect(() => parseForModel('add goggles', modelLevels('real'))).toThrow(UnknownWordError);
  });
});
