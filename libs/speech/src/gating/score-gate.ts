import type { Utterance } from '../recognizer/speech-recognizer';

/**
 * Confidence gate on the decoder's acoustic score per frame. A grammar forces any speech onto some
 * command, and a forced path through unrelated speech fits the audio worse: its average acoustic
 * score per 10 ms frame is lower. The default threshold is chosen on a development set (see the
 * README for how it does on commands and on unrelated sentences); utterances with no score pass
 * only when `passUnscored`.
 */
export class ScoreGate {
  #passed = 0;
  #dropped = 0;

  constructor(
    readonly minScorePerFrame: number,
    readonly passUnscored = false,
  ) {}

  process(u: Utterance): Utterance | undefined {
    const s = u.scorePerFrame;
    const ok = s === undefined ? this.passUnscored : s >= this.minScorePerFrame;
    if (ok) this.#passed++;
    else this.#dropped++;
    return ok ? u : undefined;
  }

  toJSON(): { passed: number; dropped: number; minScorePerFrame: number } {
    return { passed: this.#passed, dropped: this.#dropped, minScorePerFrame: this.minScorePerFrame };
  }
}
