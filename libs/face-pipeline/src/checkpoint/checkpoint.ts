import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from './errors';
import { decodeFloat16, encodeFloat16 } from './float16';

/**
 * The checkpoint format every model uses: a folder with `manifest.json` and one `weights.bin`.
 * The manifest says what the model is (architecture kind + config), where each tensor lies in
 * weights.bin, the sha256 of the bytes, and how the weights were made. Loading validates all of it
 * and only ever reads numbers: nothing in a checkpoint is executed.
 */
export const CHECKPOINT_FORMAT = 'lfe-checkpoint';
export const CHECKPOINT_FORMAT_VERSION = 1;

export type WeightDtype = 'float32' | 'float16';

export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: WeightDtype;
  offset: number;
  byteLength: number;
}

export interface Provenance {
  /** The command that made these weights, as a user would type it. */
  command: string;
  seed: number;
  steps: number;
  /** sha256 of the training data's manifest (or null for data-free models). */
  dataManifestSha256: string | null;
  date: string;
  [extra: string]: unknown;
}

export interface CheckpointManifest {
  format: typeof CHECKPOINT_FORMAT;
  formatVersion: number;
  architecture: { kind: string; config: Record<string, unknown> };
  tensors: TensorEntry[];
  weights: { file: 'weights.bin'; byteLength: number; sha256: string };
  provenance: Provenance;
}

export interface NamedArray {
  shape: number[];
  values: Float32Array;
}

export interface SaveOptions {
  architecture: { kind: string; config: Record<string, unknown> };
  tensors: ReadonlyMap<string, NamedArray> | Record<string, NamedArray>;
  provenance: Provenance;
  dtype?: WeightDtype;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Write a checkpoint folder atomically (a sibling temp folder renamed into place). */
export function saveCheckpoint(dir: string, opts: SaveOptions): CheckpointManifest {
  const dtype = opts.dtype ?? 'float32';
  const entries: Array<[string, NamedArray]> =
    opts.tensors instanceof Map ? [...(opts.tensors as ReadonlyMap<string, NamedArray>).entries()] : Object.entries(opts.tensors as Record<string, NamedArray>);
  const parts: Buffer[] = [];
  const tensors: TensorEntry[] = [];
  let offset = 0;
  for (const [name, arr] of entries) {
    if (sizeOf(arr.shape) !== arr.values.length) {
      throw new TypeError(`saveCheckpoint: tensor ${name} has ${arr.values.length} values but shape [${arr.shape.join(',')}]`);
    }
    const bytes = dtype === 'float16' ? encodeFloat16(arr.values) : arr.values;
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    // Keep every tensor 4-byte aligned so float32 views need no copy.
    const pad = (4 - (buf.byteLength % 4)) % 4;
    tensors.push({ name, shape: [...arr.shape], dtype, offset, byteLength: buf.byteLength });
    parts.push(Buffer.from(buf), Buffer.alloc(pad));
    offset += buf.byteLength + pad;
  }
  const weights = Buffer.concat(parts);
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    architecture: { kind: opts.architecture.kind, config: structuredClone(opts.architecture.config) },
    tensors,
    weights: { file: 'weights.bin', byteLength: weights.byteLength, sha256: createHash('sha256').update(weights).digest('hex') },
    provenance: structuredClone(opts.provenance),
  };
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  writeFileSync(join(tmp, 'weights.bin'), weights);
  writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const old = `${tmp}.old`;
  if (existsSync(dir)) renameSync(dir, old);
  renameSync(tmp, dir);
  rmSync(old, { recursive: true, force: true });
  return manifest;
}

export interface LoadOptions {
  /** Refuse a checkpoint of another kind ("stylegan-generator" …). */
  kind?: string;
  /** Refuse a checkpoint whose config differs from this in any given key. */
  config?: Record<string, unknown>;
  /** Refuse unless these tensors exist with these shapes. */
  expectShapes?: Record<string, readonly number[]>;
}

export interface LoadedCheckpoint {
  manifest: CheckpointManifest;
  tensors: Map<string, NamedArray>;
}

