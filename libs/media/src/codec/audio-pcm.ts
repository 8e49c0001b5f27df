import { SafeEmitter } from '../safe-emitter';
import type { MediaLogger } from '../logger';
import { FfmpegProcess } from '../ffmpeg/ffmpeg-process';
import type { FfmpegBinary } from '../ffmpeg/ffmpeg-path';
import { OggOpusWriter } from './ogg-opus-writer';

export interface AudioPcmEvents extends Record<string, unknown[]> {
  /** 16 kHz mono signed 16-bit little-endian PCM, in whatever chunk sizes ffmpeg writes. */
  pcm: [Buffer];
  fatal: [Error];
}

/**
 * Opus RTP payloads → Ogg pages (ours) → ffmpeg → 16 kHz mono s16le, the input libs/speech wants.
 * Started lazily by the first packet; a dead decoder is restarted (Ogg headers again), up to
 * `maxRestarts` deaths within `windowMs` (a decoder that dies now and then, hours apart, keeps
 * being restarted); beyond that, or when ffmpeg cannot start at all, the stream reports `fatal`
 * and stays silent.
 */
export class AudioPcmStream extends SafeEmitter<AudioPcmEvents> {
  #proc: FfmpegProcess | undefined;
  #writer: OggOpusWriter | undefined;
  /** Times of the recent deaths (the restart window); `Infinity` entries mean: never again. */
  #deaths: number[] = [];
  #gaveUp = false;
  #badPackets = 0;
  #closed = false;

  constructor(
    private readonly log: MediaLogger,
    private readonly binary?: FfmpegBinary,
    private readonly maxRestarts = 5,
    private readonly windowMs = 60_000,
  ) {
    super();
  }

  get badPackets(): number {
    return this.#badPackets;
  }

  get process(): FfmpegProcess | undefined {
    return this.#proc;
  }

  pushOpus(payload: Buffer): void {
    if (this.#closed || payload.length === 0) return;
    const proc = this.#proc ?? this.#start();
    if (proc === undefined || this.#writer === undefined) return;
    let page: Buffer;
    try {
      page = this.#writer.packet(payload);
    } catch {
      this.#badPackets++;
      return;
    }
    proc.write(page);
  }

  #start(): FfmpegProcess | undefined {
    if (this.#gaveUp) return undefined;
    const proc = new FfmpegProcess({
      name: 'audio-decoder',
      ...(this.binary ? { binary: this.binary } : {}),
      args: ['-loglevel', 'error', '-probesize', '32', '-analyzeduration', '0', '-f', 'ogg', '-i', 'pipe:0', '-vn', '-ac', '1', '-ar', '16000', '-f', 's16le', '-flush_packets', '1', 'pipe:1'],
    });
    proc.ready.catch((err: unknown) => {
      this.log.error('audio decoder failed to start', { error: err });
      this.#gaveUp = true;
      this.safeEmit('fatal', err instanceof Error ? err : new Error(String(err)));
    });
    proc.on('data', (b) => this.safeEmit('pcm', b));
    proc.on('died', (err) => {
      if (this.#proc !== proc) return;
      this.#proc = undefined;
      const now = performance.now();
      this.#deaths = [...this.#deaths.filter((t) => now - t < this.windowMs), now];
      this.log.warn('audio decoder died', { error: err, deathsInWindow: this.#deaths.length });
      if (this.#deaths.length > this.maxRestarts) {
        this.#gaveUp = true;
        this.safeEmit('fatal', err);
      }
    });
    this.#writer = new OggOpusWriter(2);
    proc.write(this.#writer.headers());
    this.#proc = proc;
    return proc;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const p = this.#proc;
    this.#proc = undefined;
    await p?.close();
  }
}
