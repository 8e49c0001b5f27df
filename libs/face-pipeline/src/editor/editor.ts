import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidCommandError, encodeTokens, parseCommand } from '@lfe/edit-language';
import { Captioner } from '../captioner/captioner';
import { CheckpointError } from '../checkpoint/errors';
import { DEFAULT_EDIT_REFINE, editRefiner, refineEdits, type LatentOffsetOptimiser } from '../fuse/edit-refine';
import type { Fusion } from '../fuse/fusion';
import type { TextEncoder } from '../fuse/text-encoder';
import type { Generator } from '../generate/generator';
import { loadGenerator } from '../generate/generator-checkpoint';
import type { Encoder } from '../invert/encoder';
import { invertLatent, type InvertOptions } from '../invert/invert';
import { editedAttributes, regionMask } from '../paste/regions';
import { checkVariantEncoder, loadEncoder, loadFusion, loadTextEncoder, readEditorInfo } from './editor-checkpoint';

export interface EditOptions extends InvertOptions {
  /** Edit strength s (1 = as trained; 0 = no edit; >1 exaggerates). Default 1. */
  strength?: number;
  /**
   * 'replace' (default, the method's): the regenerated face G(fuse(w, f)). 'delta': the input plus
   * what the edit changes, images + G(fuse(w, f)) − G(w), clipped to [-1, 1] (the live loop's
   * default; keeps everything of the input the edit does not touch).
   */
  composite?: 'replace' | 'delta';
  /**
   * Delta composite only: keep the change where the command's attributes live (`regionMask`), so
   * what the generator changes elsewhere along with them does not reach the picture. Default true.
   */
  localize?: boolean;
  /**
   * Edit refinement: this many Adam steps on the fused latent so that the captioner reads the
   * command's target from the regenerated face (`Editor.refineEdit`; needs a captioner). 0 = the
   * fusion alone (default).
   */
  refineEdit?: number;
}

export interface EditorParts {
  generator: Generator;
  encoder: Encoder;
  textEncoder: TextEncoder;
  fusion: Fusion;
  /** The grounded captioner, for edit refinement (optional). */
  captioner?: Captioner;
  /** Generator noise when generating: its stored constant maps (default) or none. */
  noise?: 'const' | 'none';
}

/** ids [1, T] of a command's tokens, after checking the command parses as an edit. */
export function commandIds(text: string): number[] {
  const parsed = parseCommand(text); // UnknownWordError / InvalidCommandError / InputTooLongError
  if (parsed.kind !== 'edit') throw new InvalidCommandError(`command: "${parsed.action}" is a control word, not an edit the editor can draw`);
  return encodeTokens(parsed.tokens);
}

/**
 * The text-driven editor (the method's run time): invert a face to W+, encode a command to a text
 * code f, fuse, regenerate. Every method returns new tensors the caller disposes and disposes
 * everything else it makes. Images are [B,R,R,3] in [-1, 1] at the generator's resolution.
 */
export class Editor {
  readonly generator: Generator;
  readonly encoder: Encoder;
  readonly textEncoder: TextEncoder;
  readonly fusion: Fusion;
  readonly captioner: Captioner | null;
  readonly noise: 'const' | 'none';
  #disposed = false;

  constructor(parts: EditorParts) {
    const { generator, encoder, textEncoder, fusion } = parts;
    this.noise = parts.noise ?? 'const';
    if (encoder.config.resolution !== generator.config.resolution || encoder.config.wDim !== generator.config.wDim || encoder.config.numWs !== generator.numWs) {
      throw new TypeError('editor: the encoder was built for another generator (resolution, wDim or numWs differ)');
    }
    if (fusion.config.wDim !== generator.config.wDim || fusion.config.numWs !== generator.numWs) throw new TypeError('editor: the fusion was built for another generator (wDim or numWs differ)');
    if (fusion.config.codeDim !== textEncoder.config.codeDim) throw new TypeError('editor: fusion codeDim differs from the text encoder codeDim');
    this.generator = generator;
    this.encoder = encoder;
    this.textEncoder = textEncoder;
    this.fusion = fusion;
    if (parts.captioner !== undefined) {
      const cr = parts.captioner.config.resolution;
      if (cr !== generator.config.resolution) throw new TypeError(`editor: the captioner reads ${cr}px images, the generator makes ${generator.config.resolution}px`);
    }
    this.captioner = parts.captioner ?? null;
  }

