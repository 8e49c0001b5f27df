import { describe, expect, it } from 'vitest';
import { EN_WORDS, PUNCTUATION, ZH_WORDS } from './lexicon';
import {
  END_ID,
  PAD_ID,
  START_ID,
  UNK,
  UNK_ID,
  VOCABULARY,
  VOCABULARY_FINGERPRINT,
  VOCABULARY_SIZE,
  decodeIds,
  encodeTokens,
  tokenId,
} from './vocabulary';

describe('VOCABULARY', () => {
  it('starts with the special tokens at fixed ids', () => {
    expect(VOCABULARY.slice(0, 4)).toEqual(['<pad>', '<start>', '<end>', '<unk>']);
    expect([PAD_ID, START_ID, END_ID, UNK_ID]).toEqual([0, 1, 2, 3]);
    expect(VOCABULARY_SIZE).toBe(VOCABULARY.length);
  });

  it('has no duplicates and holds every English word, Chinese word and punctuation token', () => {
    expect(new Set(VOCABULARY).size).toBe(VOCABULARY.length);
    const vocab = new Set(VOCABULARY);
    for (const w of [...EN_WORDS, ...ZH_WORDS.keys(), ...PUNCTUATION.keys()]) expect(vocab.has(w), w).toBe(true);
    expect(VOCABULARY.length).toBe(4 + EN_WORDS.size + ZH_WORDS.size + PUNCTUATION.size);
    for (const w of ['long', 'hair', 'undo', 'glasses', '长', '头发', '撤销', '眼镜', '微笑', '金']) expect(vocab.has(w), w).toBe(true);
  });

  it('is frozen and fingerprinted', () => {
    expect(Object.isFrozen(VOCABULARY)).toBe(true);
    expect(VOCABULARY_FINGERPRINT).toMatch(/^[0-9a-f]{8}$/);
  });

  it('encodes and decodes, unknown tokens as <unk>', () => {
    const tokens = ['a', 'woman', 'with', 'long', 'hair', '大', '眼睛'];
    const ids = encodeTokens(tokens);
    expect(ids.every((id) => id > UNK_ID && id < VOCABULARY_SIZE)).toBe(true);
    expect(decodeIds(ids)).toEqual(tokens);
    expect(tokenId('definitely-not-a-word')).toBe(UNK_ID);
    expect(decodeIds([VOCABULARY_SIZE, -1])).toEqual([UNK, UNK]);
  });
});
