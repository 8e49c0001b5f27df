import type { FaceDescription } from '@lfe/edit-language';
import { hashInts, render, sample } from '@lfe/face-synth';

export interface FaceBatch {
  /** [count, size, size, 3] in [-1, 1]. */
  images: Float32Array;
  faces: FaceDescription[];
}

/**
 * Faces `start … start+count-1` of the procedural stream `seed` (face k is `sample(hashInts(seed, k))`),
 * rendered at `size`. A pure function of its arguments: training step s of a run with seed S reads
 * faces [s·B, (s+1)·B) of stream S, so resume replays exactly, and a different seed is a held-out set.
 */
export function renderFaces(seed: number, start: number, count: number, size: number): FaceBatch {
  const px = size * size * 3;
  const images = new Float32Array(count * px);
  const faces: FaceDescription[] = [];
  for (let i = 0; i < count; i++) {
    const face = sample(hashInts(seed, start + i));
    const img = render(face, size).data;
    const off = i * px;
    for (let j = 0; j < px; j++) images[off + j] = img[j]! / 127.5 - 1;
    faces.push(face);
  }
  return { images, faces };
}
