import { DEFAULT_MODEL, resolveModel, type LiveComposite, type ModelFolders, type ModelName } from '@lfe/face-pipeline';
import { EditProcessor } from './media/edit-processor';
import { type FrameProcessor, PassthroughProcessor } from './media/frame-processor';
import { createLogger, type Logger } from './util/log';

/** Which model's folders to load: `--model`, with `--editor` / `--generator` / `--captioner` overriding its own. */
export interface ModelChoice {
  /** The model (face-pipeline's `DEFAULT_MODEL` when absent). */
  model?: ModelName;
  editorDir?: string;
  generatorDir?: string;
  /** Captioner for the refinement (default the model's). */
  captionerDir?: string;
  /** Edit refinement steps (the captioner is only needed, and checked, when > 0). */
  refineEdit?: number;
}

/**
 * The folders the edit effect loads (face-pipeline's `resolveModel`): throws its MissingModelError,
 * naming the folder and how to make it, when the chosen model's own folders are missing.
 */
export function modelForServer(o: ModelChoice): ModelFolders {
  return resolveModel(o.model ?? DEFAULT_MODEL, {
    editor: o.editorDir,
    generator: o.generatorDir,
    captioner: o.captionerDir,
    need: (o.refineEdit ?? 0) > 0 ? ['editor', 'generator', 'captioner'] : ['editor', 'generator'],
  });
}

export interface ProcessorOptions extends ModelChoice {
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
  log?: Logger;
}

/**
 * `--effect` → FrameProcessor. `edit` is the face editor of libs/face-pipeline in a worker thread,
 * with the folders of `opts.model` (throws MissingModelError at once when they are not there);
 * call `start()` (when present) before serving so a mismatched model fails at once.
 */
export function createFrameProcessor(effect: 'none' | 'edit', opts: ProcessorOptions = {}): FrameProcessor {
  if (effect === 'none') return new PassthroughProcessor();
  const m = modelForServer(opts);
  return new EditProcessor(
    {
      editorDir: m.editor,
      generatorDir: m.generator,
      ...(opts.fusion !== undefined ? { fusion: opts.fusion } : {}),
      ...((opts.refineEdit ?? 0) > 0 ? { captioner: m.captioner } : {}),
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
