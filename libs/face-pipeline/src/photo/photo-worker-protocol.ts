import type { ImageFormat } from './image-io';

export interface PhotoWorkerInit {
  editorDir: string;
  generatorDir: string;
  fusion?: string;
  captioner?: string;
  refineEdit?: number;
  backend?: string;
  /** The `attribute=level` edits the model can do (`modelLevels`); commands outside them are refused (`unsupported`). Absent: every edit. */
  levels?: string[];
}

export type PhotoWorkerRequest = {
  type: 'edit';
  id: number;
  bytes: ArrayBuffer;
  name: string;
  command: string;
  faces: 'largest' | 'all' | number;
  strength: number;
  format: ImageFormat;
};

/** Why an edit was refused: the caller's input (a status it can act on) or something else. */
/** `unsupported`: a valid command the model's world cannot do (UnsupportedEditError). */
export type PhotoErrorKind = 'command' | 'unsupported' | 'no-face' | 'not-an-image' | 'too-large' | 'other';

export type PhotoWorkerReply =
  | { type: 'done'; id: number; bytes: ArrayBuffer; found: number; edited: number; ms: { detect: number; edit: number } }
  | { type: 'error'; id: number; kind: PhotoErrorKind; message: string; suggestions?: string[] };
