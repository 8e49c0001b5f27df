import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VOCABULARY_FINGERPRINT, VOCABULARY_SIZE } from '@lfe/edit-language';
import { loadCheckpoint, saveCheckpoint, type Provenance, type WeightDtype } from '../checkpoint/checkpoint';
import { CheckpointError } from '../checkpoint/errors';
import { Encoder, validateEncoderConfig, type EncoderConfig } from '../invert/encoder';
import { Fusion, type FusionConfig } from '../fuse/fusion';
import type { ParamStore } from '../runtime/params';
import { TextEncoder, type TextEncoderConfig } from '../fuse/text-encoder';

export const ENCODER_KIND = 'lfe-encoder';
export const TEXT_ENCODER_KIND = 'lfe-text-encoder';
export const FUSION_KIND = 'lfe-fusion';

/** Load weights into a freshly built model; a mismatch is a CheckpointError naming the file. */
function fill<T extends { params: ParamStore; dispose(): void }>(model: T, tensors: Parameters<ParamStore['fromArrays']>[0], dir: string): T {
  try {
    model.params.fromArrays(tensors);
  } catch (e) {
    model.dispose();
    throw new CheckpointError((e as Error).message, join(dir, 'weights.bin'));
  }
  return model;
}

function configOf<T>(dir: string, check: (c: T) => T, raw: Record<string, unknown>): T {
  try {
    return check(raw as unknown as T);
  } catch (e) {
    throw new CheckpointError((e as Error).message, join(dir, 'manifest.json'));
  }
}

export function saveEncoder(dir: string, e: Encoder, provenance: Provenance, dtype: WeightDtype = 'float32'): void {
  saveCheckpoint(dir, { architecture: { kind: ENCODER_KIND, config: { ...e.config } }, tensors: e.params.toArrays(), provenance, dtype });
}

export function loadEncoder(dir: string): Encoder {
  const { manifest, tensors } = loadCheckpoint(dir, { kind: ENCODER_KIND });
  return fill(new Encoder(configOf<EncoderConfig>(dir, validateEncoderConfig, manifest.architecture.config)), tensors, dir);
}

