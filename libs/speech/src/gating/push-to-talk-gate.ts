import type { Utterance } from '../recognizer/speech-recognizer';

/**
 * Push-to-talk: only utterances that overlap a pressed interval pass. The recogniser keeps hearing
 * everything (its VAD and stream clock stay stable); the gate decides afterwards. Times are stream
 * milliseconds, passed in explicitly.
 */
export class PushToTalkGate {
  readonly #intervals: { start: number; end: number }[] = [];
  #pressedAt: number | undefined;
  #passed = 0;
  #dropped = 0;

  /** How long after release an utterance may still start (the button is released a bit early). */
  constructor(readonly releaseGraceMs = 300) {}

  press(streamMs: number): void {
    this.#pressedAt ??= streamMs;
  }

  release(streamMs: number): void {
    if (this.#pressedAt === undefined) return;
    this.#intervals.push({ start: this.#pressedAt, end: streamMs + this.releaseGraceMs });
    this.#pressedAt = undefined;
    if (this.#intervals.length > 64) this.#intervals.shift();
  }

  get pressed(): boolean {
    return this.#pressedAt !== undefined;
  }

  process(u: Utterance): Utterance | undefined {
    const ok =
      (this.#pressedAt !== undefined && u.endMs >= this.#pressedAt) ||
      this.#intervals.some((i) => u.startMs <= i.end && u.endMs >= i.start);
    if (ok) this.#passed++;
    else this.#dropped++;
    return ok ? u : undefined;
  }

  toJSON(): { passed: number; dropped: number; pressed: boolean } {
    return { passed: this.#passed, dropped: this.#dropped, pressed: this.pressed };
  }
}
