import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LiveComposite } from '@lfe/face-pipeline';
import { EditProcessor } from './media/edit-processor';
import { type FrameProcessor, PassthroughProcessor } from './media/frame-processor';
import { createLogger, type Logger } from './util/log';

const here = dirname(fileURLToPath(import.meta.url));
/** The bundled model (committed under models/default). */
export const DEFAULT_EDITOR_DIR = resolve(here, '../../../models/default/editor');
export const DEFAULT_GENERATOR_DIR = resolve(here, '../../../models/default/generator');
export const DEFAULT_CAPTIONER_DIR = resolve(here, '../../../models/default/captioner');

export interface ProcessorOptions {
  editorDir?: string;
  generatorDir?: string;
  /** Fusion variant of the editor bundle (default: the bundle's default). */
  fusion?: string;
  /** Run the detector every N frames (landmarks track in between). */
  detectEvery?: number;
  /** Run the model every N frames (the last face is re-pasted in between). */
  modelEvery?: number;
  /** Delta composite: keep the change where the edited attributes live (default true). */
  localize?: boolean;
  /** When the model runs (LiveEditOptions.schedule; default async, as the server's). */
  schedule?: 'inline' | 'async';
  /** How the edited face goes back into the frame (LiveEditOptions.composite; default delta). */
  composite?: LiveComposite;
  /** Edit refinement steps per person and command (LiveEditOptions.refineEdit; default 0 = off). */
  refineEdit?: number;
  /** Captioner for the refinement (default the bundled one). */
  captionerDir?: string;
  log?: Logger;
}

/**
 * `--effect` → FrameProcessor. `edit` is the face editor of libs/face-pipeline in a worker thread;
 * call `start()` (when present) before serving so a missing or mismatched model fails at once.
 */
export function createFrameProcessor(effect: 'none' | 'edit', opts: ProcessorOptions = {}): FrameProcessor {
  if (effect === 'none') return new PassthroughProcessor();
  return new EditProcessor(
    {
      editorDir: opts.editorDir ?? DEFAULT_EDITOR_DIR,
      generatorDir: opts.generatorDir ?? DEFAULT_GENERATOR_DIR,
      ...(opts.fusion !== undefined ? { fusion: opts.fusion } : {}),
      ...((opts.refineEdit ?? 0) > 0 ? { captioner: opts.captionerDir ?? DEFAULT_CAPTIONER_DIR } : {}),
      options: {
        ...(opts.refineEdit !== undefined ? { refineEdit: opts.refineEdit } : {}),
        ...(opts.detectEvery !== undefined ? { detectEvery: opts.detectEvery } : {}),
        ...(opts.modelEvery !== undefined ? { modelEvery: opts.modelEvery } : {}),
        ...(opts.composite !== undefined ? { composite: opts.composite } : {}),
        schedule: opts.schedule ?? 'async',
        ...(opts.localize !== undefined ? { localize: opts.localize } : {}),
      },
    },
    opts.log ?? createLogger({ app: 'stream-server' }),
  );
}