function fail(msg: string, file: string): never {
  throw new CheckpointError(msg, file);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural validation of a parsed manifest; every failure names the field. */
function validateManifest(m: unknown, file: string): CheckpointManifest {
  if (!isObject(m)) fail('manifest is not a JSON object', file);
  if (m['format'] !== CHECKPOINT_FORMAT) fail(`manifest.format must be "${CHECKPOINT_FORMAT}"`, file);
  if (m['formatVersion'] !== CHECKPOINT_FORMAT_VERSION) fail(`manifest.formatVersion ${String(m['formatVersion'])} is not supported (want ${CHECKPOINT_FORMAT_VERSION})`, file);
  const arch = m['architecture'];
  if (!isObject(arch) || typeof arch['kind'] !== 'string' || !isObject(arch['config'])) fail('manifest.architecture must be {kind: string, config: object}', file);
  const w = m['weights'];
  if (!isObject(w) || w['file'] !== 'weights.bin' || !Number.isSafeInteger(w['byteLength']) || typeof w['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(w['sha256'])) {
    fail('manifest.weights must be {file: "weights.bin", byteLength: integer, sha256: hex}', file);
  }
  const p = m['provenance'];
  if (!isObject(p) || typeof p['command'] !== 'string' || typeof p['date'] !== 'string') fail('manifest.provenance must have command and date', file);
  const ts = m['tensors'];
  if (!Array.isArray(ts)) fail('manifest.tensors must be an array', file);
  const names = new Set<string>();
  const total = w['byteLength'] as number;
  for (const [i, t] of ts.entries()) {
    const where = `manifest.tensors[${i}]`;
    if (!isObject(t) || typeof t['name'] !== 'string') fail(`${where}.name must be a string`, file);
    if (names.has(t['name'])) fail(`${where}: duplicate tensor name "${t['name']}"`, file);
    names.add(t['name']);
    const shape = t['shape'];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) fail(`${where}.shape must be non-negative integers`, file);
    if (t['dtype'] !== 'float32' && t['dtype'] !== 'float16') fail(`${where}.dtype must be float32 or float16`, file);
    const bytesPer = t['dtype'] === 'float16' ? 2 : 4;
    const off = t['offset'];
    const len = t['byteLength'];
    if (!Number.isSafeInteger(off) || !Number.isSafeInteger(len) || (off as number) < 0) fail(`${where}: offset/byteLength must be integers`, file);
    if ((len as number) !== sizeOf(shape as number[]) * bytesPer) fail(`${where} (${t['name']}): byteLength ${String(len)} does not match shape [${(shape as number[]).join(',')}] × ${bytesPer}`, file);
    if ((off as number) % 4 !== 0 || (off as number) + (len as number) > total) fail(`${where} (${t['name']}): bytes ${String(off)}…${(off as number) + (len as number)} lie outside weights.bin (${total} bytes) or are misaligned`, file);
  }
  return m as unknown as CheckpointManifest;
}

/** Read and validate a checkpoint folder. Throws `CheckpointError` naming the file on any problem. */
export function loadCheckpoint(dir: string, opts: LoadOptions = {}): LoadedCheckpoint {
  const manifestFile = join(dir, 'manifest.json');
  const weightsFile = join(dir, 'weights.bin');
  if (!existsSync(dir)) fail('checkpoint folder does not exist', dir);
  if (!existsSync(manifestFile)) fail('missing manifest.json', manifestFile);
  if (!existsSync(weightsFile)) fail('missing weights.bin', weightsFile);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(manifestFile, 'utf8'));
  } catch (e) {
    fail(`manifest.json is not valid JSON: ${(e as Error).message}`, manifestFile);
  }
  const manifest = validateManifest(parsed, manifestFile);
  if (opts.kind !== undefined && manifest.architecture.kind !== opts.kind) {
    fail(`architecture is "${manifest.architecture.kind}", expected "${opts.kind}"`, manifestFile);
  }
  for (const [k, v] of Object.entries(opts.config ?? {})) {
    if (JSON.stringify(manifest.architecture.config[k]) !== JSON.stringify(v)) {
      fail(`architecture.config.${k} is ${JSON.stringify(manifest.architecture.config[k])}, expected ${JSON.stringify(v)}`, manifestFile);
    }
  }
  const bytes = readFileSync(weightsFile);
  if (bytes.byteLength !== manifest.weights.byteLength) {
    fail(`weights.bin has ${bytes.byteLength} bytes, manifest says ${manifest.weights.byteLength} (truncated or replaced)`, weightsFile);
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  if (sha !== manifest.weights.sha256) fail(`weights.bin sha256 ${sha.slice(0, 12)}… does not match the manifest (${manifest.weights.sha256.slice(0, 12)}…): the file is corrupt or altered`, weightsFile);
  const tensors = new Map<string, NamedArray>();
  for (const t of manifest.tensors) {
    const slice = bytes.subarray(t.offset, t.offset + t.byteLength);
    const copy = new Uint8Array(slice); // own, aligned buffer
    const values = t.dtype === 'float16' ? decodeFloat16(new Uint16Array(copy.buffer)) : new Float32Array(copy.buffer);
    tensors.set(t.name, { shape: t.shape, values });
  }
  for (const [name, shape] of Object.entries(opts.expectShapes ?? {})) {
    const t = tensors.get(name);
    if (t === undefined) fail(`tensor "${name}" is missing`, manifestFile);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      fail(`tensor "${name}" has shape [${t.shape.join(',')}], expected [${shape.join(',')}]`, manifestFile);
    }
  }
  return { manifest, tensors };
}
