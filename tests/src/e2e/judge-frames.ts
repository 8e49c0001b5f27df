/**
 * Judge the face in video frames grabbed from the page: align it to the model's crop with the
 * clip's ground-truth geometry (read from the frame stamp), then ask the shipped judge.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadImage, createCanvas } from '@napi-rs/canvas';
import * as tf from '@tensorflow/tfjs';
import { FaceDescriptor, FaceTracker, alignmentFromLandmarks, cropAligned, descriptorDistance, initRuntime } from '@lfe/face-pipeline';
import type { RealFaceClip } from '@lfe/realface';
import { TestClip, faceLandmarks, readFrameNumber } from '@lfe/face-synth';
import { Judge, RealJudge } from '@lfe/trainer';
import type { Page } from 'playwright-core';
import { CAMERA_CLIP, ROOT, cameraClipFace } from './fixtures';

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
  /** Frames judged (their frame stamp was readable). */
  judged: number;
  /** Judge's eyewear level per judged frame (0 none, 1 glasses, 2 sunglasses). */
  eyewear: number[];
  /** Frames in which face-api (the server's tracker) also finds a face. */
  faceApiFaces: number;
}

/** RGB pixels of a PNG data URL. */
async function decode(url: string): Promise<{ width: number; height: number; data: Uint8Array }> {
  const img = await loadImage(Buffer.from(url.split(',')[1] ?? '', 'base64'));
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, img.width, img.height).data;
  const rgb = new Uint8Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) for (let k = 0; k < 3; k++) rgb[i * 3 + k] = rgba[i * 4 + k]!;
  return { width: img.width, height: img.height, data: rgb };
}

/**
 * Judge the eyewear of the face in frames of the camera clip as the page shows them (camera
 * preview or processed video). Where the face is comes from the clip itself: each frame carries its
 * frame number, and the clip's ground-truth landmarks for that frame give the aligned crop — so an
 * edited face is judged where it is even when a detector would not recognise it. face-api's verdict
 * (does it find a face?) is counted alongside.
 */
export async function judgeEyewear(dataUrls: readonly string[]): Promise<FrameVerdicts> {
  await initRuntime();
  const judge = Judge.load(join(ROOT, 'models/judge'));
  const tracker = await FaceTracker.create({ detectEvery: 1 });
  const face = cameraClipFace();
  const clip = new TestClip(face, { width: CAMERA_CLIP.width, height: CAMERA_CLIP.height, fps: CAMERA_CLIP.fps });
  const clipFrames = CAMERA_CLIP.fps * CAMERA_CLIP.seconds;
  const r = judge.config.resolution;
  const eyewear: number[] = [];
  let faceApiFaces = 0;
  try {
    for (const url of dataUrls) {
      const img = await decode(url);
      tracker.reset();
      if ((await tracker.track(img)) !== null) faceApiFaces++;
      // The page may show the video scaled: stamp blocks and landmarks scale with it.
      const sx = img.width / CAMERA_CLIP.width;
      const sy = img.height / CAMERA_CLIP.height;
      const n = readFrameNumber(img, Math.round(8 * sy));
      if (n >= clipFrames) continue; // stamp unreadable
      const state = clip.stateAt(n);
      const lm = faceLandmarks(face, state.placement, state.nuisance);
      const at = (p: { x: number; y: number }): { x: number; y: number } => ({ x: p.x * sx, y: p.y * sy });
      const crop = cropAligned(img, alignmentFromLandmarks(at(lm.leftEye), at(lm.rightEye), at(lm.mouth)), r);
      const x = tf.tensor4d(crop, [1, r, r, 3]);
      eyewear.push(judge.judge(x)[0]!.levels.eyewear);
      x.dispose();
    }
  } finally {
    judge.dispose();
  }
  return { frames: dataUrls.length, judged: eyewear.length, eyewear, faceApiFaces };
}

export interface RealFrameVerdicts {
  frames: number;
  /** Frames judged (their frame stamp was readable). */
  judged: number;
  /** The real judge's Eyeglasses decision per judged frame. */
  glasses: boolean[];
  /** Per judged frame: descriptor distance between this frame's face and the clip's own frame's face (same stamp). */
  distance: number[];
  /** The calibrated identity threshold (models/real/identity.json). */
  threshold: number;
}

/**
 * Judge the face in frames of the real-face camera clip as the page shows them: each frame's stamp
 * says which clip frame it is, the clip's geometry cuts the photo's square back out (the data set's
 * framing, the real judge's input), the real judge says whether it wears glasses, and face-api's
 * descriptor says how far it is from the same clip frame as the camera made it.
 */
export async function judgeRealFrames(dataUrls: readonly string[], clip: RealFaceClip, frameCount: number): Promise<RealFrameVerdicts> {
  await initRuntime();
  const judge = RealJudge.load(join(ROOT, 'models/real/judge'));
  const { threshold, crop } = JSON.parse(readFileSync(join(ROOT, 'models/real/identity.json'), 'utf8')) as { threshold: number; crop: number };
  const descriptor = await FaceDescriptor.load({ crop });
  const r = judge.config.resolution;
  const glasses: boolean[] = [];
  const distance: number[] = [];
  try {
    for (const url of dataUrls) {
      const img = await decode(url);
      const n = readFrameNumber(img, Math.round((8 * img.height) / clip.options.height));
      if (n >= frameCount) continue; // stamp unreadable
      const shown = tf.tensor4d(clip.cropFace(img, n, r), [1, r, r, 3]);
      const made = tf.tensor4d(clip.cropFace(clip.frame(n), n, r), [1, r, r, 3]);
      glasses.push(judge.judge(shown)[0]!.has['Eyeglasses'] === true);
      const both = tf.concat([shown, made]) as tf.Tensor4D;
      const [a, b] = await descriptor.describe(both);
      distance.push(descriptorDistance(a!, b!));
      tf.dispose([shown, made, both]);
    }
  } finally {
    judge.dispose();
  }
  return { frames: dataUrls.length, judged: glasses.length, glasses, distance, threshold };
}
