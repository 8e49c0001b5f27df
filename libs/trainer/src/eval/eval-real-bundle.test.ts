import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { REAL_WORLD_LEVELS, UnsupportedEditError } from '@lfe/edit-language';
import { Editor, initRuntime, parseForModel } from '@lfe/face-pipeline';
import { RealFaceDataset } from '@lfe/realface';
import { beforeAll, describe, expect, it } from 'vitest';
import { RealJudge } from '../judge/real-judge';
import { REAL_ENCODER_DIR, REAL_JUDGE_DIR, REAL_MODEL_DIR } from '../testing/real-models';

beforeAll(async () => {
  await initRuntime();
});

const sha = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;

/** The real-face bundle the product ships (`bash scripts/real-editor.sh`): loads, is consistent, and edits real faces. */
describe('models/real (the real-face model)', () => {
  it('pins its parts to each other and refuses what its world cannot do', () => {
    const info = JSON.parse(readFileSync(join(REAL_MODEL_DIR, 'editor/editor.json'), 'utf8')) as { generatorSha256: string; defaultFusion: string };
    expect(info.generatorSha256).toBe(sha(join(REAL_MODEL_DIR, 'generator')));
    expect(sha(join(REAL_MODEL_DIR, 'editor/encoder'))).toBe(sha(REAL_ENCODER_DIR));
    for (const v of ['residual', 'patent']) {
      const m = JSON.parse(readFileSync(join(REAL_MODEL_DIR, 'editor', v, 'fusion/manifest.json'), 'utf8')) as { provenance: { command: string; distill?: string } };
      expect(m.provenance.command).toMatch(/train-editor/);
    }
    expect(() => parseForModel('red hair', REAL_WORLD_LEVELS)).toThrow(UnsupportedEditError);
    expect(parseForModel('长头发大眼睛', REAL_WORLD_LEVELS).kind).toBe('edit');
  });

  it('"add glasses" puts glasses on real test faces the judge reads without them, and leaks nothing', async () => {
    const set = await RealFaceDataset.open();
    const judge = RealJudge.load(REAL_JUDGE_DIR);
    const editor = Editor.load(join(REAL_MODEL_DIR, 'editor'), join(REAL_MODEL_DIR, 'generator'));
    try {
      const b = set.split('test').slice(0, 48);
      const all = tf.tensor4d(b.images, b.shape);
      const bare = judge.judge(all).flatMap((v, i) => (v.has['Eyeglasses'] === true ? [] : [i])).slice(0, 24);
      const x = tf.gather(all, bare) as tf.Tensor4D;
      all.dispose();
      const before = tf.memory().numTensors;
      const y = editor.edit(x, 'add glasses');
      const z = editor.edit(x, '戴眼镜');
      const rate = (t: tf.Tensor4D): number => judge.judge(t).filter((v) => v.has['Eyeglasses'] === true).length / bare.length;
      console.log(`models/real: glasses read on ${(100 * rate(y)).toFixed(0)} % (en) / ${(100 * rate(z)).toFixed(0)} % (zh) of ${bare.length} bare test faces`);
      expect(rate(y)).toBeGreaterThan(0.25);
      expect(rate(z)).toBeGreaterThan(0.25);
      tf.dispose([y, z]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    } finally {
      editor.dispose();
      judge.dispose();
    }
  }, 120_000);
});
