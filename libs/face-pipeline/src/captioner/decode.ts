import * as tf from '@tensorflow/tfjs';
import { END_ID, PAD_ID, START_ID, UNK_ID } from '@lfe/edit-language';
import type { LstmState } from './lstm-cell';

/**
 * One decoder step over N rows: row i belongs to image `rows[i]`, read `tokens[i]` and had LSTM
 * state row i. Returns log p(· | …) [N, V] and the new state; the caller disposes both.
 */
export type DecodeStep = (rows: number[], tokens: number[], state: LstmState) => { logProbs: tf.Tensor2D; state: LstmState };

export interface Hypothesis {
  /** Word ids, without `<start>`/`<end>`. */
  ids: number[];
  /** Σ log p of the ids and of `<end>`. */
  logProb: number;
  ended: boolean;
}

/** Never generated: they are not caption words (`<pad>` is masked out of training, `<start>` only read, `<unk>` unparseable). */
const BANNED = new Set([PAD_ID, START_ID, UNK_ID]);

function zeroState(n: number, hidden: number): LstmState {
  return { h: tf.zeros([n, hidden]), c: tf.zeros([n, hidden]) };
}

function disposeState(s: LstmState): void {
  tf.dispose([s.h, s.c]);
}

/** Most probable allowed token of row r of a flat [N, V] array (at the last step only `<end>`). */
function bestToken(lp: Float32Array | Int32Array | Uint8Array, r: number, v: number, forceEnd: boolean): number {
  if (forceEnd) return END_ID;
  let best = -1;
  let bestLp = -Infinity;
  for (let j = 0; j < v; j++) {
    if (BANNED.has(j)) continue;
    const x = lp[r * v + j]!;
    if (x > bestLp) {
      bestLp = x;
      best = j;
    }
  }
  return best;
}

/** Greedy decoding of `b` images at once; every row steps until all have ended (at most maxLength + 1 steps). */
export function greedySearch(step: DecodeStep, b: number, hidden: number, maxLength: number): Hypothesis[] {
  const rows = [...Array(b).keys()];
  const out: Hypothesis[] = rows.map(() => ({ ids: [], logProb: 0, ended: false }));
  const done = Array<boolean>(b).fill(false);
  let tokens = Array<number>(b).fill(START_ID);
  let state = zeroState(b, hidden);
  try {
    for (let t = 0; t <= maxLength && done.some((d) => !d); t++) {
      const r = step(rows, tokens, state);
      disposeState(state);
      state = r.state;
      const lp = r.logProbs.dataSync();
      const v = r.logProbs.shape[1];
      r.logProbs.dispose();
      tokens = rows.map((i) => {
        if (done[i]) return END_ID;
        const tok = bestToken(lp, i, v, t === maxLength);
        const h = out[i]!;
        h.logProb += lp[i * v + tok]!;
        if (tok === END_ID) {
          done[i] = true;
          h.ended = t < maxLength;
        } else h.ids.push(tok);
        return tok;
      });
    }
    return out;
  } finally {
    disposeState(state);
  }
}

interface Alive {
  image: number;
  ids: number[];
  logProb: number;
}

/**
 * Beam search: per image, the `k` best unfinished prefixes by Σ log p; a prefix that takes `<end>`
 * is finished. An image stops when its best finished caption scores at least its best unfinished
 * prefix (log p only falls as a prefix grows) or at maxLength, where `<end>` is forced.
 */
export function beamSearch(step: DecodeStep, b: number, hidden: number, maxLength: number, k: number): Hypothesis[] {
  let alive: Alive[] = [...Array(b).keys()].map((image) => ({ image, ids: [], logProb: 0 }));
  const finished: Array<Hypothesis | null> = Array<Hypothesis | null>(b).fill(null);
  let state = zeroState(b, hidden);
  try {
    for (let t = 0; t <= maxLength && alive.length > 0; t++) {
      const r = step(
        alive.map((a) => a.image),
        alive.map((a) => (a.ids.length === 0 ? START_ID : a.ids[a.ids.length - 1]!)),
        state,
      );
      const lp = r.logProbs.dataSync();
      const v = r.logProbs.shape[1];
      r.logProbs.dispose();
      const forceEnd = t === maxLength;
      const next: Alive[] = [];
      const parents: number[] = [];
      for (let image = 0; image < b; image++) {
        const cands: Array<{ row: number; tok: number; score: number }> = [];
        alive.forEach((a, row) => {
          if (a.image !== image) return;
          for (let tok = 0; tok < v; tok++) {
            if (BANNED.has(tok) || (forceEnd && tok !== END_ID)) continue;
            cands.push({ row, tok, score: a.logProb + lp[row * v + tok]! });
          }
        });
        cands.sort((x, y) => y.score - x.score);
        let kept = 0;
        for (const c of cands) {
          if (kept >= k) break;
          const a = alive[c.row]!;
          if (c.tok === END_ID) {
            const f = finished[image];
            if (f === null || f === undefined || c.score > f.logProb) finished[image] = { ids: [...a.ids], logProb: c.score, ended: !forceEnd };
          } else {
            next.push({ image, ids: [...a.ids, c.tok], logProb: c.score });
            parents.push(c.row);
            kept++;
          }
        }
      }
      // Drop images whose best finished caption can no longer be beaten.
      const keep = next.map((a) => {
        const f = finished[a.image];
        return f === null || f === undefined || a.logProb > f.logProb;
      });
      alive = next.filter((_, i) => keep[i]);
      const idx = parents.filter((_, i) => keep[i]);
      const old = r.state;
      disposeState(state);
      state = idx.length > 0 ? tf.tidy(() => ({ h: tf.gather(old.h, idx), c: tf.gather(old.c, idx) })) : zeroState(0, hidden);
      disposeState(old);
    }
    return finished.map((f, i) => {
      if (f === null || f === undefined) throw new Error(`beam search: image ${i} has no finished caption`);
      return f;
    });
  } finally {
    disposeState(state);
  }
}
