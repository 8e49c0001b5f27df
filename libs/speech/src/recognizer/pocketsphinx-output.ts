/**
 * Parser for the merged stdout+stderr of `pocketsphinx_continuous -backtrace yes`. Pure: it is fed
 * lines and returns hypotheses, so it is tested on captured output without a process.
 *
 * The child writes its log (unbuffered stderr) before printing and flushing the hypothesis on
 * stdout; with `2>&1` both arrive in that order on one pipe: a log line
 * `INFO: pocketsphinx.c(N): <hyp> (<score>)`, a backtrace table (word, start and end frame, posterior,
 * acoustic and language score), then the plain hypothesis line, which completes the record.
 */

export interface BacktraceWord {
  word: string;
  startFrame: number;
  endFrame: number;
  acousticScore: number;
}

export interface Hypothesis {
  text: string;
  /** Path score reported by the decoder, when the backtrace was seen. */
  score?: number;
  /** All segments including fillers (`<sil>`, `[NOISE]`), when the backtrace was seen. */
  segments: BacktraceWord[];
}

const LOG = /^(INFO|ERROR|WARN|WARNING|FATAL|FATAL_ERROR|SYSTEM_ERROR|DEBUG)(:|\s)/;
const HYP_LOG = /^INFO: pocketsphinx\.c\(\d+\): (.*) \((-?\d+)\)$/;
const TABLE_HEADER = /^word\s+start\s+end\s+pprob/;
const TABLE_ROW = /^(\S+)\s+(-?\d+)\s+(-?\d+)\s+(-?[\d.]+(?:e[-+]?\d+)?)\s+(-?\d+)\s+(-?\d+)\s+(-?\d+)\s*$/;
const READY = /pocketsphinx_continuous COMPILED ON/;
// `(null)` rows are the grammar's null transitions, which the backtrace lists as zero-length words.
const FILLER = /^(<.*>|\[.*\]|\+\+.*\+\+|\(null\))$/;

/** `glasses(2)` → `glasses`: alternate pronunciations are the same word. */
export function baseWord(word: string): string {
  return word.replace(/\(\d+\)$/, '');
}

export function isFiller(word: string): boolean {
  return FILLER.test(word);
}

export class PocketsphinxOutputParser {
  #ready = false;
  #pending: Hypothesis | undefined;
  /** The last log lines, for start-failure messages (bounded). */
  readonly recentLog: string[] = [];

  get ready(): boolean {
    return this.#ready;
  }

  /** Feeds one line; returns a hypothesis when the line completes one. */
  line(raw: string): Hypothesis | undefined {
    const line = raw.replace(/\r$/, '');
    if (LOG.test(line)) {
      this.recentLog.push(line);
      if (this.recentLog.length > 20) this.recentLog.shift();
      if (READY.test(line)) this.#ready = true;
      const m = HYP_LOG.exec(line);
      if (m !== null) this.#pending = { text: (m[1] ?? '').trim(), score: Number(m[2]), segments: [] };
      return undefined;
    }
    // Before readiness the child dumps its configuration; nothing there is a hypothesis.
    if (!this.#ready) return undefined;
    if (TABLE_HEADER.test(line)) return undefined;
    const row = TABLE_ROW.exec(line);
    if (row !== null && this.#pending !== undefined) {
      this.#pending.segments.push({
        word: baseWord(row[1] ?? ''),
        startFrame: Number(row[2]),
        endFrame: Number(row[3]),
        acousticScore: Number(row[5]),
      });
      return undefined;
    }
    const text = line.trim().replace(/\s+/g, ' ');
    const pending = this.#pending;
    this.#pending = undefined;
    if (text === '') return undefined; // an utterance with no words
    if (pending !== undefined && pending.text.replace(/\s+/g, ' ') === text) return { ...pending, text };
    return { text, segments: [] };
  }
}
