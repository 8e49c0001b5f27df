import { SafeEmitter } from '@lfe/media';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { int16ToBytes, SPEECH_SAMPLE_RATE } from '../audio/pcm';
import { BadAudioError, InvalidStateError, RecognizerStartError } from '../errors';
import { isFiller, PocketsphinxOutputParser, type Hypothesis } from './pocketsphinx-output';
import { reportListenerError, type SpeechRecognizer, type SpeechRecognizerEvents, type Utterance } from './speech-recognizer';

/** Env overrides: the binary and the acoustic model directory. */
export const POCKETSPHINX_BIN_ENV = 'LFE_POCKETSPHINX_BIN';
export const POCKETSPHINX_HMM_ENV = 'LFE_POCKETSPHINX_HMM';
/** Temp folders of running recognisers: `<tmpdir>/lfe-speech-<pid>-XXXXXX`. */
export const SPEECH_DIR_PREFIX = 'lfe-speech-';

/**
 * Remove recogniser temp folders left by processes that are gone (a `kill -9` skips `close()`).
 * Folders of live processes (this one included) are kept; so are ones without a pid (older
 * versions), which nothing can tell apart from a live one. Returns the folders removed.
 */
export async function cleanStaleSpeechDirs(dir: string = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = new RegExp(`^${SPEECH_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    await rm(join(dir, name), { recursive: true, force: true }).then(
      () => removed.push(join(dir, name)),
      () => undefined,
    );
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}
const DEFAULT_BIN = 'pocketsphinx_continuous';
const DEFAULT_HMM = '/usr/share/pocketsphinx/model/en-us/en-us';

export interface PocketsphinxOptions {
  /** JSGF grammar text. */
  grammar: string;
  /** Pronunciation dictionary text (CMUdict format: `word PH ONES`, `word(2) ...`). */
  dictionary: string;
  /** Default: `$LFE_POCKETSPHINX_BIN`, else `pocketsphinx_continuous` on PATH. */
  binary?: string;
  /** Default: `$LFE_POCKETSPHINX_HMM`, else the Debian `pocketsphinx-en-us` model. */
  modelDir?: string;
  /**
   * Initial cepstral mean (13 values) for live CMN, or `'model'` to keep the acoustic model's own
   * (`feat.params`). The decoder ignores `-cmninit` on the command line when the model's
   * `feat.params` sets it, so the recogniser runs on an overlay of the model directory (links to
   * every file, a rewritten `feat.params`). Default: `DEFAULT_CMN_INIT` (see README: it fixes the
   * first utterance of a stream, which the model's value decoded wrongly).
   */
  cmnInit?: readonly number[] | 'model';
  /** Frames (10 ms) of silence that end an utterance. 22: the latency target (p95 ≤ 400 ms) for about a point at 14 dB SNR on the tuning seed (see README). */
  vadPostspeech?: number;
  /** Further `-name value` pairs for the decoder. */
  extraArgs?: readonly string[];
  /** Must be 16000: the model's rate. Anything else throws `BadAudioError`. */
  sampleRate?: number;
  /** Milliseconds clock for latency (default `performance.now`). */
  clock?: () => number;
  /** Restarts allowed within `restartWindowMs` after unexpected deaths before giving up (default 5). */
  maxRestarts?: number;
  /** The window `maxRestarts` counts in (default 60 s): a decoder that crashes now and then, hours apart, keeps being restarted. */
  restartWindowMs?: number;
  /** Audio kept for replay into a restarted process, since the last utterance (default 10 s). */
  replayMs?: number;
  /** Time allowed for the decoder to load (default 15 s). */
  startTimeoutMs?: number;
}

interface Chunk {
  start: number; // absolute sample index
  pcm: Int16Array;
  wallMs: number;
}

interface Engine {
  child: ChildProcess;
  parser: PocketsphinxOutputParser;
  /** Absolute sample index of this process's frame 0. */
  base: number;
  exited: Promise<void>;
  expectedExit: boolean;
  ready: boolean;
}

const FRAME_SAMPLES = SPEECH_SAMPLE_RATE / 100;

/**
 * Initial cepstral mean: the live CMN estimate the Debian en-us model converges to on our test
 * speech (espeak voices at −20 dBFS, measured on a tuning corpus between the −60 dB white floor
 * and 14 dB SNR pink noise). The model's own value (c0 = 41) is far from what any of them reached
 * (c0 54–66), so the first utterance of a stream was decoded against the wrong mean.
 */
export const DEFAULT_CMN_INIT: readonly number[] = [60, -2, -6, 8, -6, -1, -6, -9, -1, -3, 3, -4, -4];

/** A copy of the model directory made of symlinks, with `feat.params` rewritten to set `-cmninit`. */
async function overlayModel(modelDir: string, target: string, cmn: readonly number[]): Promise<string> {
  if (cmn.length !== 13 || cmn.some((x) => !Number.isFinite(x))) throw new TypeError('pocketsphinx: cmnInit must be 13 finite numbers');
  await mkdir(target);
  let params = '';
  for (const name of await readdir(modelDir)) {
    if (name === 'feat.params') params = await readFile(join(modelDir, name), 'utf8');
    else await symlink(join(modelDir, name), join(target, name));
  }
  const line = `-cmninit ${cmn.map((x) => String(x)).join(',')}`;
  const lines = params.split('\n').filter((l) => !l.startsWith('-cmninit') && l.trim() !== '');
  await writeFile(join(target, 'feat.params'), `${[...lines, line].join('\n')}\n`);
  return target;
}

/**
 * `pocketsphinx_continuous` as a streaming subprocess (one per session). The decoder reads raw
 * PCM from stdin through `cat` (it cannot read Node's stdin socket directly), writes its log and
 * hypotheses to one pipe, and is restarted, with the audio since the last utterance replayed,
 * if it dies; the stream clock and listeners survive the restart.
 */
export class PocketsphinxRecognizer extends SafeEmitter<SpeechRecognizerEvents> implements SpeechRecognizer {
  override onListenerError = reportListenerError;
  readonly #opts: Required<Omit<PocketsphinxOptions, 'binary' | 'modelDir' | 'extraArgs' | 'cmnInit'>> & {
    binary: string;
    modelDir: string;
    extraArgs: readonly string[];
  };
  readonly #dir: string;
  #engine: Engine | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  #ending: Promise<void> | undefined;
  #samplesWritten = 0;
  #lastUtteranceEnd = 0;
  #chunks: Chunk[] = [];
  /** Clock times of the recent unexpected deaths (the restart window). */
  #restartTimes: number[] = [];

  private constructor(opts: PocketsphinxOptions, dir: string) {
    super();
    this.#dir = dir;
    this.#opts = {
      grammar: opts.grammar,
      dictionary: opts.dictionary,
      binary: opts.binary ?? process.env[POCKETSPHINX_BIN_ENV] ?? DEFAULT_BIN,
      modelDir: opts.modelDir ?? process.env[POCKETSPHINX_HMM_ENV] ?? DEFAULT_HMM,
      vadPostspeech: opts.vadPostspeech ?? 22,
      extraArgs: opts.extraArgs ?? [],
      sampleRate: SPEECH_SAMPLE_RATE,
      clock: opts.clock ?? (() => performance.now()),
      maxRestarts: opts.maxRestarts ?? 5,
      restartWindowMs: opts.restartWindowMs ?? 60_000,
      replayMs: opts.replayMs ?? 10_000,
      startTimeoutMs: opts.startTimeoutMs ?? 15_000,
    };
  }

  /** Writes the grammar and dictionary to a private temp dir and starts the decoder; rejects with `RecognizerStartError`. */
  static async start(options: PocketsphinxOptions): Promise<PocketsphinxRecognizer> {
    const opts = { ...options };
    if (typeof opts.grammar !== 'string' || opts.grammar.trim() === '') throw new TypeError('pocketsphinx: grammar must be JSGF text');
    if (typeof opts.dictionary !== 'string' || opts.dictionary.trim() === '') {
      throw new TypeError('pocketsphinx: dictionary must be non-empty text');
    }
    if (opts.sampleRate !== undefined && opts.sampleRate !== SPEECH_SAMPLE_RATE) {
      throw new BadAudioError(`pocketsphinx: sample rate must be ${SPEECH_SAMPLE_RATE} Hz, got ${opts.sampleRate} (resample first)`);
    }
    // The pid in the name lets a later start remove what a killed process left (cleanStaleSpeechDirs).
    const dir = await mkdtemp(join(tmpdir(), `${SPEECH_DIR_PREFIX}${process.pid}-`));
    await writeFile(join(dir, 'grammar.gram'), opts.grammar);
    await writeFile(join(dir, 'words.dict'), opts.dictionary);
    const r = new PocketsphinxRecognizer(opts, dir);
    try {
      const cmn = opts.cmnInit ?? 'model';
      if (cmn !== 'model') {
        r.#opts.modelDir = await overlayModel(r.#opts.modelDir, join(dir, 'hmm'), cmn).catch((error: unknown) => {
          if (error instanceof TypeError) throw error;
          throw new RecognizerStartError(`pocketsphinx: cannot read the acoustic model '${r.#opts.modelDir}': ${error instanceof Error ? error.message : String(error)}`);
        });
      }
      await r.#spawn(0);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    return r;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get samplesWritten(): number {
    return this.#samplesWritten;
  }

  /** Samples queued in our pipe to the decoder (not yet read by it). */
  get bufferedSamples(): number {
    return (this.#engine?.child.stdin?.writableLength ?? 0) / 2;
  }

  /** Process id of the decoder's process group leader (for diagnostics and fault tests). */
  get pid(): number | undefined {
    return this.#engine?.child.pid;
  }

  write(pcm: Int16Array): void {
    if (this.#closed || this.#ending !== undefined) throw new InvalidStateError('pocketsphinx: write() after end() or close()');
    if (!(pcm instanceof Int16Array)) throw new TypeError('pocketsphinx: write() takes an Int16Array of 16 kHz mono samples');
    if (pcm.length === 0) return;
    const chunk: Chunk = { start: this.#samplesWritten, pcm: pcm.slice(), wallMs: this.#opts.clock() };
    this.#samplesWritten += pcm.length;
    this.#chunks.push(chunk);
    this.#trimChunks();
    this.#send(chunk.pcm);
  }

  end(): Promise<void> {
    if (this.#closed) return Promise.reject(new InvalidStateError('pocketsphinx: end() after close()'));
    this.#ending ??= (async () => {
      // Let a restart that is under way finish, so the final audio reaches a live decoder.
      for (;;) {
        const engine = this.#engine;
        if (engine === undefined) break;
        // A restarting engine ends its input itself once the replay is written.
        if (engine.ready) engine.child.stdin?.end();
        await engine.exited;
        if (this.#engine === engine || this.#closed) break;
      }
      await this.close();
    })();
    return this.#ending;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      const engine = this.#engine;
      this.#engine = undefined;
      if (engine !== undefined) await this.#stop(engine);
      await rm(this.#dir, { recursive: true, force: true });
      this.#chunks = [];
      this.safeEmit('close');
    })();
    return this.#closing;
  }

  #args(): string[] {
    const o = this.#opts;
    return [
      '-infile', '/dev/stdin',
      '-hmm', o.modelDir,
      '-jsgf', join(this.#dir, 'grammar.gram'),
      '-dict', join(this.#dir, 'words.dict'),
      '-samprate', String(o.sampleRate),
      '-vad_postspeech', String(o.vadPostspeech),
      '-backtrace', 'yes',
      ...o.extraArgs,
    ];
  }

  #spawn(base: number): Promise<void> {
    // `cat` turns Node's stdin socket into the plain pipe the decoder's fread() expects; `2>&1`
    // keeps the log and the hypotheses in order on one pipe. bash execs the decoder itself (so its
    // death is our child's exit, even while `cat` still waits for input); `detached` gives the
    // decoder and `cat` their own process group so that close() stops both.
    const child = spawn('bash', ['-c', 'exec "$0" "$@" 2>&1 < <(exec cat)', this.#opts.binary, ...this.#args()], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const parser = new PocketsphinxOutputParser();
    let resolveExit!: () => void;
    const engine: Engine = {
      child,
      parser,
      base,
      exited: new Promise<void>((r) => (resolveExit = r)),
      expectedExit: false,
      ready: false,
    };
    this.#engine = engine;
    child.stdin?.on('error', () => {
      // EPIPE when the decoder dies: the exit handler restarts it.
    });
    const shellErrors: string[] = [];
    child.stderr?.on('data', (d: Buffer) => {
      if (shellErrors.length < 20) shellErrors.push(d.toString('utf8').trim());
    });
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    return new Promise<void>((resolve, reject) => {
      let started = false;
      const timer = setTimeout(() => {
        if (started) return;
        engine.expectedExit = true;
        this.#kill(child, 'SIGKILL');
        reject(new RecognizerStartError(`pocketsphinx: decoder not ready after ${this.#opts.startTimeoutMs} ms`));
      }, this.#opts.startTimeoutMs);
      lines.on('line', (line) => {
        let hyp: Hypothesis | undefined;
        try {
          hyp = parser.line(line);
        } catch {
          return; // a malformed line is dropped, never thrown into the stream
        }
        if (!started && parser.ready) {
          started = true;
          engine.ready = true;
          clearTimeout(timer);
          resolve();
        }
        if (hyp !== undefined) this.#onHypothesis(engine, hyp);
      });
      const onGone = (code: number | null, signal: NodeJS.Signals | null, error?: Error): void => {
        clearTimeout(timer);
        // The decoder is gone; end its `cat` too (same process group).
        child.stdin?.destroy();
        killGroup(child, 'SIGTERM');
        resolveExit();
        if (!started) {
          const why = error?.message ?? `exit code ${String(code)}${signal === null ? '' : ` (${signal})`}`;
          const detail = [...shellErrors, ...parser.recentLog.filter((l) => /ERROR|FATAL/.test(l))].slice(-5).join(' | ');
          reject(new RecognizerStartError(`pocketsphinx: '${this.#opts.binary}' failed to start: ${why}${detail ? `: ${detail}` : ''}`));
          return;
        }
        if (engine.expectedExit || this.#closed || this.#engine !== engine) return;
        if (this.#ending !== undefined && code === 0) return; // normal end of input
        this.#onUnexpectedExit(`decoder exited (code ${String(code)}, signal ${String(signal)})`);
      };
      child.on('error', (error) => onGone(null, null, error));
      // 'close' (not 'exit'): every line of output has been read by then.
      child.on('close', (code, signal) => onGone(code, signal));
    });
  }

  #onUnexpectedExit(reason: string): void {
    const now = this.#opts.clock();
    this.#restartTimes = this.#restartTimes.filter((t) => now - t < this.#opts.restartWindowMs);
    this.#restartTimes.push(now);
    if (this.#restartTimes.length > this.#opts.maxRestarts) {
      this.safeEmit('error', new RecognizerStartError(`pocketsphinx: gave up after ${this.#opts.maxRestarts} restarts within ${Math.round(this.#opts.restartWindowMs / 1000)} s (${reason})`));
      void this.close();
      return;
    }
    this.safeEmit('restart', { reason });
    // Replay exactly the audio after the last emitted utterance, so nothing is recognised twice.
    const from = this.#lastUtteranceEnd;
    const replay = this.#chunks
      .filter((c) => c.start + c.pcm.length > from)
      .map((c) => (c.start >= from ? c.pcm : c.pcm.subarray(from - c.start)));
    const first = this.#chunks.find((c) => c.start + c.pcm.length > from);
    const base = first === undefined ? this.#samplesWritten : Math.max(first.start, from);
    this.#spawn(base).then(
      () => {
        if (this.#closed) return;
        for (const pcm of replay) this.#send(pcm);
        if (this.#ending !== undefined) this.#engine?.child.stdin?.end();
      },
      (error: unknown) => {
        if (this.#closed) return;
        this.safeEmit('error', error instanceof Error ? error : new RecognizerStartError(String(error)));
        void this.close();
      },
    );
  }

  #send(pcm: Int16Array): void {
    const stdin = this.#engine?.child.stdin;
    if (stdin === undefined || stdin === null || stdin.destroyed) return;
    // Bounded: a decoder that stops reading for more than ~30 s of audio is treated as hung.
    if (stdin.writableLength > 30 * SPEECH_SAMPLE_RATE * 2) {
      this.#kill(this.#engine!.child, 'SIGKILL');
      return;
    }
    stdin.write(int16ToBytes(pcm));
  }

  #trimChunks(): void {
    const keepFrom = Math.max(this.#lastUtteranceEnd, this.#samplesWritten - (this.#opts.replayMs * SPEECH_SAMPLE_RATE) / 1000);
    let drop = 0;
    while (drop < this.#chunks.length - 1) {
      const c = this.#chunks[drop]!;
      if (c.start + c.pcm.length > keepFrom) break;
      drop++;
    }
    if (drop > 0) this.#chunks.splice(0, drop);
  }

  #onHypothesis(engine: Engine, hyp: Hypothesis): void {
    if (this.#closed) return;
    const now = this.#opts.clock();
    const words = hyp.segments.filter((s) => !isFiller(s.word));
    const msPerFrame = 10;
    const baseMs = (engine.base * 1000) / SPEECH_SAMPLE_RATE;
    const first = words[0];
    const last = words[words.length - 1];
    let startMs: number;
    let endMs: number;
    if (first !== undefined && last !== undefined) {
      startMs = baseMs + first.startFrame * msPerFrame;
      endMs = baseMs + (last.endFrame + 1) * msPerFrame;
    } else {
      startMs = baseMs;
      endMs = (this.#samplesWritten * 1000) / SPEECH_SAMPLE_RATE;
    }
    const segs = hyp.segments;
    const spanEnd = segs.length > 0 ? engine.base + (segs[segs.length - 1]!.endFrame + 1) * FRAME_SAMPLES : this.#samplesWritten;
    this.#lastUtteranceEnd = Math.max(this.#lastUtteranceEnd, Math.min(spanEnd, this.#samplesWritten));
    const endSample = (endMs * SPEECH_SAMPLE_RATE) / 1000;
    const chunk = this.#chunks.find((c) => c.start + c.pcm.length >= endSample) ?? this.#chunks[0];
    const utterance: Utterance = {
      text: hyp.text.toLowerCase(),
      startMs,
      endMs,
      latencyMs: chunk === undefined ? 0 : Math.max(0, now - chunk.wallMs),
    };
    if (segs.length > 0) {
      const frames = segs.reduce((n, s) => n + s.endFrame - s.startFrame + 1, 0);
      utterance.scorePerFrame = segs.reduce((n, s) => n + s.acousticScore, 0) / Math.max(1, frames);
      utterance.words = words.map((w) => ({
        word: w.word.toLowerCase(),
        startMs: baseMs + w.startFrame * msPerFrame,
        endMs: baseMs + (w.endFrame + 1) * msPerFrame,
      }));
    }
    this.#trimChunks();
    this.safeEmit('utterance', utterance);
  }

  #kill(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, signal);
  }

  async #stop(engine: Engine): Promise<void> {
    engine.expectedExit = true;
    engine.child.stdin?.destroy();
    this.#kill(engine.child, 'SIGTERM');
    const timer = setTimeout(() => this.#kill(engine.child, 'SIGKILL'), 2000);
    await engine.exited;
    clearTimeout(timer);
  }
}

/** Signals the process group our detached child leads (the decoder and its `cat`). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
