import { SafeEmitter } from '@lfe/media';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { int16ToBytes, SPEECH_SAMPLE_RATE } from '../audio/pcm';
import { InvalidStateError, RecognizerStartError } from '../errors';
import { reportListenerError, type SpeechRecognizer, type SpeechRecognizerEvents, type Utterance } from './speech-recognizer';

/** Env: a recogniser command line the server uses instead of pocketsphinx (`--speech-command`). */
export const SPEECH_COMMAND_ENV = 'LFE_SPEECH_COMMAND';

export interface ProcessRecognizerOptions {
  /** argv of the recogniser: `[program, ...args]` (no shell). */
  command: readonly string[];
  /** Restarts allowed after unexpected exits, per `restartWindowMs` (default 3 per 60 s). */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** Longest line accepted from the recogniser (default 4096 characters); longer lines are dropped. */
  maxLineLength?: number;
}

/** `"a b 'c d'"` → `['a', 'b', 'c d']`: a command line from an option or the environment (single and double quotes, no expansion). */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (const ch of line) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur !== '') out.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (quote !== null) throw new RecognizerStartError(`speech command: unclosed ${quote} in ${JSON.stringify(line)}`);
  if (has || cur !== '') out.push(cur);
  if (out.length === 0) throw new RecognizerStartError('speech command: empty command line');
  return out;
}

/**
 * A recogniser in another process, for engines this project cannot install (a Mandarin model, a
 * cloud client, whisper.cpp): it reads 16 kHz mono signed 16-bit little-endian PCM on stdin and
 * writes one line per utterance on stdout — either JSON `{"text": "...", "startMs"?, "endMs"?,
 * "confidence"?}` (times in ms of its input stream) or plain text. Blank lines, over-long lines and
 * lines that look like JSON but hold no string `text` are skipped. stderr is passed through to this
 * process's stderr. The text goes to the command
 * parser as it is (lower-cased, spaces collapsed), so Chinese text works. If the process exits on
 * its own it is started again (the stream clock carries on; audio written while it was down is
 * lost) up to `maxRestarts` times per window, then `error` and close.
 */
export class ProcessRecognizer extends SafeEmitter<SpeechRecognizerEvents> implements SpeechRecognizer {
  override onListenerError = reportListenerError;
  readonly #opts: Required<ProcessRecognizerOptions>;
  #child: ChildProcess | undefined;
  #samples = 0;
  #closed = false;
  #ending: Promise<void> | undefined;
  #closing: Promise<void> | undefined;
  #restarts: number[] = [];
  /** Stream sample at which the current process started (its times are relative to that). */
  #base = 0;
  /** Wall clock of each written chunk's end, for latency: [sampleEnd, ms]. */
  #clock: Array<[number, number]> = [];

  private constructor(opts: ProcessRecognizerOptions) {
    super();
    this.#opts = { maxRestarts: 3, restartWindowMs: 60_000, maxLineLength: 4096, ...opts, command: [...opts.command] };
  }

