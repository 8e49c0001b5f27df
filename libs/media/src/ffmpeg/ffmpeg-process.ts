import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { FfmpegExitError, FfmpegStartError, InvalidStateError } from '../errors';
import { SafeEmitter } from '../safe-emitter';
import { type FfmpegBinary, resolveFfmpeg } from './ffmpeg-path';

export interface FfmpegProcessOptions {
  /** Arguments after the binary; `-hide_banner -nostdin`-style globals are added here. */
  args: readonly string[];
  /** A name for logs and errors ("decoder", "encoder"). */
  name: string;
  binary?: FfmpegBinary;
  /** Bytes of stderr kept for error reports (a ring; older output is dropped). */
  stderrLimit?: number;
  /** After stdin is ended in close(), how long to wait before SIGTERM, then SIGKILL. */
  closeGraceMs?: number;
}

export interface FfmpegProcessEvents extends Record<string, unknown[]> {
  /** stdout bytes, as they come. */
  data: [Buffer];
  /** Exited without close() being called: the caller decides whether to restart. */
  died: [FfmpegExitError];
  /** Exited, for whatever reason (after `died` when it was not asked to). */
  exit: [{ code: number | null; signal: NodeJS.Signals | null; expected: boolean }];
}

/**
 * One ffmpeg child with a live stdin → stdout pipe. Owns its stdio and lifetime:
 * - `ready` resolves once the process is spawned, rejects with `FfmpegStartError` when it cannot
 *   start — a different failure from `died` (it ran, then exited on its own);
 * - writes after exit/close are dropped (`write()` returns false), EPIPE on stdin is swallowed;
 * - `close()` runs once: ends stdin (ffmpeg ignores SIGTERM while stdin is open), SIGTERM after a
 *   grace period, SIGKILL after another; resolves when the child has exited;
 * - stderr is kept only as a bounded tail for error reports.
 */
export class FfmpegProcess extends SafeEmitter<FfmpegProcessEvents> {
  readonly name: string;
  readonly ready: Promise<void>;
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #stderrLimit: number;
  readonly #closeGraceMs: number;
  #stderr = '';
  #spawned = false;
  #exited = false;
  #closing = false;
  #closePromise: Promise<void> | undefined;
  readonly #exitPromise: Promise<void>;

  constructor(options: FfmpegProcessOptions) {
    super();
    this.name = options.name;
    this.#stderrLimit = options.stderrLimit ?? 8192;
    this.#closeGraceMs = options.closeGraceMs ?? 500;
    const binary = options.binary ?? resolveFfmpeg();
    this.#child = spawn(binary.path, ['-hide_banner', '-nostats', ...options.args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let resolveExit!: () => void;
    this.#exitPromise = new Promise((r) => (resolveExit = r));
    this.ready = new Promise<void>((resolve, reject) => {
      this.#child.once('spawn', () => {
        this.#spawned = true;
        resolve();
      });
      this.#child.once('error', (err) => {
        if (!this.#spawned) {
          this.#exited = true;
          resolveExit();
          reject(new FfmpegStartError(`ffmpeg ${this.name}: failed to start ${binary.path}: ${err.message}`));
        }
      });
    });
    // Do not leave an unhandled rejection when nobody awaits readiness; callers that care await it.
    this.ready.catch(() => undefined);
    this.#child.stdin.on('error', () => {
      // EPIPE / ECONNRESET when ffmpeg exits while we write: the exit handler reports it.
    });
    this.#child.stdout.on('data', (b: Buffer) => this.safeEmit('data', b));
    this.#child.stdout.on('error', () => undefined);
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (s: string) => {
      this.#stderr = (this.#stderr + s).slice(-this.#stderrLimit);
    });
    this.#child.stderr.on('error', () => undefined);
    this.#child.on('exit', (code, signal) => {
      this.#exited = true;
      const expected = this.#closing;
      if (!expected && this.#spawned) {
        const why = signal !== null ? `killed by ${signal}` : `exited with code ${String(code)}`;
        this.safeEmit('died', new FfmpegExitError(`ffmpeg ${this.name}: ${why}`, code, signal, this.#stderr));
      }
      this.safeEmit('exit', { code, signal, expected });
      resolveExit();
    });
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#spawned && !this.#exited;
  }

  get closed(): boolean {
    return this.#closing;
  }

  get stderrTail(): string {
    return this.#stderr;
  }

  /** Bytes waiting in the stdin pipe (backpressure: callers drop frames above their limit). */
  get pendingStdinBytes(): number {
    return this.#child.stdin.writableLength;
  }

  /** Write to stdin. Returns false when the bytes were dropped (closed or exited) or the pipe is full. */
  write(chunk: Uint8Array): boolean {
    if (this.#closing || this.#exited || this.#child.stdin.destroyed || !this.#child.stdin.writable) return false;
    return this.#child.stdin.write(chunk);
  }

  /** End stdin: ffmpeg flushes and exits by itself (one-shot jobs). */
  endInput(): void {
    if (!this.#child.stdin.destroyed) this.#child.stdin.end();
  }

  /** Resolves when the child has exited (for whatever reason). */
  wait(): Promise<void> {
    return this.#exitPromise;
  }

  close(): Promise<void> {
    if (this.#closePromise !== undefined) return this.#closePromise;
    this.#closing = true;
    this.#closePromise = (async () => {
      if (this.#exited) return;
      this.endInput();
      const term = setTimeout(() => {
        if (!this.#exited) this.#child.kill('SIGTERM');
      }, this.#closeGraceMs);
      const kill = setTimeout(() => {
        if (!this.#exited) this.#child.kill('SIGKILL');
      }, this.#closeGraceMs + 1000);
      await this.#exitPromise;
      clearTimeout(term);
      clearTimeout(kill);
    })();
    return this.#closePromise;
  }

  /** Test hook and last resort: signal the child now, as an outside killer would. */
  killForTest(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (!this.#exited) this.#child.kill(signal);
  }

  static async run(options: FfmpegProcessOptions & { input?: Uint8Array; maxOutputBytes?: number }): Promise<Buffer> {
    const p = new FfmpegProcess(options);
    const chunks: Buffer[] = [];
    let size = 0;
    const max = options.maxOutputBytes ?? 64 * 1024 * 1024;
    p.on('data', (b) => {
      size += b.length;
      if (size <= max) chunks.push(b);
    });
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    p.on('exit', (e) => (exit = e));
    await p.ready;
    if (options.input !== undefined) p.write(options.input);
    p.endInput();
    await p.wait();
    if (exit?.code !== 0) throw new FfmpegExitError(`ffmpeg ${p.name}: exited with ${String(exit?.code ?? exit?.signal)}`, exit?.code ?? null, exit?.signal ?? null, p.stderrTail);
    if (size > max) throw new InvalidStateError(`ffmpeg ${p.name}: output over ${max} bytes`);
    return Buffer.concat(chunks);
  }
}
