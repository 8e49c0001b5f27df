import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { DatasetError, type RgbImage } from '@lfe/face-synth';
import { loadRealFaceConfig, resolveDataDir, type RealFaceConfig } from '../config';
import { readAttributeFile } from '../attribute-file';
import { decodeFace } from '../real-face-dataset';

/**
 * The full-size copy of a test face (the config's `fullSize` folder, e.g. `celebahq-256-test/N.jpg`),
 * decoded at `size` px (default: the folder's own 256). Read from the data folder, never copied.
 */
export async function loadFullSizeFace(n: number, opts: { data?: string; size?: number; config?: RealFaceConfig } = {}): Promise<RgbImage> {
  const config = opts.config ?? loadRealFaceConfig();
  const dir = resolveDataDir(opts.data, config);
  if (config.fullSize === undefined) throw new DatasetError(dir, 'the data set description names no full-size face folder (`fullSize` in training/realface/dataset.json)');
  const file = join(dir, config.fullSize, `${n}.jpg`);
  if (!existsSync(file)) throw new DatasetError(file, `no full-size face ${n} (the folder holds the first test faces only)`);
  const size = opts.size ?? 256;
  const data = await decodeFace(file, size, createCanvas(size, size).getContext('2d'));
  return { width: size, height: size, data };
}

/**
 * The first full-size test face (by image number) whose label says it does not have `label`, e.g.
 * 'Eyeglasses' for a face on which "add glasses" is a visible change. Throws when there is none.
 */
export function firstFullSizeFaceWithout(label: string, opts: { data?: string; config?: RealFaceConfig } = {}): number {
  const config = opts.config ?? loadRealFaceConfig();
  const dir = resolveDataDir(opts.data, config);
  const file = readAttributeFile(join(dir, config.attributes));
  const j = file.names.indexOf(label);
  if (j < 0) throw new DatasetError(join(dir, config.attributes), `no label "${label}" (labels: ${file.names.join(', ')})`);
  const [first, last] = config.split.test;
  for (let row = 0; row < file.numbers.length; row++) {
    const n = file.numbers[row]!;
    if (n < first || n > last || file.labels[row * file.names.length + j] === 1) continue;
    if (config.fullSize !== undefined && existsSync(join(dir, config.fullSize, `${n}.jpg`))) return n;
  }
  throw new DatasetError(dir, `no full-size test face without ${label}`);
}
