/** The live editor's options and results, shared by `LiveFaceEditor` and its two schedules. */
import type { FaceTemplate, RgbImageLike } from '../align/align';
import type { TrackerOptions } from '../detect/tracker';
import type { OneEuroOptions } from '../temporal/one-euro';
import type { ModelStages } from './face-model';

/** How the edited face goes back into the frame (see `LiveEditOptions.composite`). */
export type LiveComposite = 'delta' | 'replace' | 'local-replace';
export const COMPOSITES: readonly string[] = ['delta', 'replace', 'local-replace'];

export interface LiveEditOptions extends TrackerOptions {
  /** The model's framing (its folder's `framing.json`, `loadFraming`); default the synthetic world's. */
  framing?: FaceTemplate;
  /** One-Euro on the latent (W+): smoothing at rest and how fast it opens with motion. */
  latentFilter?: OneEuroOptions;
  /** One-Euro on the alignment (centre, scale, roll). */
  poseFilter?: OneEuroOptions;
  /** Fade between edits over this many ms when the command changes. Default 250. */
  rampMs?: number;
  /**
   * Run the model (invert → fuse → generate) on every N-th frame of a session; the frames between
   * re-paste the last generated face at their own, freshly tracked alignment (the face stays where
   * it is, its appearance updates at fps/N). 1 = every frame (default). Never reused while an edit
   * ramps, or after the command or strength changed.
   */
  modelEvery?: number;
  /**
   * How the edited face goes back into the frame. 'delta' (default): the generator draws both the
   * edited latent and the unedited (inverted) one in one batch, and only their difference is added
   * to the camera's own face under the mask — what the edit changes appears, everything else stays
   * the camera's pixels at full resolution (the 64-px reconstruction's blur and identity drift
   * cancel out). 'replace': the method's paste-back of the regenerated face itself (colour-matched).
   * 'local-replace': the regenerated face only inside the edited attributes' region (`regionMask`:
   * the eyes for glasses, the mouth for a smile, all but the inner face for hair and hats), the
   * camera's own pixels everywhere else. It shows more of what the generator draws than a delta
   * (offline: "add glasses" 81 % against 46 %, a smile 59 % against 17 %) and keeps less identity
   * inside the region (docs/editor-report.md, "+local replace").
   */
  composite?: LiveComposite;
  /**
   * When the model runs. 'inline' (default): a model frame waits for invert → fuse → generate
   * (see `modelEvery`). 'async': no frame waits for the model. Each frame is tracked and gets the
   * newest generated face pasted at its own alignment; whenever the session's previous job is done,
   * the frame's crop goes to the model (its own thread with a `ThreadFaceModel`) and the result is
   * pasted on the frames after it arrives (`LiveResult.ageMs` says how old it is). A new edit
   * cross-fades in over `rampMs` once its first face arrives. `modelEvery` is not used.
   */
  schedule?: 'inline' | 'async';
  /** Delta composite: keep the change where the edited attributes live (`LocalFaceModelOptions.localize`; default true). */
  localize?: boolean;
  /**
   * Async schedule behind `EditWorker`: niceness of the model thread (default 10), so that on a
   * busy machine the model gets the CPU the media does not need (faces age) rather than delaying
   * frames. 0 = same priority as everything else.
   */
  modelNice?: number;
  /**
   * Edit refinement per person (`LocalFaceModelOptions.refineEdit`): steps of captioner-guided
   * refinement on a session's first face with a command, reused as an offset afterwards. Needs an
   * editor with a captioner. Default 0 (off).
   */
  refineEdit?: number;
}

/** Milliseconds per stage of one frame (0 for stages that did not run). */
export interface StageTimes {
  detect: number;
  align: number;
  invert: number;
  fuse: number;
  generate: number;
  paste: number;
}

/** One session's frame for `processBatch`. */
export interface LiveItem {
  id: string;
  frame: RgbImageLike;
  timestampMs: number;
  command: string | null;
  strength: number;
}

export interface LiveResult {
  /** False when the frame went through unchanged: no edit active, or no face found. */
  edited: boolean;
  face: boolean;
  /** True when the face was located by following the last landmark fix (a frame that reuses the last generated face), not by the landmark net. */
  followed: boolean;
  stages: StageTimes;
  /** Async schedule: this frame's crop went to the model. */
  submitted?: boolean;
  /** Async schedule: ms between the frame the pasted face was generated from and this one. */
  ageMs?: number;
  /** Async schedule: stages of the session's model job that finished since the last frame. */
  model?: ModelStages & { batch: number };
  /** Async schedule: the session's last model job failed with this (the frame shows the last good face). */
  modelError?: string;
}

export const zeroStages = (): StageTimes => ({ detect: 0, align: 0, invert: 0, fuse: 0, generate: 0, paste: 0 });

/** How `LiveFaceEditor` runs the model for its sessions' frames (`LiveEditOptions.schedule`). */
export interface LiveSchedule {
  /** Sessions with state. */
  readonly sessions: number;
  sessionIds(): string[];
  /** One frame per session (the caller checks). */
  processBatch(items: readonly LiveItem[]): Promise<LiveResult[]>;
  /** Drop the session's state; false when it had none. */
  endSession(id: string): boolean;
}
