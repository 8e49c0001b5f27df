import { describe, expect, it } from 'vitest';
import { editCommandFor, randomEdits } from './captions';
import type { Edit } from './edit';
import { canonicalEdit } from './edit';
import { CommandError, InputTooLongError, InvalidCommandError, UnknownWordError } from './errors';
import type { ParsedCommand } from './parser';
import { parseCommand } from './parser';
import { seededRandom } from './random-source';
import { randomFace } from './testing/random-face';
import { VOCABULARY } from './vocabulary';

function edits(text: string): Edit[] {
  const p = parseCommand(text);
  if (p.kind !== 'edit') throw new Error(`expected edits from ${text}`);
  return p.edits;
}
const set = (attribute: Edit['attribute'], level: number, degree = 0.6): Edit => ({ attribute, op: 'set', level, degree });
const remove = (attribute: Edit['attribute']): Edit => ({ attribute, op: 'remove', degree: 0.6 });
const more = (attribute: Edit['attribute'], degree = 0.6): Edit => ({ attribute, op: 'increase', degree });
const less = (attribute: Edit['attribute'], degree = 0.6): Edit => ({ attribute, op: 'decrease', degree });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseCommand: English', () => {
  it.each<[string, Edit[]]>([
    ['long hair, no glasses, a bit bigger eyes', [set('hairLength', 2), remove('eyewear'), more('eyeSize', 0.3)]],
    ['long hair and big eyes', [set('hairLength', 2), set('eyeSize', 2)]],
    ['add glasses', [set('eyewear', 1)]],
    ['put on sunglasses', [set('eyewear', 2)]],
    ['remove the beard', [remove('beard')]],
    ['remove the beard and moustache', [remove('beard'), remove('moustache')]],
    ['no beard, a hat', [remove('beard'), set('hat', 1)]],
    ['no beard and add a hat', [remove('beard'), set('hat', 1)]],
    ['take the glasses off', [remove('eyewear')]],
    ['get rid of the lipstick', [remove('lipstick')]],
    ['without earrings', [remove('earrings')]],
    ['make the hair a bit longer', [more('hairLength', 0.3)]],
    ['make her eyes much bigger', [more('eyeSize', 1)]],
    ['slightly smaller eyes', [less('eyeSize', 0.3)]],
    ['a lot shorter hair', [less('hairLength', 1)]],
    ['very long hair', [set('hairLength', 2, 1)]],
    ['thick eyebrows', [set('eyebrows', 2)]],
    ['normal eyes', [set('eyeSize', 1)]],
    ['long curly blond hair', [set('hairLength', 2), set('curlyHair', 1), set('hairColor', 2)]],
    ['make the hair red', [set('hairColor', 3)]],
    ['smile', [set('expression', 1)]],
    ['stop smiling', [remove('expression')]],
    ['open the mouth', [set('expression', 2)]],
    ['close the mouth', [remove('expression')]],
    ['not curly', [set('curlyHair', 0)]],
    ['make him look older', [set('age', 1)]],
    ['a bearded man with bangs', [set('beard', 1), set('bangs', 1)]],
    ['Please, give me LONG hair!', [set('hairLength', 2)]],
    ['ＬＯＮＧ ＨＡＩＲ', [set('hairLength', 2)]],
    ['long hair 大眼睛', [set('hairLength', 2), set('eyeSize', 2)]],
    // Speech loses commas: clauses simply follow each other.
    ['long hair no glasses a bit bigger eyes', [set('hairLength', 2), remove('eyewear'), more('eyeSize', 0.3)]],
    ['make the hair longer make the eyes bigger', [more('hairLength'), more('eyeSize')]],
  ])('%s', (text, expected) => {
    expect(edits(text)).toEqual(expected);
  });

  it('control words stand alone, politely or not', () => {
    for (const [text, action] of [
      ['undo', 'undo'],
      ['Undo!', 'undo'],
      ['please undo', 'undo'],
      ['redo', 'redo'],
      ['reset', 'reset'],
      ['start over', 'reset'],
      ['go back', 'undo'],
    ] as const) {
      expect(parseCommand(text), text).toMatchObject({ kind: 'control', action });
    }
    expect(() => parseCommand('undo and add glasses')).toThrow(InvalidCommandError);
    expect(() => parseCommand('undo redo')).toThrow(InvalidCommandError);
  });

  it('identity nouns are identity, not edits', () => {
    expect(parseCommand('a woman')).toEqual({ kind: 'edit', edits: [], tokens: ['a', 'woman'], identity: { gender: 0 } });
    const p = parseCommand('a man with long blond hair and big eyes') as Extract<ParsedCommand, { kind: 'edit' }>;
    expect(p.identity).toEqual({ gender: 1 });
    expect(p.edits).toEqual([set('hairLength', 2), set('hairColor', 2), set('eyeSize', 2)]);
  });

  it('typed text without commas or "and" still means the same edits (500 generated commands)', () => {
    const rng = seededRandom(4);
    for (let i = 0; i < 500; i++) {
      const face = randomFace(rng);
      const wanted = randomEdits(face.attributes, rng, 3);
      const text = editCommandFor(face, wanted, rng, 'en').replace(/,/g, ' ').replace(/\b(and|then)\b/g, ' ').replace(/\s+/g, ' ').trim();
      const key = (e: Edit): string => e.attribute;
      expect([...edits(text)].sort((a, b) => key(a).localeCompare(key(b))), text).toEqual(
        wanted.map(canonicalEdit).sort((a, b) => key(a).localeCompare(key(b))),
      );
    }
  });

  it('returns the tokens the text encoder reads', () => {
    expect(parseCommand('Long hair, no glasses!').tokens).toEqual(['long', 'hair', ',', 'no', 'glasses', '.']);
  });
});

