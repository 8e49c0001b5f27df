import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createCanvas, loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import { DatasetError, ImageDecodeError, Rng, type Batch, type BatchOptions, type FaceDataset } from '@lfe/face-synth';
import { readAttributeFile } from './attribute-file';
import { REPO_ROOT, SPLITS, loadRealFaceConfig, resolveDataDir, type RealFaceConfig, type SplitName } from './config';

/** A batch of real faces: the common batch plus the CelebA labels (±1) and image numbers. */
export interface RealFaceBatch extends Batch {
  /** [B × attributes] values 1 / -1, in `RealFaceDataset.names` order. */
  labels: Int8Array;
  numbers: number[];
}

export interface OpenRealFacesOptions {
  /** Data folder (`--data DIR`); default the config's `../shared/realface`. */
  data?: string;
  /** Use (and write) the decoded cache under the config's git-ignored cache folder. Default true. */
  cache?: boolean;
  /** The data set description (default training/realface/dataset.json); tests pass their own. */
  config?: RealFaceConfig;
  /** Progress lines while decoding (default: none). */
  log?: (line: string) => void;
}

const DECODER = 'skia';
const CONCURRENCY = 16;

/**
 * Every face of a real-face data set, decoded once into memory (64 px: 30,000 faces are 369 MB):
 * `RealFaceDataset.open()` reads the attribute file, then the images (or the decoded cache), and
 * `split('train' | 'validation' | 'test')` gives the fixed split as a `FaceDataset`.
 */
export class RealFaceDataset {
  readonly dir: string;
  readonly config: RealFaceConfig;
  readonly resolution: number;
  readonly names: readonly string[];
  readonly files: readonly string[];
  readonly numbers: Int32Array;
  /** [N × attributes] ±1. */
  readonly labels: Int8Array;
  /** [N × R × R × 3] bytes, rows in attribute-file order. */
  readonly pixels: Uint8Array;

  private constructor(init: Omit<RealFaceDataset, 'split' | 'rowsOf' | 'attributeIndex' | 'label' | 'count' | 'image'>) {
    this.dir = init.dir;
    this.config = init.config;
    this.resolution = init.resolution;
    this.names = init.names;
    this.files = init.files;
    this.numbers = init.numbers;
    this.labels = init.labels;
    this.pixels = init.pixels;
  }

  get count(): number {
    return this.files.length;
  }

  static async open(options: OpenRealFacesOptions = {}): Promise<RealFaceDataset> {
    const config = options.config ?? loadRealFaceConfig();
    const dir = resolveDataDir(options.data, config);
    const imagesDir = join(dir, config.images);
    if (!existsSync(imagesDir) || !statSync(imagesDir).isDirectory()) throw new DatasetError(imagesDir, 'image folder not found');
    const attrPath = join(dir, config.attributes);
    const attrs = readAttributeFile(attrPath);
    const r = config.resolution;
    const px = r * r * 3;
    const key = createHash('sha256').update(resolve(imagesDir)).update(readFileSync(attrPath)).update(`${r}/${DECODER}`).digest('hex').slice(0, 16);
    const cacheDir = resolve(REPO_ROOT, config.cache, key);
    const useCache = options.cache ?? true;
    let pixels: Uint8Array | null = null;
    if (useCache && existsSync(join(cacheDir, 'index.json'))) {
      try {
        const idx = JSON.parse(readFileSync(join(cacheDir, 'index.json'), 'utf8')) as { files?: string[]; resolution?: number };
        const bytes = readFileSync(join(cacheDir, 'images.u8'));
        if (idx.resolution === r && bytes.byteLength === attrs.files.length * px && JSON.stringify(idx.files) === JSON.stringify(attrs.files)) {
          pixels = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        }
      } catch {
        pixels = null; // a broken cache is rebuilt, never trusted
      }
    }
    if (pixels === null) {
      options.log?.(`realface: decoding ${attrs.files.length} images from ${imagesDir} …`);
      pixels = await decodeAll(imagesDir, attrs.files, r);
      if (useCache) {
        mkdirSync(cacheDir, { recursive: true });
        const tmp = join(cacheDir, `.images.u8.${process.pid}`);
        writeFileSync(tmp, pixels);
        renameSync(tmp, join(cacheDir, 'images.u8'));
        writeFileSync(join(cacheDir, 'index.json'), JSON.stringify({ files: attrs.files, names: attrs.names, resolution: r, decoder: DECODER, source: imagesDir }));
      }
    }
    return new RealFaceDataset({ dir, config, resolution: r, names: attrs.names, files: attrs.files, numbers: attrs.numbers, labels: attrs.labels, pixels });
  }

