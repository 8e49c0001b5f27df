import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../photo/image-io';
import { cropAligned, type Alignment, type FaceTemplate, type RgbImageLike } from './align';
import { enlargeForDetection } from '../detect/enlarge';
import { FaceTracker, alignmentFromFix, type FaceFix } from '../detect/tracker';

/** A model folder's framing file: where its training crops put eyes and mouth (measured, see its `measured`). */
export const FRAMING_FILE = 'framing.json';

/**
 * The framing of the model in `dir` (`framing.json`), or undefined when the folder has none: then
 * the synthetic world's `TEMPLATE` applies (the synthetic models were trained on face-synth's framing).
 */
export function loadFraming(dir: string): FaceTemplate | undefined {
  const file = join(dir, FRAMING_FILE);
  if (!existsSync(file)) return undefined;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<FaceTemplate>;
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0 && v < 1;
  if (!raw.eyeMid || !ok(raw.eyeMid.x) || !ok(raw.eyeMid.y) || !ok(raw.eyeDistance) || !ok(raw.mouthDistance)) {
    throw new TypeError(`${file}: needs eyeMid {x, y}, eyeDistance and mouthDistance in (0, 1)`);
  }
  return { eyeMid: { x: raw.eyeMid.x, y: raw.eyeMid.y }, eyeDistance: raw.eyeDistance, mouthDistance: raw.mouthDistance };
}

/** Decode an image file (PNG, JPEG, WebP) to RGB24, upright. Throws a TypeError naming the file when it cannot. */
export async function readRgbImage(file: string): Promise<RgbImageLike> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    throw new TypeError(`${file}: cannot read (${String((e as NodeJS.ErrnoException).code)})`);
  }
  return decodeImage(bytes, file);
}

export interface AlignedPhotoFace {
  /** The aligned crop, size×size×3 floats in [-1, 1]. */
  crop: Float32Array;
  /** Alignment in the photo's own pixel coordinates. */
  alignment: Alignment;
  fix: FaceFix;
}

/**
 * Find the face in a photo and crop it the way the live path does (face-api's detector and 68
 * landmarks, then the similarity transform into the model's framing), at `size` px. With a measured
 * `template` (a real-face model's `framing.json`, measured with these same landmarks) the landmarks
 * map onto it directly; without one, the synthetic framing with face-api's calibration, as live.
 * Null when no face is found. The photo is padded first so a face that fills it is still found.
 */
export async function alignPhotoFace(img: RgbImageLike, size: number, template?: FaceTemplate): Promise<AlignedPhotoFace | null> {
  const inputSize = Math.max(img.width, img.height) * 1.5 > 400 ? 416 : 320;
  const tracker = await FaceTracker.create({ inputSize });
  const { img: frame, dx, dy } = enlargeForDetection(img, 1, 0.25);
  const fix = await tracker.track(frame);
  if (fix === null) return null;
  const a = alignmentFromFix(fix, template);
  const crop = cropAligned(frame, a, size);
  const alignment: Alignment = { ...a, cx: a.cx - dx, cy: a.cy - dy };
  const shift = (p: { x: number; y: number }): { x: number; y: number } => ({ x: p.x - dx, y: p.y - dy });
  return { crop, alignment, fix: { ...fix, leftEye: shift(fix.leftEye), rightEye: shift(fix.rightEye), mouth: shift(fix.mouth), box: { ...fix.box, x: fix.box.x - dx, y: fix.box.y - dy } } };
}

