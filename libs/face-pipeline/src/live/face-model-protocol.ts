import type { BackendName } from '../runtime/init-runtime';
import type { OneEuroOptions } from '../temporal/one-euro';
import type { ModelJob, ModelStages } from './face-model';

/** What the model thread is started with. */
export interface ModelWorkerInit {
  editorDir: string;
  generatorDir: string;
  fusion?: string;
  /** Captioner checkpoint folder, for `refineEdit`. */
  captioner?: string;
  /** `LocalFaceModelOptions.refineEdit` (default 0). */
  refineEdit?: number;
  backend?: BackendName;
  latentFilter?: OneEuroOptions;
  composite?: 'delta' | 'replace';
  localize?: boolean;
  /**
   * Scheduling niceness of the model thread (Linux applies it to this thread only): with a higher
   * value the media processes and the per-frame thread get the cores first and the model uses what
   * is left, so under load faces update less often instead of frames arriving later. Default 0.
   */
  nice?: number;
}

export type ModelWorkerRequest =
  | { type: 'run'; id: number; job: Omit<ModelJob, 'crop'>; crop: ArrayBuffer }
  | { type: 'end'; session: string }
  | { type: 'memory'; id: number };

export type ModelWorkerReply =
  | { type: 'ready'; backend: string; resolution: number }
  | { type: 'fatal'; message: string }
  | { type: 'done'; id: number; face: ArrayBuffer; stages: ModelStages; batch: number }
  | { type: 'superseded'; id: number }
  | { type: 'error'; id: number; message: string }
  | { type: 'memory'; id: number; numTensors: number; sessions: number };