  /** Column of a CelebA attribute name; throws a TypeError naming the known ones otherwise. */
  attributeIndex(name: string): number {
    const k = this.names.indexOf(name);
    if (k < 0) throw new TypeError(`realface: no attribute "${name}" in this data set (it has ${this.names.join(', ')})`);
    return k;
  }

  /** Whether row `row` has attribute `name` (label 1). */
  label(row: number, name: string): boolean {
    return this.labels[row * this.names.length + this.attributeIndex(name)] === 1;
  }

  /** Row indices of a split, in image-number order. */
  rowsOf(split: SplitName): number[] {
    if (!SPLITS.includes(split)) throw new TypeError(`realface: unknown split "${String(split)}" (want ${SPLITS.join(', ')})`);
    const [lo, hi] = this.config.split[split];
    const rows: number[] = [];
    for (let i = 0; i < this.numbers.length; i++) {
      const n = this.numbers[i]!;
      if (n >= lo && n <= hi) rows.push(i);
    }
    return rows.sort((a, b) => this.numbers[a]! - this.numbers[b]!);
  }

  /** The bytes of one face (R × R × 3, a view, not a copy). */
  image(row: number): Uint8Array {
    const px = this.resolution * this.resolution * 3;
    return this.pixels.subarray(row * px, (row + 1) * px);
  }

  split(split: SplitName, options: { flip?: boolean; limit?: number } = {}): RealFaceSplit {
    const rows = this.rowsOf(split);
    return new RealFaceSplit(this, split, options.limit !== undefined ? rows.slice(0, options.limit) : rows, options.flip ?? false);
  }
}

/** One split of a real-face data set as a `FaceDataset` (batches in [-1, 1], optional random flips). */
export class RealFaceSplit implements FaceDataset {
  readonly name: SplitName;
  readonly rows: readonly number[];
  readonly set: RealFaceDataset;
  /** Mirror each face left–right with probability ½ (a pure function of seed, epoch and position). */
  readonly flip: boolean;

  constructor(set: RealFaceDataset, name: SplitName, rows: readonly number[], flip: boolean) {
    this.set = set;
    this.name = name;
    this.rows = rows;
    this.flip = flip;
  }

  get count(): number {
    return this.rows.length;
  }

  get size(): number {
    return this.set.resolution;
  }

  /** Faces `rows[start … start+count)` as one batch (no shuffle, no flip): for evaluation. */
  slice(start: number, count: number): RealFaceBatch {
    return this.#batch(this.rows.slice(start, start + count), null);
  }

  /** Shuffled batches (a pure function of seed and epoch), as the `FaceDataset` interface streams them. */
  batches(options: BatchOptions): AsyncGenerator<RealFaceBatch, void, undefined> {
    const batches = this.batchesSync(options);
    // Everything is in memory: the interface is async, the work is not.
    // eslint-disable-next-line @typescript-eslint/require-await
    return (async function* () {
      yield* batches;
    })();
  }

