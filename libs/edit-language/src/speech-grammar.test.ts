import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { editCommandFor, randomEdits } from './captions';
import { canonicalEdit } from './edit';
import { parseCommand } from './parser';
import { seededRandom } from './random-source';
import { speechGrammar, speechWords } from './speech-grammar';
import { grammarRegExp, inGrammar, parseGrammar, sampleSentence } from './testing/jsgf';
import { randomFace } from './testing/random-face';
import { tokenize } from './tokenizer';

const grammar = speechGrammar();
const parsed = parseGrammar(grammar);
const re = grammarRegExp(parsed);

describe('speechGrammar', () => {
  it('is well-formed JSGF with one public <command> rule', () => {
    expect(grammar.startsWith('#JSGF V1.0;\n')).toBe(true);
    expect(parsed.publicRules).toEqual(['command']);
    const opens = (c: string): number => grammar.split(c).length - 1;
    expect(opens('(')).toBe(opens(')'));
    expect(opens('[')).toBe(opens(']'));
    expect(opens('<')).toBe(opens('>'));
    expect(grammar).not.toMatch(/[^\x20-\x7e\n]/); // plain ASCII: pocketsphinx reads bytes
  });

  it('mentions every word of speechWords(), and speechWords() lists every word it uses', () => {
    const words = speechWords();
    expect(words).toEqual([...words].sort());
    for (const w of words) expect(grammar, w).toMatch(new RegExp(`(^|[\\s(|\\[])${w}($|[\\s)|\\];])`, 'm'));
    const sampled = new Set<string>();
    const rng = seededRandom(1);
    for (let i = 0; i < 3000; i++) for (const w of sampleSentence(parsed, rng).split(' ')) sampled.add(w);
    for (const w of sampled) expect(words, w).toContain(w);
  });

  it('uses only plain lowercase words that the parser knows', () => {
    for (const w of speechWords()) {
      expect(w).toMatch(/^[a-z]+$/);
      expect(tokenize(w)).toEqual([w]);
    }
  });

  it('every sentence it can produce parses (2,000 samples)', () => {
    const rng = seededRandom(2);
    for (let i = 0; i < 2000; i++) {
      const s = sampleSentence(parsed, rng);
      expect(() => parseCommand(s), s).not.toThrow();
    }
  });

  /** How a speaker says a typed command: a list comma becomes "and". */
  const spoken = (text: string): string => text.replace(/, (and |then )?/g, (_, w: string | undefined) => ` ${w ?? 'and '}`);

  it('accepts every English command the caption grammar generates, commas said as "and" (500 commands)', () => {
    const rng = seededRandom(3);
    for (let i = 0; i < 500; i++) {
      const face = randomFace(rng);
      const edits = randomEdits(face.attributes, rng, 3);
      const text = spoken(editCommandFor(face, edits, rng, 'en'));
      expect(inGrammar(re, text), text).toBe(true);
      const parsedText = parseCommand(text);
      if (parsedText.kind !== 'edit') throw new Error(text);
      const key = (e: { attribute: string }): string => e.attribute;
      expect([...parsedText.edits].sort((a, b) => key(a).localeCompare(key(b))), text).toEqual(
        edits.map(canonicalEdit).sort((a, b) => key(a).localeCompare(key(b))),
      );
    }
    for (const s of ['undo', 'please reset', 'start over', 'long hair and big eyes', 'remove the beard', 'make the hair a bit longer', 'no glasses']) {
      expect(inGrammar(re, s), s).toBe(true);
    }
    expect(inGrammar(re, 'bigger hair')).toBe(false);
    expect(inGrammar(re, 'long hair big eyes')).toBe(false); // edits are joined by "and" / "then"
  });

  // A real part: the pronunciation dictionary pocketsphinx ships (Debian pocketsphinx-en-us).
  const dict = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';
  it.skipIf(!existsSync(dict))('every word is in the CMU pronunciation dictionary', () => {
    const known = new Set(
      readFileSync(dict, 'utf8')
        .split('\n')
        .map((l) => l.split(/\s/)[0]?.replace(/\(\d+\)$/, '') ?? ''),
    );
    expect(speechWords().filter((w) => !known.has(w))).toEqual([]);
  });
});
