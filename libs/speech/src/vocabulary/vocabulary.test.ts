import { describe, expect, it } from 'vitest';
import { MissingPronunciationError } from '../errors';
import { loadCmudict, parseDictionary, trimmedDictionary } from './dictionary';
import { grammarWords, parseJsgf, sampleSentence } from '@lfe/edit-language/jsgf';
import { intentOf, loadVocabulary, recognizerResources, withWakeWord } from './vocabulary';
import { seededRandom } from '../bench/metrics';

const FIXTURE = `#JSGF V1.0;
grammar fixture;
/* comment */
public <cmd> = <edit> [and <edit>] | undo | reset;
<edit> = [/2/ a bit | much] (bigger | smaller) eyes {tag} | (long | short)+ hair;
`;

describe('JSGF and dictionary', () => {
  it('lists the words and samples only sentences the grammar allows', () => {
    const g = parseJsgf(FIXTURE);
    expect(grammarWords(g)).toEqual(['a', 'and', 'bigger', 'bit', 'eyes', 'hair', 'long', 'much', 'reset', 'short', 'smaller', 'undo']);
    const rng = seededRandom(3);
    const re = /^((a bit |much )?(bigger|smaller) eyes|((long|short) ){1,2}hair)( and ((a bit |much )?(bigger|smaller) eyes|((long|short) ){1,2}hair))?$|^undo$|^reset$/;
    for (let i = 0; i < 200; i++) expect(sampleSentence(g, rng)).toMatch(re);
  });

  it('trims the dictionary to the grammar, keeping pronunciation variants', () => {
    const dict = trimmedDictionary(grammarWords(parseJsgf(FIXTURE)), loadCmudict());
    const parsed = parseDictionary(dict);
    expect([...parsed.keys()].sort()).toEqual(grammarWords(parseJsgf(FIXTURE)));
    expect(dict).toMatch(/^a\(2\) /m);
  });

  it('fails, naming the words, when a word has no pronunciation', () => {
    const g = FIXTURE.replace('undo', 'zzqxundo');
    expect(() => recognizerResources({ grammar: g, words: [] })).toThrow(MissingPronunciationError);
    try {
      recognizerResources({ grammar: g, words: ['blorptastic'] });
    } catch (e) {
      expect((e as MissingPronunciationError).words).toEqual(['blorptastic', 'zzqxundo']);
    }
  });

  it('wraps a grammar with an optional wake phrase', () => {
    const wrapped = withWakeWord(FIXTURE, 'hey mirror');
    const g = parseJsgf(wrapped);
    expect(g.publicRules).toEqual(['lfe_wake_utterance']);
    expect(grammarWords(g)).toContain('mirror');
  });
});

describe('vocabulary from @lfe/edit-language', () => {
  it('has a pronunciation for every word of the grammar and of speechWords()', async () => {
    const v = await loadVocabulary();
    const res = recognizerResources(v);
    const dictWords = new Set(parseDictionary(res.dictionary).keys());
    for (const w of [...v.words, ...grammarWords(parseJsgf(v.grammar))]) expect(dictWords.has(w.toLowerCase())).toBe(true);
  });

  it('every sampled grammar sentence parses to a command', async () => {
    const v = await loadVocabulary();
    const g = parseJsgf(v.grammar);
    const rng = seededRandom(11);
    for (let i = 0; i < 300; i++) expect(() => v.parse(sampleSentence(g, rng))).not.toThrow();
  });
});

describe('intent', () => {
  it('is the same for synonyms and degree words of one strength, and differs otherwise', async () => {
    const v = await loadVocabulary();
    expect(intentOf(v, 'add glasses')).toBe(intentOf(v, 'add eyeglasses'));
    expect(intentOf(v, 'very long hair')).toBe(intentOf(v, 'really long hair'));
    expect(intentOf(v, 'a bit bigger eyes')).toBe(intentOf(v, 'slightly bigger eyes'));
    expect(intentOf(v, 'undo')).toBe(intentOf(v, 'go back'));
    expect(intentOf(v, 'a bit bigger eyes')).not.toBe(intentOf(v, 'much bigger eyes'));
    expect(intentOf(v, 'add glasses')).not.toBe(intentOf(v, 'add sunglasses'));
    expect(intentOf(v, 'undo')).not.toBe(intentOf(v, 'redo'));
    expect(intentOf(v, 'blorp')).toBeUndefined();
  });
});
