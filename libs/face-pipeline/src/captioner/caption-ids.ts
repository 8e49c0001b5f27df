import * as tf from '@tensorflow/tfjs';
import { END_ID, PAD_ID, VOCABULARY_SIZE, encodeTokens, tokenize } from '@lfe/edit-language';

/**
 * The captioner's target layout: one row per caption, the caption's token ids, then `<end>`, then
 * `<pad>` up to the batch's length. `<start>` is never stored: the decoder prepends it.
 */
export function captionIds(text: string | readonly string[]): number[] {
  const tokens = typeof text === 'string' ? tokenize(text) : text;
  return [...encodeTokens(tokens), END_ID];
}

/** Pad rows made by `captionIds` into an int32 [B, T] tensor (T = longest row unless given). */
export function padCaptionIds(rows: readonly (readonly number[])[], length?: number): tf.Tensor2D {
  if (rows.length === 0) throw new TypeError('captioner: no captions');
  const t = length ?? Math.max(...rows.map((r) => r.length));
  const out = new Int32Array(rows.length * t).fill(PAD_ID);
  rows.forEach((r, i) => {
    if (r.length > t) throw new TypeError(`captioner: caption ${i} has ${r.length} ids, longer than ${t}`);
    r.forEach((id, j) => {
      if (!Number.isInteger(id) || id < 0 || id >= VOCABULARY_SIZE) throw new TypeError(`captioner: caption ${i} has id ${id} outside the vocabulary`);
      out[i * t + j] = id;
    });
  });
  return tf.tensor2d(out, [rows.length, t], 'int32');
}
