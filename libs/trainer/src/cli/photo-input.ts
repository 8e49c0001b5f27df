import { alignPhotoFace, cropAligned, enlargeForDetection, readRgbImage, type FaceTemplate } from '@lfe/face-pipeline';

export interface PhotoFace {
  file: string;
  /** size×size×3 in [-1, 1]. */
  crop: Float32Array;
  /** Where the face was found (photo pixels), or null for `--aligned` inputs. */
  eyes: { left: [number, number]; right: [number, number]; mouth: [number, number] } | null;
}

/** Thrown when a photo holds no face the detector finds; the CLIs exit with a distinct code. */
export class NoFaceError extends Error {
  constructor(file: string) {
    super(`${file}: no face found`);
    this.name = 'NoFaceError';
  }
}

/**
 * A photo's face as the model sees it: detected and aligned into `template`'s framing the way the
 * live path does, or (`aligned`) the whole image taken as an already aligned crop and resized.
 */
export async function photoFace(file: string, size: number, template: FaceTemplate | undefined, aligned: boolean): Promise<PhotoFace> {
  const img = await readRgbImage(file);
  if (aligned) {
    const a = { cx: img.width * (template?.eyeMid.x ?? 0.5), cy: img.height * (template?.eyeMid.y ?? 0.5), scale: img.width, roll: 0, ...(template ? { template } : {}) };
    return { file, crop: cropAligned(img, a, size), eyes: null };
  }
  const { img: big, scale: k } = enlargeForDetection(img, 256);
  const face = await alignPhotoFace(big, size, template);
  if (face === null) throw new NoFaceError(file);
  const p = (q: { x: number; y: number }): [number, number] => [Math.round((q.x / k) * 10) / 10, Math.round((q.y / k) * 10) / 10];
  return { file, crop: face.crop, eyes: { left: p(face.fix.leftEye), right: p(face.fix.rightEye), mouth: p(face.fix.mouth) } };
}
