import type { SafeEmitter } from '@lfe/media';

/** One recognised word, times in milliseconds of the recogniser's input stream. */
export interface RecognizedWord {
  word: string;
  startMs: number;
  endMs: number;
}

/** One utterance: what was said between two pauses. */
export interface Utterance {
  /** Recognised words joined by single spaces, lower case. Never empty. */
  text: string;
  /** Stream time (ms since the first sample written) where the first word starts. */
  startMs: number;
  /** Stream time where the last word ends. */
  endMs: number;
  /** Wall-clock time from writing the audio at `endMs` to this event (meaningful when fed in real time). */
  latencyMs: number;
  /** In [0, 1] when the recogniser can say how sure it is. */
  confidence?: number;
  /** Average acoustic log score per 10 ms frame over the utterance (pocketsphinx units; higher is better). */
  scorePerFrame?: number;
  words?: RecognizedWord[];
}

export interface SpeechRecognizerEvents extends Record<string, unknown[]> {
  utterance: [Utterance];
  /** The engine died and was restarted; the session (stream time, listeners) carries on. */
  restart: [{ reason: string }];
  /** A failure the recogniser could not recover from; it closes itself after emitting this. */
  error: [Error];
  close: [];
}

/**
 * Streaming speech recogniser: feed 16 kHz mono signed 16-bit PCM in chunks of any size, receive
 * `utterance` events. `close()` runs once; `write()` after close throws `InvalidStateError`.
 */
export interface SpeechRecognizer extends SafeEmitter<SpeechRecognizerEvents> {
  readonly closed: boolean;
  /** Samples written so far (the stream clock: ms = samples / 16). */
  readonly samplesWritten: number;
  /** Samples written but not yet taken by the engine (for flow control when feeding faster than real time). */
  readonly bufferedSamples?: number;
  write(pcm: Int16Array): void;
  /** End of input: resolves once every utterance in the written audio has been emitted; then closes. */
  end(): Promise<void>;
  close(): Promise<void>;
}

/** How @lfe/speech's recognizers report a listener that threw (their `onListenerError`). */
export function reportListenerError(error: unknown, event: string): void {
  process.stderr.write(`speech: a '${event}' listener threw: ${String(error)}\n`);
}
