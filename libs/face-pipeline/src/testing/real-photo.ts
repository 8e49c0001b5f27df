import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbImageLike } from '../align/align';
import { decodeImage } from '../photo/image-io';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../../../..');

/** Full-size real test faces (256 px), from the data set's description; never copied into the repo. */
export function realTestFace(n: number): string {
  const cfg = JSON.parse(readFileSync(join(ROOT, 'training/realface/dataset.json'), 'utf8')) as { data: string; fullSize: string };
  return resolve(ROOT, cfg.data, cfg.fullSize, `${n}.jpg`);
}

/** A photo: a soft gradient background with faces pasted at (x, y), each scaled to `size`. */
export async function composePhoto(width: number, height: number, faces: Array<{ n: number; x: number; y: number; size: number }>): Promise<RgbImageLike> {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([60 + ((x * 80) / width) | 0, 90, 120 + ((y * 60) / height) | 0], (y * width + x) * 3);
  for (const f of faces) {
    const face = await decodeImage(readFileSync(realTestFace(f.n)), `face ${f.n}`);
    for (let y = 0; y < f.size; y++) {
      for (let x = 0; x < f.size; x++) {
        const sx = Math.floor((x * face.width) / f.size);
        const sy = Math.floor((y * face.height) / f.size);
        data.set(face.data.subarray((sy * face.width + sx) * 3, (sy * face.width + sx) * 3 + 3), ((f.y + y) * width + f.x + x) * 3);
      }
    }
  }
  return { width, height, data };
}

