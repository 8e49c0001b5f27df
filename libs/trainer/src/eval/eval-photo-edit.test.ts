import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { PhotoEditor, alignPhotoFace, initRuntime, loadFraming, type RgbImageLike } from '@lfe/face-pipeline';
import { composePhoto } from '@lfe/face-pipeline/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { RealJudge } from '../judge/real-judge';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
});

/** The real judge's P(label) for the photo's face, detected and aligned as the live path does. */
async function readFace(judge: RealJudge, img: RgbImageLike, label: string): Promise<number> {
  const face = await alignPhotoFace(img, judge.config.resolution, loadFraming(resolve(ROOT, 'models/real')));
  if (face === null) throw new Error('no face in the photo');
  const x = tf.tensor4d(face.crop, [1, judge.config.resolution, judge.config.resolution, 3]);
  try {
    return judge.judge(x)[0]!.probabilities[label]!;
  } finally {
    x.dispose();
  }
}

describe('photo editing on real test photos, read by the real judge', () => {
  it('"add glasses" makes the judge read glasses on the edited faces more often than on the inputs', async () => {
    const judge = RealJudge.load(resolve(ROOT, 'models/real/judge'));
    const editor = await PhotoEditor.load({ editorDir: resolve(ROOT, 'models/default/editor'), generatorDir: resolve(ROOT, 'models/default/generator') });
    try {
      const before: number[] = [];
      const after: number[] = [];
      // Test-split faces (full size, ../shared/realface), each placed in a larger photo.
      for (const n of [28508, 28509, 28510, 28511, 28512, 28513]) {
        const photo = await composePhoto(420, 320, [{ n, x: 110, y: 40, size: 220 }]);
        const p0 = await readFace(judge, photo, 'Eyeglasses');
        if (p0 >= 0.5) continue; // already wearing glasses: not a case for "add"
        const r = await editor.edit(photo, 'add glasses');
        before.push(p0);
        after.push(await readFace(judge, r.image, 'Eyeglasses'));
      }
      expect(before.length).toBeGreaterThanOrEqual(4);
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(mean(after)).toBeGreaterThan(mean(before));
      expect(after.filter((p, i) => p > before[i]!).length).toBeGreaterThan(before.length / 2);
    } finally {
      editor.dispose();
      judge.dispose();
    }
  }, 120_000);
});
