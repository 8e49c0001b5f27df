import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetError } from '@lfe/face-synth';

/** The repository root (this file is libs/realface/src/config.ts). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The one description of the real-face data set, read by the TypeScript and the PyTorch trainers alike. */
export const DATASET_CONFIG_FILE = join(REPO_ROOT, 'training/realface/dataset.json');

export const SPLITS = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

export interface RealFaceConfig {
  /** Default data folder (relative to the repository root): `../shared/realface`. */
  data: string;
  /** Image folder inside the data folder. */
  images: string;
  /** CelebA-format attribute file inside the data folder. */
  attributes: string;
  /** Side of the decoded faces (images of another square size are resized). */
  resolution: number;
  /** Inclusive image-number ranges. */
  split: Record<SplitName, [number, number]>;
  /** Optional folder of full-size faces of the test split (framing measurements, photo checks). */
  fullSize?: string;
  /** Labels a command asks for or that decide an edit: the real judge decides these prior-free. */
  editLabels?: string[];
  /** Decoded-image cache folder (relative to the repository root; git-ignored). */
  cache: string;
}

export function loadRealFaceConfig(file = DATASET_CONFIG_FILE): RealFaceConfig {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as RealFaceConfig;
  for (const s of SPLITS) {
    const r = raw.split?.[s];
    if (!Array.isArray(r) || r.length !== 2 || !r.every((n) => Number.isSafeInteger(n))) throw new TypeError(`${file}: split.${s} must be [first, last]`);
  }
  if (!Number.isInteger(raw.resolution) || raw.resolution < 16) throw new TypeError(`${file}: resolution must be an integer ≥ 16`);
  return raw;
}

/**
 * The data folder: `--data DIR` when given (relative to the working directory), else the config's
 * default (relative to the repository root). A missing folder is an error that names the path.
 */
export function resolveDataDir(data: string | undefined, config: RealFaceConfig = loadRealFaceConfig()): string {
  const dir = data !== undefined ? resolve(data) : isAbsolute(config.data) ? config.data : resolve(REPO_ROOT, config.data);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DatasetError(dir, `real-face data folder not found (pass --data DIR, or put the data at ${config.data} beside the checkout; see training/realface/dataset.json)`);
  }
  return dir;
}