function validateTextEncoderConfig(c: TextEncoderConfig): TextEncoderConfig {
  for (const k of ['vocabSize', 'hidden', 'codeDim'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TypeError(`text encoder config: ${k} must be a positive integer, got ${String(c[k])}`);
  }
  if (!(typeof c.alpha === 'number' && c.alpha > 0 && c.alpha < 1)) throw new TypeError(`text encoder config: alpha must be in (0, 1), got ${String(c.alpha)}`);
  return { vocabSize: c.vocabSize, alpha: c.alpha, hidden: c.hidden, codeDim: c.codeDim };
}

export function saveTextEncoder(dir: string, t: TextEncoder, provenance: Provenance, dtype: WeightDtype = 'float32'): void {
  saveCheckpoint(dir, {
    architecture: { kind: TEXT_ENCODER_KIND, config: { ...t.config, vocabularyFingerprint: VOCABULARY_FINGERPRINT } },
    tensors: t.params.toArrays(),
    provenance: { ...provenance, vocabularyFingerprint: VOCABULARY_FINGERPRINT },
    dtype,
  });
}

/** Load a text encoder; refuses one trained on another vocabulary (its token ids would mean other words). */
export function loadTextEncoder(dir: string): TextEncoder {
  const { manifest, tensors } = loadCheckpoint(dir, { kind: TEXT_ENCODER_KIND });
  const cfg = manifest.architecture.config;
  if (cfg['vocabularyFingerprint'] !== VOCABULARY_FINGERPRINT || cfg['vocabSize'] !== VOCABULARY_SIZE) {
    throw new CheckpointError(
      `vocabulary fingerprint ${String(cfg['vocabularyFingerprint'])} (${String(cfg['vocabSize'])} tokens) differs from this build's ${VOCABULARY_FINGERPRINT} (${VOCABULARY_SIZE} tokens): the text encoder was trained on another vocabulary`,
      join(dir, 'manifest.json'),
    );
  }
  return fill(new TextEncoder(configOf<TextEncoderConfig>(dir, validateTextEncoderConfig, cfg)), tensors, dir);
}

export function validateFusionConfig(c: FusionConfig): FusionConfig {
  if (c.mode !== 'patent' && c.mode !== 'residual') throw new TypeError(`fusion config: mode must be "patent" or "residual", got ${JSON.stringify(c.mode)}`);
  for (const k of ['wDim', 'codeDim', 'numWs', 'hidden'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1) throw new TypeError(`fusion config: ${k} must be a positive integer, got ${String(c[k])}`);
  }
  return { mode: c.mode, wDim: c.wDim, codeDim: c.codeDim, numWs: c.numWs, hidden: c.hidden };
}

export function saveFusion(dir: string, f: Fusion, provenance: Provenance, dtype: WeightDtype = 'float32'): void {
  saveCheckpoint(dir, { architecture: { kind: FUSION_KIND, config: { ...f.config } }, tensors: f.params.toArrays(), provenance, dtype });
}

export function loadFusion(dir: string): Fusion {
  const { manifest, tensors } = loadCheckpoint(dir, { kind: FUSION_KIND });
  return fill(new Fusion(configOf<FusionConfig>(dir, validateFusionConfig, manifest.architecture.config)), tensors, dir);
}

/**
 * `editor.json` of an editor bundle: which fusion is the default, which generator (by weights
 * sha256) the parts were trained against, and how.
 */
export interface EditorBundleInfo {
  format: 'lfe-editor';
  /** Sub-folder of the default variant ("residual" or "patent"): its text-encoder/ and fusion/. */
  defaultFusion: string;
  /** sha256 of the generator weights the encoder and fusion were trained for. */
  generatorSha256: string;
  /** The generator's per-pixel noise when editing: its stored constant maps, or none (default const). */
  noise?: 'const' | 'none';
  notes?: string;
}

export function writeEditorInfo(dir: string, info: EditorBundleInfo): void {
  writeFileSync(join(dir, 'editor.json'), JSON.stringify(info, null, 2) + '\n');
}

export function readEditorInfo(dir: string): EditorBundleInfo {
  const file = join(dir, 'editor.json');
  if (!existsSync(file)) throw new CheckpointError('editor bundle has no editor.json', file);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new CheckpointError(`editor.json is not JSON (${(e as Error).message})`, file);
  }
  const o = raw as Partial<EditorBundleInfo>;
  if (typeof o !== 'object' || o === null || o.format !== 'lfe-editor' || typeof o.defaultFusion !== 'string' || typeof o.generatorSha256 !== 'string') {
    throw new CheckpointError('editor.json must be {format: "lfe-editor", defaultFusion: string, generatorSha256: string}', file);
  }
  if (o.noise !== undefined && o.noise !== 'const' && o.noise !== 'none') throw new CheckpointError('editor.json: noise must be "const" or "none"', file);
  if (!/^[a-z0-9-]+$/.test(o.defaultFusion)) throw new CheckpointError(`editor.json: defaultFusion must be a sub-folder name, got ${JSON.stringify(o.defaultFusion)}`, file);
  return o as EditorBundleInfo;
}

/**
 * A fusion variant was trained on latents of one encoder; paired with another it reads a different
 * latent distribution. Its fusion manifest's provenance records that encoder (`encoderSha256`,
 * written by trainer:train-editor since session 8); this refuses a bundle whose encoder differs.
 * Variants trained before that field existed are not checked (nothing to compare).
 */
export function checkVariantEncoder(editorDir: string, variant: string): void {
  const read = (file: string): Record<string, unknown> => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new CheckpointError(`cannot read ${(e as Error).message}`, file);
    }
  };
  const fusionManifest = join(editorDir, variant, 'fusion', 'manifest.json');
  const trainedOn = (read(fusionManifest)['provenance'] as Record<string, unknown> | undefined)?.['encoderSha256'];
  if (trainedOn === undefined) return;
  const encoderSha = (read(join(editorDir, 'encoder', 'manifest.json'))['weights'] as Record<string, unknown> | undefined)?.['sha256'];
  if (typeof trainedOn !== 'string') throw new CheckpointError(`fusion variant "${variant}": provenance.encoderSha256 must be a string`, fusionManifest);
  if (trainedOn !== encoderSha) {
    throw new CheckpointError(
      `fusion variant "${variant}" was trained on latents of encoder ${trainedOn.slice(0, 12)}…, the bundle's encoder is ${String(encoderSha).slice(0, 12)}…: retrain the variant (nx run trainer:train-editor) for this encoder`,
      fusionManifest,
    );
  }
}
