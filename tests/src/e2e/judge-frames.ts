/**
 * Judge the face in video frames grabbed from the page: find and align it the way the server does
 * (face-pipeline's tracker + alignment to the model's crop), then ask the shipped judge.
 */
import { join } from 'node:path';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import * as tf from '@tensorflow/tfjs';
import { FaceTracker, alignmentFromFix, cropAligned, initRuntime } from '@lfe/face-pipeline';
import { Judge } from '@lfe/trainer';
import type { Page } from 'playwright-core';
import { ROOT } from './fixtures';

/** PNG data URLs of `count` frames of a page's <video>, `gapMs` apart. */
export async function grabFrames(page: Page, videoId: string, count: number, gapMs: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    // A string expression: this project is typed for Node, not the DOM.
    const grab = `(() => { const v = document.getElementById(${JSON.stringify(videoId)}); const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight; c.getContext('2d').drawImage(v, 0, 0); return c.toDataURL('image/png'); })()`;
    out.push((await page.evaluate(grab)) as string);
    await page.waitForTimeout(gapMs);
  }
  return out;
}

export interface FrameVerdicts {
  frames: number;
  faces: number;
  /** Judge's eyewear level per frame with a face (0 none, 1 glasses, 2 sunglasses). */
  eyewear: number[];
}

/** Judge the eyewear of the face in each frame (frames where no face is found are skipped). */
export async function judgeEyewear(dataUrls: readonly string[]): Promise<FrameVerdicts> {
  await initRuntime();
  const judge = Judge.load(join(ROOT, 'models/judge'));
  const tracker = await FaceTracker.create({ detectEvery: 1 });
  const r = judge.config.resolution;
  const eyewear: number[] = [];
  try {
    for (const url of dataUrls) {
      const img = await loadImage(Buffer.from(url.split(',')[1] ?? '', 'base64'));
      const c = createCanvas(img.width, img.height);
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const rgba = ctx.getImageData(0, 0, img.width, img.height).data;
      const rgb = new Uint8Array(img.width * img.height * 3);
      for (let i = 0; i < img.width * img.height; i++) for (let k = 0; k < 3; k++) rgb[i * 3 + k] = rgba[i * 4 + k]!;
      tracker.reset();
      const fix = await tracker.track({ width: img.width, height: img.height, data: rgb });
      if (fix === null) continue;
      const crop = cropAligned({ width: img.width, height: img.height, data: rgb }, alignmentFromFix(fix), r);
      const x = tf.tensor4d(crop, [1, r, r, 3]);
      eyewear.push(judge.judge(x)[0]!.levels.eyewear);
      x.dispose();
    }
  } finally {
    judge.dispose();
  }
  return { frames: dataUrls.length, faces: eyewear.length, eyewear };
}
