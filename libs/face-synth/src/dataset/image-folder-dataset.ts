import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { createCanvas, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import { BadRecordError, DatasetError, ImageDecodeError } from '../errors';
import { MAX_SIZE, MIN_SIZE } from '../face/render';
import { hashFloats, Rng } from '../random';
import { checkBatchOptions, toBatches, type Batch, type BatchOptions, type DatasetItem, type FaceDataset } from './batch';

export const DEFAULT_INDEX_FILE = 'captions.jsonl';
const MAX_CAPTION_LENGTH = 2000;

export interface ImageFolderEntry {
  /** Path relative to the folder. */
  image: string;
  captions: string[];
}

export interface ImageFolderOptions {
  /** Output side in pixels (images are scaled so the short side fits, then centre-cropped). */
  size: number;
  /** JSONL index inside the folder, one `{"image": "...", "captions": ["..."]}` per line. */
  index?: string;
}

/** Parse and check a captions index (clone, validate, name file:line on any problem). */
export function parseImageIndex(text: string, file: string): ImageFolderEntry[] {
  const entries: ImageFolderEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const n = i + 1;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      throw new BadRecordError(file, n, 'not valid JSON');
    }
    if (typeof raw !== 'object' || raw === null) throw new BadRecordError(file, n, 'must be a JSON object');
    const { image, captions } = raw as { image?: unknown; captions?: unknown };
    if (typeof image !== 'string' || image === '') throw new BadRecordError(file, n, 'image must be a non-empty path');
    const norm = normalize(image);
    // The index may only point inside its own folder.
    if (isAbsolute(image) || norm === '..' || norm.startsWith(`..${sep}`)) {
      throw new BadRecordError(file, n, 'image must be a relative path inside the folder');
    }
    if (!Array.isArray(captions) || captions.length === 0) throw new BadRecordError(file, n, 'captions must be a non-empty list');
    for (const c of captions) {
      if (typeof c !== 'string' || c.trim() === '') throw new BadRecordError(file, n, 'captions must be non-empty strings');
      if (c.length > MAX_CAPTION_LENGTH) throw new BadRecordError(file, n, `caption longer than ${MAX_CAPTION_LENGTH} characters`);
    }
    entries.push({ image: norm, captions: [...(captions as string[])] });
  });
  return entries;
}

/**
 * A folder of real photos with captions, behind the same batch interface as the synthetic
 * shards, so a model can be trained on the user's own pictures. Attributes are unknown (null).
 * Only the index is held in memory; images are decoded as batches are drawn.
 */
export class ImageFolderDataset implements FaceDataset {
  readonly dir: string;
  readonly size: number;
  readonly entries: readonly ImageFolderEntry[];
  #context: SKRSContext2D | null = null;

  constructor(dir: string, size: number, entries: readonly ImageFolderEntry[]) {
    this.dir = dir;
    this.size = size;
    this.entries = entries;
  }

  get count(): number {
    return this.entries.length;
  }

  /** Decode one image, scale its short side to `size` and centre-crop: size × size × 3 bytes. */
  async decode(entry: ImageFolderEntry): Promise<Uint8Array> {
    const file = join(this.dir, entry.image);
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (cause) {
      throw new ImageDecodeError(file, `cannot read (${String((cause as NodeJS.ErrnoException).code)})`, { cause });
    }
    let img: Awaited<ReturnType<typeof loadImage>>;
    try {
      img = await loadImage(bytes);
    } catch (cause) {
      throw new ImageDecodeError(file, 'not a decodable image (PNG, JPEG, WebP, GIF, AVIF or BMP)', { cause });
    }
    if (!(img.width > 0 && img.height > 0)) throw new ImageDecodeError(file, 'image has no pixels');
    const s = this.size;
    if (this.#context === null) {
      this.#context = createCanvas(s, s).getContext('2d');
      this.#context.imageSmoothingEnabled = true;
      this.#context.imageSmoothingQuality = 'high';
    }
    const ctx = this.#context;
    const side = Math.min(img.width, img.height);
    ctx.clearRect(0, 0, s, s);
    ctx.drawImage(img, (img.width - side) / 2, (img.height - side) / 2, side, side, 0, 0, s, s);
    const rgba = ctx.getImageData(0, 0, s, s).data;
    const rgb = new Uint8Array(s * s * 3);
    for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
      rgb[i] = rgba[j] as number;
      rgb[i + 1] = rgba[j + 1] as number;
      rgb[i + 2] = rgba[j + 2] as number;
    }
    return rgb;
  }

  async *items(options: { seed?: number; shuffle?: boolean; epoch?: number } = {}): AsyncGenerator<DatasetItem, void, undefined> {
    const shuffle = options.shuffle ?? true;
    const rng = new Rng(hashFloats([options.seed ?? 0, options.epoch ?? 0]));
    const order = shuffle ? rng.permutation(this.entries.length) : this.entries.map((_, i) => i);
    for (const i of order) {
      const entry = this.entries[i];
      if (entry === undefined) continue;
      yield { pixels: await this.decode(entry), attributes: null, identity: null, captions: entry.captions, source: entry.image };
    }
  }

  batches(options: BatchOptions): AsyncGenerator<Batch, void, undefined> {
    const o = checkBatchOptions(options);
    return toBatches(this.items(o), this.size, o.batchSize, o.dropRemainder);
  }
}

/** Open a folder of photos with a captions index (reads and checks the index only). */
export async function openImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolderDataset> {
  if (!Number.isInteger(options.size) || options.size < MIN_SIZE || options.size > MAX_SIZE) {
    throw new TypeError(`openImageFolder: size must be an integer in ${MIN_SIZE}…${MAX_SIZE}`);
  }
  const file = join(dir, options.index ?? DEFAULT_INDEX_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new DatasetError(file, 'cannot read the captions index', { cause });
  }
  return new ImageFolderDataset(dir, options.size, parseImageIndex(text, file));
}
