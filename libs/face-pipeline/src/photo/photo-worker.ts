import { WorkerHost } from '../live/worker-host';
import type { ImageFormat } from './image-io';
import type { PhotoErrorKind, PhotoWorkerInit, PhotoWorkerReply, PhotoWorkerRequest } from './photo-worker-protocol';

/** A photo edit refused for a reason the caller can act on (`kind`), or failed (`other`). */
export class PhotoEditError extends Error {
  override readonly name = 'PhotoEditError';
  constructor(
    readonly kind: PhotoErrorKind,
    message: string,
    readonly suggestions?: readonly string[],
  ) {
    super(message);
  }
}

export interface PhotoEditOutput {
  bytes: Buffer;
  found: number;
  edited: number;
  ms: { detect: number; edit: number };
}

/**
 * `PhotoEditor` in its own thread (the server's event loop keeps serving while a photo is edited):
 * started on first use, restarted after a crash, one photo at a time.
 */
export class PhotoWorker {
  readonly #host: WorkerHost<PhotoWorkerRequest, PhotoWorkerReply>;

  constructor(init: PhotoWorkerInit) {
    this.#host = new WorkerHost<PhotoWorkerRequest, PhotoWorkerReply>(new URL('./photo-worker-main.ts', import.meta.url), init, 'photo worker', (m) => this.#host.settle(m.id, m));
  }

  /** Load the models now (otherwise the first edit does). */
  async start(): Promise<void> {
    await this.#host.start();
  }

  async edit(bytes: Uint8Array, req: { name: string; command: string; faces?: 'largest' | 'all' | number; strength?: number; format: ImageFormat }): Promise<PhotoEditOutput> {
    await this.#host.start();
    const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const r = await this.#host.request<PhotoWorkerReply>(
      (id) => ({ type: 'edit', id, bytes: copy, name: req.name, command: req.command, faces: req.faces ?? 'largest', strength: req.strength ?? 1, format: req.format }),
      [copy],
    );
    if (r.type === 'error') throw new PhotoEditError(r.kind, r.message, r.suggestions);
    return { bytes: Buffer.from(r.bytes), found: r.found, edited: r.edited, ms: r.ms };
  }

  close(): Promise<void> {
    return this.#host.close();
  }
}
