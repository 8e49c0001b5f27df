import { describeFace, seededRandom, type FaceDescription } from '@lfe/edit-language';
import { hashInts, render, sample } from '@lfe/face-synth';
import { captionIds, type CaptionStyle } from '@lfe/face-pipeline';

export interface CaptionMix {
  /** Fraction of full descriptions (the rest are partial). */
  fullFraction: number;
  /** Fraction of Chinese captions (the rest are English). */
  zhFraction: number;
}

export interface CaptionBatch {
  /** [count, size, size, 3] in [-1, 1]. */
  images: Float32Array;
  faces: FaceDescription[];
  texts: string[];
  styles: CaptionStyle[];
  /** `captionIds` of each text (ids, then `<end>`). */
  ids: number[][];
}

/** Salt of the caption draws, so they are independent of the face's own sampling. */
const CAPTION_SALT = 0xca7;

/**
 * Faces `start … start+count-1` of stream `seed` (face k = `sample(hashInts(seed, k))`, the same
 * stream convention as every other stage) rendered at `size`, each with one caption whose mode,
 * language and wording are drawn from `hashInts(seed, k, salt)`. A pure function of its arguments:
 * training step s reads faces [s·B, (s+1)·B), so a resumed run replays exactly, and another seed is
 * a held-out set. (The judge's `renderFaces` does the same rendering, but training code may not
 * import the judge's folder.)
 */
export function captionBatch(seed: number, start: number, count: number, size: number, mix: CaptionMix): CaptionBatch {
  const px = size * size * 3;
  const images = new Float32Array(count * px);
  const out: CaptionBatch = { images, faces: [], texts: [], styles: [], ids: [] };
  for (let i = 0; i < count; i++) {
    const k = start + i;
    const face = sample(hashInts(seed, k));
    const img = render(face, size).data;
    const off = i * px;
    for (let j = 0; j < px; j++) images[off + j] = img[j]! / 127.5 - 1;
    const rng = seededRandom(hashInts(seed, k, CAPTION_SALT));
    const style: CaptionStyle = { mode: rng.next() < mix.fullFraction ? 'full' : 'partial', lang: rng.next() < mix.zhFraction ? 'zh' : 'en' };
    const text = describeFace(face, rng, style);
    out.faces.push(face);
    out.texts.push(text);
    out.styles.push(style);
    out.ids.push(captionIds(text));
  }
  return out;
}