  /** The same batches, synchronously (everything is in memory). */
  *batchesSync(options: BatchOptions): Generator<RealFaceBatch, void, undefined> {
    const b = options.batchSize;
    if (!Number.isInteger(b) || b < 1) throw new TypeError('batches: batchSize must be a positive integer');
    const rng = new Rng(((options.seed ?? 0) * 1_000_003 + (options.epoch ?? 0)) >>> 0);
    const order = options.shuffle === false ? [...this.rows] : Array.from(rng.permutation(this.rows.length), (i) => this.rows[i]!);
    for (let i = 0; i < order.length; i += b) {
      const rows = order.slice(i, i + b);
      if (rows.length < b && options.dropRemainder) return;
      yield this.#batch(rows, this.flip ? rng : null);
    }
  }

  #batch(rows: readonly number[], flipRng: Rng | null): RealFaceBatch {
    const set = this.set;
    const r = set.resolution;
    const k = set.names.length;
    const images = new Float32Array(rows.length * r * r * 3);
    const labels = new Int8Array(rows.length * k);
    rows.forEach((row, i) => {
      const src = set.image(row);
      const mirror = flipRng !== null && flipRng.next() < 0.5;
      const off = i * r * r * 3;
      for (let y = 0; y < r; y++) {
        for (let x = 0; x < r; x++) {
          const s = (y * r + (mirror ? r - 1 - x : x)) * 3;
          const d = off + (y * r + x) * 3;
          images[d] = src[s]! / 127.5 - 1;
          images[d + 1] = src[s + 1]! / 127.5 - 1;
          images[d + 2] = src[s + 2]! / 127.5 - 1;
        }
      }
      labels.set(set.labels.subarray(row * k, (row + 1) * k), i * k);
    });
    return {
      images,
      shape: [rows.length, r, r, 3],
      attributes: null,
      identity: null,
      captions: rows.map(() => []),
      sources: rows.map((row) => join(set.config.images, set.files[row]!)),
      labels,
      numbers: rows.map((row) => set.numbers[row]!),
    };
  }
}

/** Decode every listed image to R×R RGB bytes, a few files in flight at once. */
async function decodeAll(imagesDir: string, files: readonly string[], r: number): Promise<Uint8Array> {
  const px = r * r * 3;
  const out = new Uint8Array(files.length * px);
  const contexts: SKRSContext2D[] = [];
  let next = 0;
  const worker = async (ctx: SKRSContext2D): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      out.set(await decodeFace(join(imagesDir, files[i]!), r, ctx), i * px);
    }
  };
  for (let i = 0; i < CONCURRENCY; i++) {
    const ctx = createCanvas(r, r).getContext('2d');
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    contexts.push(ctx);
  }
  await Promise.all(contexts.map(worker));
  return out;
}

/** One face file → R×R×3 bytes (a square image of another size is resized; non-square is refused). */
export async function decodeFace(file: string, r: number, ctx: SKRSContext2D): Promise<Uint8Array> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ImageDecodeError(file, code === 'ENOENT' ? 'listed in the attribute file but no such image' : `cannot read (${String(code)})`, { cause });
  }
  let img: Awaited<ReturnType<typeof loadImage>>;
  try {
    img = await loadImage(bytes);
  } catch (cause) {
    throw new ImageDecodeError(file, 'corrupt or not an image (cannot decode)', { cause });
  }
  if (!(img.width > 0 && img.height > 0)) throw new ImageDecodeError(file, 'corrupt image: no pixels');
  if (img.width !== img.height) throw new ImageDecodeError(file, `image is ${img.width}×${img.height}; faces must be square crops`);
  ctx.clearRect(0, 0, r, r);
  ctx.drawImage(img, 0, 0, img.width, img.height, 0, 0, r, r);
  const rgba = ctx.getImageData(0, 0, r, r).data;
  const rgb = new Uint8Array(r * r * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
    rgb[i] = rgba[j]!;
    rgb[i + 1] = rgba[j + 1]!;
    rgb[i + 2] = rgba[j + 2]!;
  }
  return rgb;
}