describe('parseCommand: Chinese', () => {
  it.each<[string, Edit[]]>([
    ['大眼睛长头发', [set('eyeSize', 2), set('hairLength', 2)]],
    ['戴眼镜', [set('eyewear', 1)]],
    ['微笑', [set('expression', 1)]],
    ['金发', [set('hairColor', 2)]],
    ['去掉胡子', [remove('beard')]],
    ['把胡子去掉', [remove('beard')]],
    ['不要眼镜', [remove('eyewear')]],
    ['不戴眼镜', [remove('eyewear')]],
    ['去掉胡子和眼镜', [remove('beard'), remove('eyewear')]],
    ['戴眼镜去掉胡子', [set('eyewear', 1), remove('beard')]],
    ['头发长一点', [more('hairLength', 0.3)]],
    ['眼睛再大一点', [more('eyeSize', 0.3)]],
    ['眼睛大很多', [more('eyeSize', 1)]],
    ['更大的眼睛', [more('eyeSize')]],
    ['把头发变短', [less('hairLength')]],
    ['很长的头发', [set('hairLength', 2, 1)]],
    ['头发很长', [set('hairLength', 2, 1)]],
    ['浓眉大眼', [set('eyebrows', 2), set('eyeSize', 2)]],
    ['金色长卷发', [set('hairColor', 2), set('hairLength', 2), set('curlyHair', 1)]],
    ['张嘴', [set('expression', 2)]],
    ['涂口红，戴帽子', [set('lipstick', 1), set('hat', 1)]],
    ['一个长头发、大眼睛、戴眼镜的女人', [set('hairLength', 2), set('eyeSize', 2), set('eyewear', 1)]],
  ])('%s', (text, expected) => {
    expect(edits(text)).toEqual(expected);
  });

  it('control words: 撤销 / 重做 / 重置', () => {
    expect(parseCommand('撤销')).toMatchObject({ kind: 'control', action: 'undo' });
    expect(parseCommand('重做')).toMatchObject({ kind: 'control', action: 'redo' });
    expect(parseCommand('请重置')).toMatchObject({ kind: 'control', action: 'reset' });
  });

  it('segments by longest match', () => {
    expect(parseCommand('戴眼镜的女人').tokens).toEqual(['戴', '眼镜', '的', '女人']);
    expect(parseCommand('留小胡子').tokens).toEqual(['留', '小胡子']);
  });
});

