import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EDITABLE_ATTRIBUTE_NAMES, IDENTITY_TRAIT_NAMES, SCHEMA_VERSION, type Lang } from '@lfe/edit-language';
import { ManifestError } from '../errors';

export const DATASET_FORMAT = 'lfe-face-synth-shards/1';
export const MANIFEST_FILE = 'manifest.json';

/** Which caption each image carries, in order. */
export interface CaptionKind {
  lang: Lang;
  mode: 'full' | 'partial';
}

export interface ShardEntry {
  /** count × size × size × 3 bytes of uint8 RGB, images back to back. */
  images: string;
  /** One JSON record per image: index, seed, attributes, identity, captions. */
  meta: string;
  count: number;
  imagesSha256: string;
  metaSha256: string;
}

export interface DatasetManifest {
  format: typeof DATASET_FORMAT;
  schemaVersion: number;
  count: number;
  size: number;
  seed: number;
  shardSize: number;
  captions: CaptionKind[];
  attributeOrder: string[];
  identityOrder: string[];
  shards: ShardEntry[];
}

/** One line of a shard's JSONL. */
export interface ShardRecord {
  index: number;
  seed: number;
  attributes: Record<string, number>;
  identity: Record<string, number>;
  captions: string[];
}

const SAFE_NAME = /^[A-Za-z0-9._-]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Read and check a dataset manifest (format, schema version, shard list consistency). */
export async function readManifest(dir: string): Promise<DatasetManifest> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new ManifestError(file, 'cannot read the manifest (is this a face-synth dataset folder?)', { cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ManifestError(file, 'not valid JSON', { cause });
  }
  return checkManifest(raw, file);
}

export function checkManifest(raw: unknown, file: string): DatasetManifest {
  const fail = (msg: string): never => {
    throw new ManifestError(file, msg);
  };
  if (typeof raw !== 'object' || raw === null) return fail('must be a JSON object');
  const m = raw as Partial<DatasetManifest>;
  if (m.format !== DATASET_FORMAT) fail(`format must be "${DATASET_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (m.schemaVersion !== SCHEMA_VERSION) {
    fail(`schema version ${String(m.schemaVersion)} does not match this code's ${SCHEMA_VERSION}: regenerate the dataset`);
  }
  const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (!isCount(m.count)) fail('count must be a non-negative integer');
  if (!isCount(m.size) || m.size < 1) fail('size must be a positive integer');
  if (!isCount(m.shardSize) || m.shardSize < 1) fail('shardSize must be a positive integer');
  if (typeof m.seed !== 'number') fail('seed must be a number');
  if (JSON.stringify(m.attributeOrder) !== JSON.stringify(EDITABLE_ATTRIBUTE_NAMES)) fail('attributeOrder differs from the schema');
  if (JSON.stringify(m.identityOrder) !== JSON.stringify(IDENTITY_TRAIT_NAMES)) fail('identityOrder differs from the schema');
  if (!Array.isArray(m.captions)) fail('captions must be a list');
  if (!Array.isArray(m.shards)) return fail('shards must be a list');
  let total = 0;
  m.shards.forEach((s: Partial<ShardEntry>, i) => {
    if (typeof s !== 'object' || s === null) fail(`shards[${i}] must be an object`);
    for (const key of ['images', 'meta'] as const) {
      const v = s[key];
      if (typeof v !== 'string' || !SAFE_NAME.test(v)) fail(`shards[${i}].${key} must be a plain file name`);
    }
    for (const key of ['imagesSha256', 'metaSha256'] as const) {
      const v = s[key];
      if (typeof v !== 'string' || !SHA256.test(v)) fail(`shards[${i}].${key} must be a sha256 hex digest`);
    }
    if (!isCount(s.count) || s.count < 1) fail(`shards[${i}].count must be a positive integer`);
    total += s.count ?? 0;
  });
  if (total !== m.count) fail(`shard counts add up to ${total}, not count ${m.count}`);
  return m as DatasetManifest;
}