  /**
   * Load an editor bundle and the generator it was trained for: `editor.json`, `encoder/`, and one
   * folder per trained fusion variant (`residual/`, `patent/`), each with its own `text-encoder/`
   * and `fusion/` (they were trained together). Refuses a generator whose weights differ from the
   * bundle's. `fusion` picks a variant other than the bundle's default; `captioner` (a captioner
   * checkpoint folder) enables edit refinement.
   */
  static load(editorDir: string, generatorDir: string, opts: { fusion?: string; captioner?: string } = {}): Editor {
    const info = readEditorInfo(editorDir);
    const genManifest = join(generatorDir, 'manifest.json');
    let sha: unknown;
    try {
      sha = (JSON.parse(readFileSync(genManifest, 'utf8')) as { weights?: { sha256?: unknown } }).weights?.sha256;
    } catch (e) {
      throw new CheckpointError(`cannot read the generator manifest (${(e as Error).message})`, genManifest);
    }
    if (sha !== info.generatorSha256) {
      throw new CheckpointError(
        `the editor was trained for generator weights ${info.generatorSha256.slice(0, 12)}…, this generator is ${String(sha).slice(0, 12)}…: retrain the editor (nx run trainer:train-encoder, trainer:train-editor) for it`,
        genManifest,
      );
    }
    const fusionDir = opts.fusion ?? info.defaultFusion;
    if (!/^[a-z0-9-]+$/.test(fusionDir)) throw new TypeError(`editor: fusion must be a sub-folder name, got ${JSON.stringify(fusionDir)}`);
    if (existsSync(join(editorDir, fusionDir, 'fusion', 'manifest.json'))) checkVariantEncoder(editorDir, fusionDir);
    const made: Array<{ dispose(): void }> = [];
    try {
      const generator = loadGenerator(generatorDir);
      made.push(generator);
      const encoder = loadEncoder(join(editorDir, 'encoder'));
      made.push(encoder);
      const textEncoder = loadTextEncoder(join(editorDir, fusionDir, 'text-encoder'));
      made.push(textEncoder);
      const fusion = loadFusion(join(editorDir, fusionDir, 'fusion'));
      made.push(fusion);
      const captioner = opts.captioner === undefined ? undefined : Captioner.load(opts.captioner);
      if (captioner !== undefined) made.push(captioner);
      return new Editor({ generator, encoder, textEncoder, fusion, ...(captioner !== undefined ? { captioner } : {}), ...(info.noise !== undefined ? { noise: info.noise } : {}) });
    } catch (e) {
      for (const m of made) m.dispose();
      throw e;
    }
  }

  get resolution(): number {
    return this.generator.config.resolution;
  }

  #live(): void {
    if (this.#disposed) throw new Error('editor: used after dispose()');
  }

  /** images [B,R,R,3] → W+ [B,numWs,wDim]; with `refineSteps`, optimised against the images. */
  invert(images: tf.Tensor4D, opts: InvertOptions = {}): tf.Tensor3D {
    this.#live();
    return invertLatent(this.generator, this.encoder, images, { noise: this.noise, ...opts });
  }

  /** A command ("long hair, no glasses", "大眼睛长头发") → text code f [1, codeDim]. Throws CommandError on bad text. */
  encodeText(text: string): tf.Tensor2D {
    this.#live();
    const ids = commandIds(text);
    const t = tf.tensor2d(ids, [1, ids.length], 'int32');
    try {
      return this.textEncoder.encode(t);
    } finally {
      t.dispose();
    }
  }