  /** Start the process; rejects with RecognizerStartError when it cannot be spawned or exits at once. */
  static async start(options: ProcessRecognizerOptions): Promise<ProcessRecognizer> {
    if (options.command.length === 0 || options.command[0] === '') throw new RecognizerStartError('speech command: empty command line');
    const r = new ProcessRecognizer(options);
    await r.#spawn(true);
    return r;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get samplesWritten(): number {
    return this.#samples;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  write(pcm: Int16Array): void {
    if (this.#closed || this.#ending !== undefined) throw new InvalidStateError('speech: write() after end() or close()');
    this.#samples += pcm.length;
    this.#clock.push([this.#samples, performance.now()]);
    if (this.#clock.length > 2048) this.#clock.splice(0, this.#clock.length - 1024);
    const stdin = this.#child?.stdin;
    if (stdin && !stdin.destroyed && stdin.writable) stdin.write(int16ToBytes(pcm));
  }

  end(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#ending ??= (async () => {
      const child = this.#child;
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.stdin?.end();
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      }
      await this.close();
    })();
    return this.#ending;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      const child = this.#child;
      this.#child = undefined;
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.stdin?.destroy();
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(t);
      }
      this.safeEmit('close');
    })();
    return this.#closing;
  }

  #spawn(first: boolean): Promise<void> {
    const [bin, ...args] = this.#opts.command;
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        child = spawn(bin!, args, { stdio: ['pipe', 'pipe', 'inherit'] });
      } catch (e) {
        reject(new RecognizerStartError(`speech command ${bin}: ${(e as Error).message}`));
        return;
      }
      this.#child = child;
      this.#base = this.#samples;
      let started = false;
      child.stdin!.on('error', () => undefined); // EPIPE when it dies: handled by 'exit'
      child.once('error', (e) => {
        if (!started) reject(new RecognizerStartError(`speech command ${bin}: ${e.message}`));
      });
      child.once('spawn', () => {
        started = true;
        resolve();
      });
      const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
      lines.on('line', (line) => this.#onLine(line));
      child.once('exit', (code, signal) => {
        if (this.#child !== child) return; // closed or replaced
        this.#child = undefined;
        if (this.#ending !== undefined || this.#closed) return;
        this.#onUnexpectedExit(`speech command ${bin} exited (${signal ?? `code ${code}`})`, first && !started);
      });
    });
  }

  #onUnexpectedExit(reason: string, neverStarted: boolean): void {
    if (neverStarted) return;
    const now = Date.now();
    this.#restarts = this.#restarts.filter((t) => now - t < this.#opts.restartWindowMs);
    if (this.#restarts.length >= this.#opts.maxRestarts) {
      this.safeEmit('error', new RecognizerStartError(`${reason}; ${this.#restarts.length} restarts in ${this.#opts.restartWindowMs / 1000} s, giving up`));
      void this.close();
      return;
    }
    this.#restarts.push(now);
    this.safeEmit('restart', { reason });
    this.#spawn(false).catch((e: unknown) => {
      this.safeEmit('error', e instanceof Error ? e : new Error(String(e)));
      void this.close();
    });
  }

  #onLine(raw: string): void {
    if (this.#closed || raw.length > this.#opts.maxLineLength) return;
    const line = raw.trim();
    if (line === '') return;
    let text: string | undefined;
    let startMs: number | undefined;
    let endMs: number | undefined;
    let confidence: number | undefined;
    if (line.startsWith('{')) {
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        v = undefined;
      }
      if (typeof v !== 'object' || v === null || typeof (v as { text?: unknown }).text !== 'string') return;
      const o = v as { text: string; startMs?: unknown; endMs?: unknown; confidence?: unknown };
      text = o.text;
      const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : undefined);
      startMs = num(o.startMs);
      endMs = num(o.endMs);
      const c = num(o.confidence);
      if (c !== undefined && c <= 1) confidence = c;
    } else text = line;
    text = text.toLowerCase().replace(/\s+/g, ' ').trim();
    if (text === '') return;
    const baseMs = (this.#base / SPEECH_SAMPLE_RATE) * 1000;
    const nowMs = (this.#samples / SPEECH_SAMPLE_RATE) * 1000;
    const end = endMs !== undefined ? Math.min(nowMs, baseMs + endMs) : nowMs;
    const start = startMs !== undefined ? Math.min(end, baseMs + startMs) : end;
    const u: Utterance = { text, startMs: start, endMs: end, latencyMs: this.#latency(end) };
    if (confidence !== undefined) u.confidence = confidence;
    this.safeEmit('utterance', u);
  }

  /** Wall-clock ms since the audio at stream time `ms` was written. */
  #latency(ms: number): number {
    const sample = (ms / 1000) * SPEECH_SAMPLE_RATE;
    const hit = this.#clock.find(([s]) => s >= sample);
    return hit === undefined ? 0 : Math.max(0, performance.now() - hit[1]);
  }
}
