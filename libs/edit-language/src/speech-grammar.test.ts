import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCommand } from './parser';
import { seededRandom } from './random-source';
import { speechGrammar, speechWords, spokenCommands } from './speech-grammar';
import { grammarRegExp, inGrammar, parseJsgf, sampleSentence } from './jsgf';
import { tokenize } from './tokenizer';

const grammar = speechGrammar();
const parsed = parseJsgf(grammar, { strict: true });
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
    for (let i = 0; i < 3000; i++) for (const w of sampleSentence(parsed, () => rng.next()).split(' ')) sampled.add(w);
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
      const s = sampleSentence(parsed, () => rng.next());
      expect(() => parseCommand(s), s).not.toThrow();
    }
  });

  const commands = spokenCommands();
  const meaning = (text: string): string => {
    const p = parseCommand(text);
    return JSON.stringify(p.kind === 'control' ? { action: p.action } : { edits: p.edits, identity: p.identity });
  };

  it('spoken commands: one phrase per meaning, each one control or exactly one edit', () => {
    const texts = commands.map((c) => c.text);
    expect(new Set(texts).size).toBe(texts.length);
    const meanings = texts.map(meaning);
    expect(new Set(meanings).size, 'two phrases say the same thing').toBe(meanings.length);
    for (const c of commands) {
      expect(c.text).toMatch(/^[a-z]+( [a-z]+)*$/);
      const p = parseCommand(c.text);
      expect(p.kind, c.text).toBe(c.kind);
      if (p.kind === 'edit') expect(p.edits, c.text).toHaveLength(1);
      // one-word commands are never chained: the decoder lets them absorb stray syllables
      if (c.text.split(' ').length === 1) expect(c.chainable, c.text).toBe(false);
      if (c.kind === 'control') expect(c.chainable).toBe(false);
    }
    for (const s of ['undo', 'redo', 'start over', 'wear glasses', 'long hair', 'a bit bigger eyes', 'remove the beard']) {
      expect(texts, s).toContain(s);
    }
  });

  it('every pair of chainable edits is in the grammar and parses to both edits, in order (exhaustive)', () => {
    const chain = commands.filter((c) => c.chainable);
    for (const a of chain) {
      expect(inGrammar(re, a.text), a.text).toBe(true);
      const [ea] = (parseCommand(a.text) as { edits: unknown[] }).edits;
      for (const b of chain) {
        const s = `${a.text} and ${b.text}`;
        expect(inGrammar(re, s), s).toBe(true);
        const p = parseCommand(s);
        if (p.kind !== 'edit') throw new Error(s);
        const [eb] = (parseCommand(b.text) as { edits: unknown[] }).edits;
        expect(p.edits, s).toEqual([ea, eb]);
      }
    }
  });

  it('accepts exactly one command or two chained edits: no fillers, no one-word edits in chains', () => {
    const rng = seededRandom(3);
    const singles = new Set(commands.map((c) => c.text));
    const chain = new Set(commands.filter((c) => c.chainable).map((c) => c.text));
    for (let i = 0; i < 2000; i++) {
      const s = sampleSentence(parsed, () => rng.next());
      const parts = s.split(' and ');
      if (parts.length === 1) expect(singles.has(s), s).toBe(true);
      else {
        expect(parts, s).toHaveLength(2);
        for (const p of parts) expect(chain.has(p), s).toBe(true);
      }
    }
    for (const s of ['please undo', 'long hair big eyes', 'smile and long hair', 'long hair and undo', 'very long hair', 'no glasses', 'bigger hair',
      'long hair and big eyes and add glasses', 'long hair then add glasses']) {
      expect(inGrammar(re, s), s).toBe(false);
    }
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
