import type { Utterance } from '../recognizer/speech-recognizer';

/**
 * Wake word: a command passes when it starts with the wake phrase ("mirror bigger eyes") or comes
 * within `windowMs` after an utterance that was only the wake phrase. The wake phrase is removed
 * from the text that passes. The grammar must accept `[wake] command` (see `withWakeWord`), and a
 * `ScoreGate` in front keeps forced matches of unrelated talk out.
 */
export class WakeWordGate {
  readonly #wake: string[];
  #armedUntil = -Infinity;
  #passed = 0;
  #dropped = 0;

  constructor(
    wakePhrase: string,
    readonly windowMs = 5000,
  ) {
    this.#wake = wakePhrase.trim().toLowerCase().split(/\s+/);
    if (this.#wake.length === 0 || this.#wake[0] === '') throw new TypeError('wake word: phrase must be non-empty');
  }

  process(u: Utterance): Utterance | undefined {
    const words = u.text.split(' ');
    const starts = this.#wake.every((w, i) => words[i] === w);
    if (starts && words.length === this.#wake.length) {
      this.#armedUntil = u.endMs + this.windowMs;
      this.#dropped++;
      return undefined;
    }
    if (starts) {
      this.#passed++;
      return { ...u, text: words.slice(this.#wake.length).join(' ') };
    }
    if (u.startMs <= this.#armedUntil) {
      this.#armedUntil = -Infinity;
      this.#passed++;
      return u;
    }
    this.#dropped++;
    return undefined;
  }

  toJSON(): { passed: number; dropped: number } {
    return { passed: this.#passed, dropped: this.#dropped };
  }
}