describe('parseCommand: rejections', () => {
  it('unknown words list close known words', () => {
    const e = thrown(() => parseCommand('add glases'));
    expect(e).toBeInstanceOf(UnknownWordError);
    expect(e).toBeInstanceOf(CommandError);
    expect(e).toBeInstanceOf(TypeError);
    const err = e as UnknownWordError;
    expect(err.word).toBe('glases');
    expect(err.suggestions[0]).toBe('glasses');
    expect(err.message).toMatch(/unknown word "glases" \(did you mean: glasses/);
    expect((thrown(() => parseCommand('longg hair')) as UnknownWordError).suggestions).toContain('long');
    expect((thrown(() => parseCommand('alot bigger eyes')) as UnknownWordError).suggestions).toContain('a lot');
    expect((thrown(() => parseCommand('戴眼境')) as UnknownWordError).suggestions).toContain('眼镜');
    const none = thrown(() => parseCommand('xqzvw')) as UnknownWordError;
    expect(none.suggestions).toEqual([]);
    expect(none.message).toMatch(/no close known word/);
    expect(thrown(() => parseCommand('long hair 🙂'))).toBeInstanceOf(UnknownWordError);
    expect(thrown(() => parseCommand('5 glasses'))).toBeInstanceOf(UnknownWordError);
  });

  it('rejects text over 500 characters before doing any work, 10,000 characters in bounded time', () => {
    expect(thrown(() => parseCommand('a'.repeat(501)))).toBeInstanceOf(InputTooLongError);
    const huge = 'long hair and '.repeat(715).slice(0, 10_000);
    expect(huge.length).toBe(10_000);
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      const e = thrown(() => parseCommand(huge)) as InputTooLongError;
      expect(e).toBeInstanceOf(InputTooLongError);
      expect(e.message).toBe('command: text longer than 500 characters (got 10000)');
    }
    expect(thrown(() => parseCommand('长'.repeat(10_000)))).toBeInstanceOf(InputTooLongError);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('parses the longest accepted text quickly', () => {
    const text = 'long hair and big eyes, '.repeat(20).slice(0, 480);
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) parseCommand(text.trim().replace(/,$/, ''));
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['please', /nothing to change/],
    ['a bit', /nothing to modify/],
    ['bigger hair', /"bigger" does not go with "hair"/],
    ['normal', /ambiguous/],
    ['no long hair', /cannot be negated/],
    ['hair', /needs a word/],
    ['no no glasses', /negated twice/],
    ['get rid', /only used in "get rid of"/],
    ['remove', /needs something to remove/],
    ['更', /needs an adjective/],
  ])('%j is an InvalidCommandError', (text, message) => {
    const e = thrown(() => parseCommand(text));
    expect(e).toBeInstanceOf(InvalidCommandError);
    expect((e as Error).message).toMatch(message);
  });

  it('rejects what is not a string', () => {
    expect(thrown(() => parseCommand(42 as unknown as string))).toBeInstanceOf(InvalidCommandError);
    expect(thrown(() => parseCommand(null as unknown as string))).toBeInstanceOf(InvalidCommandError);
  });

  it('any sequence of known words either parses or throws a CommandError (3,000 random sequences)', () => {
    const rng = seededRandom(8);
    const words = VOCABULARY.slice(4);
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(rng.next() * 8);
      const text = Array.from({ length: n }, () => words[Math.floor(rng.next() * words.length)]).join(' ');
      try {
        const p = parseCommand(text);
        parsed++;
        if (p.kind === 'edit') for (const e of p.edits) expect(e.degree).toBeGreaterThan(0);
      } catch (error) {
        expect(error, text).toBeInstanceOf(CommandError);
      }
    }
    expect(parsed).toBeGreaterThan(100);
  });

  it('random Unicode never escapes as anything but a CommandError', () => {
    const rng = seededRandom(9);
    for (let i = 0; i < 2000; i++) {
      const n = Math.floor(rng.next() * 40);
      const text = String.fromCodePoint(...Array.from({ length: n }, () => Math.floor(rng.next() * 0x2ffff)).filter((c) => c < 0xd800 || c > 0xdfff));
      try {
        parseCommand(text);
      } catch (error) {
        expect(error).toBeInstanceOf(CommandError);
      }
    }
  });
});
