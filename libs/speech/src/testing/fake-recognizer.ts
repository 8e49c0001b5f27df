import { SafeEmitter } from '@lfe/media';
import { SPEECH_SAMPLE_RATE } from '../audio/pcm';
import { InvalidStateError } from '../errors';
import { reportListenerError, type SpeechRecognizer, type SpeechRecognizerEvents, type Utterance } from '../recognizer/speech-recognizer';

export interface ScriptedUtterance {
  /** Emitted once the stream clock (samples written) passes this time. */
  atMs: number;
  text: string;
  confidence?: number;
  scorePerFrame?: number;
}

/**
 * A recogniser for other libs' tests: no process, no audio analysis. It "hears" a script of
 * utterances keyed on the stream clock, or whatever `say()` is told, with the real class's
 * lifetime rules (write after close throws, close runs once).
 */
export class FakeRecognizer extends SafeEmitter<SpeechRecognizerEvents> implements SpeechRecognizer {
  override onListenerError = reportListenerError;
  #closed = false;
  #closing: Promise<void> | undefined;
  #samples = 0;
  readonly #script: ScriptedUtterance[];

  constructor(script: readonly ScriptedUtterance[] = [], readonly latencyMs = 0) {
    super();
    this.#script = [...script].sort((a, b) => a.atMs - b.atMs);
  }

  get closed(): boolean {
    return this.#closed;
  }

  get samplesWritten(): number {
    return this.#samples;
  }

  write(pcm: Int16Array): void {
    if (this.#closed) throw new InvalidStateError('fake recognizer: write() after close()');
    if (!(pcm instanceof Int16Array)) throw new TypeError('fake recognizer: write() takes an Int16Array');
    this.#samples += pcm.length;
    const nowMs = (this.#samples * 1000) / SPEECH_SAMPLE_RATE;
    while (this.#script.length > 0 && (this.#script[0]?.atMs ?? Infinity) <= nowMs) {
      const s = this.#script.shift()!;
      this.#emit(s, s.atMs);
    }
  }

  /** Emits an utterance now (at the current stream time). */
  say(text: string, extra: Partial<Omit<ScriptedUtterance, 'text' | 'atMs'>> = {}): void {
    if (this.#closed) throw new InvalidStateError('fake recognizer: say() after close()');
    this.#emit({ text, atMs: (this.#samples * 1000) / SPEECH_SAMPLE_RATE, ...extra }, (this.#samples * 1000) / SPEECH_SAMPLE_RATE);
  }

  /** Simulates an engine restart (the real one replays audio and carries on). */
  /** The recogniser reports an error (e.g. a RecognizerStartError when it gives up). */
  fail(error: Error): void {
    this.safeEmit('error', error);
  }

  crash(): void {
    this.safeEmit('restart', { reason: 'fake crash' });
  }

  async end(): Promise<void> {
    if (this.#closed) throw new InvalidStateError('fake recognizer: end() after close()');
    for (const s of this.#script.splice(0)) this.#emit(s, s.atMs);
    await this.close();
  }

  close(): Promise<void> {
    this.#closing ??= Promise.resolve().then(() => {
      this.#closed = true;
      this.safeEmit('close');
    });
    this.#closed = true;
    return this.#closing;
  }

  #emit(s: ScriptedUtterance, endMs: number): void {
    const words = s.text.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
    if (words.length === 0) return;
    const u: Utterance = { text: words.join(' '), startMs: Math.max(0, endMs - 300 * words.length), endMs, latencyMs: this.latencyMs };
    if (s.confidence !== undefined) u.confidence = s.confidence;
    if (s.scorePerFrame !== undefined) u.scorePerFrame = s.scorePerFrame;
    this.safeEmit('utterance', u);
  }
}
