/**
 * The text encoder's vocabulary: the K of the FOFE one-hot code and the captioner's output classes.
 * It holds every token `tokenize` can return (so every caption and command), English and Chinese.
 * Order is fixed (specials, punctuation, English sorted, Chinese sorted): models store
 * `VOCABULARY_FINGERPRINT` and must refuse a vocabulary that differs from the one they learned.
 */
import { EN_WORDS, PUNCTUATION, ZH_WORDS } from './lexicon';

export const PAD = '<pad>';
export const START = '<start>';
export const END = '<end>';
export const UNK = '<unk>';

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const VOCABULARY: readonly string[] = Object.freeze([
  PAD,
  START,
  END,
  UNK,
  ...PUNCTUATION.keys(),
  ...[...EN_WORDS].sort(byCodePoint),
  ...[...ZH_WORDS.keys()].sort(byCodePoint),
]);

export const VOCABULARY_SIZE = VOCABULARY.length;
export const PAD_ID = 0;
export const START_ID = 1;
export const END_ID = 2;
export const UNK_ID = 3;

const ids = new Map(VOCABULARY.map((t, i) => [t, i]));

/** The id of a token; `UNK_ID` for a token outside the vocabulary. */
export function tokenId(token: string): number {
  return ids.get(token) ?? UNK_ID;
}

/** Token ids, one per token (no `<start>`/`<end>`: the captioner adds those itself). */
export function encodeTokens(tokens: readonly string[]): number[] {
  return tokens.map(tokenId);
}

/** Ids back to tokens; an id outside the vocabulary becomes `<unk>`. */
export function decodeIds(idList: readonly number[]): string[] {
  return idList.map((id) => VOCABULARY[id] ?? UNK);
}

/** FNV-1a of the token list: changes whenever a token is added, removed or moved. */
export const VOCABULARY_FINGERPRINT: string = ((): string => {
  let h = 0x811c9dc5;
  for (const ch of VOCABULARY.join('\n')) {
    h ^= ch.codePointAt(0) ?? 0;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
})();
