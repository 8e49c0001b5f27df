import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { VOCABULARY_SIZE } from '@lfe/edit-language';
import { Captioner, type CaptionerConfig } from '../captioner/captioner';
import { saveEncoder, saveFusion, saveTextEncoder, writeEditorInfo } from '../editor/editor-checkpoint';
import { Encoder } from '../invert/encoder';
import { Fusion } from '../fuse/fusion';
import { Generator, type GeneratorConfig } from '../generate/generator';
import { saveGenerator } from '../generate/generator-checkpoint';
import { TextEncoder } from '../fuse/text-encoder';

export const TINY_GENERATOR: GeneratorConfig = { resolution: 32, zDim: 16, wDim: 16, mappingLayers: 2, mappingLrMul: 0.01, channelBase: 128, channelMax: 16 };

/** An untrained 32-px captioner small enough for tests of edit refinement. */
export const TINY_CAPTIONER: CaptionerConfig = {
  resolution: 32,
  stages: [
    { channels: 4, convs: 1 },
    { channels: 6, convs: 1 },
  ],
  featureDim: 16,
  contextDim: 8,
  embeddingDim: 6,
  styleDim: 3,
  hiddenDim: 10,
};

/**
 * An untrained but complete editor bundle (32 px) for tests of the plumbing: `dir/generator` and
 * `dir/editor` with a residual variant whose last layer is non-zero, so texts do change the face,
 * and `dir/captioner` (for edit refinement).
 */
export function writeTinyEditorBundle(dir: string): { generatorDir: string; editorDir: string; captionerDir: string } {
  const prov = { command: 'test fixture', seed: 1, steps: 0, dataManifestSha256: null, date: '2026-11-27' };
  const g = new Generator(TINY_GENERATOR, 1);
  const encoder = new Encoder({ resolution: 32, channels: [8, 8, 8], convsPerStage: 1, featureDim: 16, wDim: 16, numWs: g.numWs });
  const text = new TextEncoder({ vocabSize: VOCABULARY_SIZE, alpha: 0.7, hidden: 8, codeDim: 8 });
  const fusion = new Fusion({ mode: 'residual', wDim: 16, codeDim: 8, numWs: g.numWs, hidden: 16 });
  tf.tidy(() => fusion.params.get('out/w').assign(tf.randomNormal(fusion.params.get('out/w').shape, 0, 0.5, 'float32', 3)));
  const generatorDir = join(dir, 'generator');
  const editorDir = join(dir, 'editor');
  saveGenerator(generatorDir, g, prov);
  saveEncoder(join(editorDir, 'encoder'), encoder, prov);
  saveTextEncoder(join(editorDir, 'residual', 'text-encoder'), text, prov);
  saveFusion(join(editorDir, 'residual', 'fusion'), fusion, prov);
  const sha = (JSON.parse(readFileSync(join(generatorDir, 'manifest.json'), 'utf8')) as { weights: { sha256: string } }).weights.sha256;
  writeEditorInfo(editorDir, { format: 'lfe-editor', defaultFusion: 'residual', generatorSha256: sha });
  const captioner = new Captioner(TINY_CAPTIONER, 2);
  const captionerDir = join(dir, 'captioner');
  captioner.save(captionerDir, prov);
  for (const m of [g, encoder, text, fusion, captioner]) m.dispose();
  return { generatorDir, editorDir, captionerDir };
}
