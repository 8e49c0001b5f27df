import type { BackendName } from '../runtime/init-runtime';
import type { LiveEditOptions, LiveResult } from './live-options';

/** What the worker is started with. */
export interface WorkerInit {
  editorDir: string;
  generatorDir: string;
  fusion?: string;
  /** Captioner checkpoint folder: loaded when `options.refineEdit` > 0. */
  captioner?: string;
  backend?: BackendName;
  options?: LiveEditOptions;
}

export type WorkerRequest =
  | { type: 'frame'; id: number; session: string; width: number; height: number; buffer: ArrayBuffer; timestampMs: number; command: string | null; strength: number }
  | { type: 'end'; session: string }
  | { type: 'memory'; id: number };

export type WorkerReply =
  | { type: 'ready'; backend: string; resolution: number }
  | { type: 'fatal'; message: string }
  | { type: 'frame'; id: number; buffer: ArrayBuffer; result: LiveResult }
  | { type: 'frame-error'; id: number; buffer: ArrayBuffer; message: string }
  | { type: 'memory'; id: number; numTensors: number; sessions: number };