  /** Fuse a latent (W or W+) with a text code; f's batch is broadcast when it is 1. */
  fuse(w: tf.Tensor, f: tf.Tensor2D, strength = 1): tf.Tensor3D {
    this.#live();
    if (!Number.isFinite(strength)) throw new TypeError('fuse: strength must be a finite number');
    const b = w.shape[0]!;
    if (f.shape[0] === b) return this.fusion.fuse(w, f, strength);
    if (f.shape[0] !== 1) throw new TypeError(`fuse: f has batch ${f.shape[0]}, w has ${b}`);
    const fb = tf.tile(f, [b, 1]) as tf.Tensor2D;
    try {
      return this.fusion.fuse(w, fb, strength);
    } finally {
      fb.dispose();
    }
  }

  /** W or W+ → images [B,R,R,3] (deterministic: the stored noise maps, or none; see `noise`). */
  generate(w: tf.Tensor): tf.Tensor4D {
    this.#live();
    return this.generator.synthesis(w, { noise: this.noise });
  }

  /**
   * Edit refinement: `steps` Adam steps from the edited latent `edited` (e.g. `fuse`'s output) so
   * that the captioner reads `text`'s target caption from the regenerated face. The target's
   * starting levels are the captioner's own reading of G(w), the unedited face (for relative edits
   * such as "a bit bigger eyes"). Returns the refined latent; the inputs stay the caller's.
   */
  refineEdit(w: tf.Tensor3D, edited: tf.Tensor3D, text: string, steps: number = DEFAULT_EDIT_REFINE.steps): tf.Tensor3D {
    return refineEdits(this.generator, this.#captioner(), w, edited, Array.from({ length: w.shape[0] }, () => text), { ...DEFAULT_EDIT_REFINE, steps, noise: this.noise });
  }

  /**
   * The refinement of `refineEdit` as a step-wise optimiser (the live loop spreads its steps over
   * model jobs): `step()` it, read `delta` (the offset to add to `edited`), `dispose()` it.
   */
  editRefiner(w: tf.Tensor3D, edited: tf.Tensor3D, text: string): LatentOffsetOptimiser {
    return editRefiner(this.generator, this.#captioner(), w, edited, Array.from({ length: w.shape[0] }, () => text), { ...DEFAULT_EDIT_REFINE, noise: this.noise });
  }

  /** The captioner edit refinement needs (a clear error without one). */
  #captioner(): Captioner {
    this.#live();
    if (this.captioner === null) throw new TypeError('editor: edit refinement needs a captioner (Editor.load(…, { captioner: DIR }))');
    return this.captioner;
  }

  /** image(s) + command → edited image(s). */
  edit(images: tf.Tensor4D, text: string, opts: EditOptions = {}): tf.Tensor4D {
    this.#live();
    const composite = opts.composite ?? 'replace';
    if (composite !== 'replace' && composite !== 'delta') throw new TypeError(`edit: composite must be 'replace' or 'delta', got ${JSON.stringify(composite)}`);
    const steps = opts.refineEdit ?? 0;
    if (steps !== 0) this.#captioner(); // refuse before any work
    const f = this.encodeText(text);
    const w = this.invert(images, opts);
    let fused: tf.Tensor3D | null = null;
    try {
      fused = this.fuse(w, f, opts.strength ?? 1);
      if (steps !== 0) {
        const refined = this.refineEdit(w, fused, text, steps);
        fused.dispose();
        fused = refined;
      }
      const target = fused;
      return tf.tidy(() => {
        if (composite === 'replace') return this.generate(target);
        const b = images.shape[0];
        const both = this.generate(tf.concat([target, w], 0));
        const [edited, rec] = tf.split(both, [b, b], 0) as [tf.Tensor4D, tf.Tensor4D];
        const change = tf.sub(edited, rec);
        if (opts.localize === false) return tf.clipByValue(tf.add(images, change), -1, 1) as tf.Tensor4D;
        const r = images.shape[1];
        const mask = tf.tensor4d(regionMask(editedAttributes(text), r), [1, r, r, 1]);
        return tf.clipByValue(tf.add(images, tf.mul(change, mask)), -1, 1) as tf.Tensor4D;
      });
    } finally {
      f.dispose();
      w.dispose();
      fused?.dispose();
    }
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.generator.dispose();
    this.encoder.dispose();
    this.textEncoder.dispose();
    this.fusion.dispose();
    this.captioner?.dispose();
  }
}
