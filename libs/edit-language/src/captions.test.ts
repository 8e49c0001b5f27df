import { describe, expect, it } from 'vitest';
import { commandForEdits, describeAttributes, describeFace, describedMentions, editCommandFor, editsBetween, randomEdits } from './captions';
import type { Edit } from './edit';
import { applyEdits, canonicalEdit, isRemovable, levelsOf } from './edit';
import { parseCommand } from './parser';
import { seededRandom } from './random-source';
import type { FaceAttributes } from './schema';
import { EDITABLE_ATTRIBUTES, levelOf } from './schema';
import { randomFace } from './testing/random-face';
import { tokenize } from './tokenizer';
import { VOCABULARY } from './vocabulary';

const LANGS = ['en', 'zh'] as const;

function editsOf(text: string): Edit[] {
  const parsed = parseCommand(text);
  if (parsed.kind !== 'edit') throw new Error(`expected edits from ${JSON.stringify(text)}`);
  return parsed.edits;
}

const byAttribute = (edits: readonly Edit[]): Edit[] =>
  [...edits].sort((a, b) => (a.attribute < b.attribute ? -1 : a.attribute > b.attribute ? 1 : 0));

/** The level each mentioned attribute has according to a parsed description. */
function mentionedLevels(edits: readonly Edit[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of edits) {
    expect(['set', 'remove']).toContain(e.op);
    out.set(e.attribute, e.op === 'remove' ? 0 : (e.level ?? -1));
  }
  return out;
}

describe('describeFace', () => {
  for (const lang of LANGS) {
    it(`full ${lang} descriptions parse back to exactly the non-default levels (300 faces)`, () => {
      const rng = seededRandom(11);
      for (let i = 0; i < 300; i++) {
        const face = randomFace(rng);
        const text = describeFace(face, rng, { mode: 'full', lang });
        const parsed = parseCommand(text);
        if (parsed.kind !== 'edit') throw new Error(text);
        expect(parsed.identity.gender, text).toBe(face.identity.gender);
        const expected = new Map(
          EDITABLE_ATTRIBUTES.filter((s) => levelOf(s.name, face.attributes[s.name]) !== s.defaultLevel).map((s) => [
            s.name as string,
            levelOf(s.name, face.attributes[s.name]),
          ]),
        );
        expect(mentionedLevels(parsed.edits), text).toEqual(expected);
      }
    });

    it(`partial ${lang} descriptions parse back to a correct subset (300 faces)`, () => {
      const rng = seededRandom(12);
      let withNoun = 0;
      let mentionsTotal = 0;
      for (let i = 0; i < 300; i++) {
        const face = randomFace(rng);
        const text = describeFace(face, rng, { mode: 'partial', lang });
        const parsed = parseCommand(text);
        if (parsed.kind !== 'edit') throw new Error(text);
        const levels = mentionedLevels(parsed.edits);
        expect(levels.size, text).toBeGreaterThan(0);
        for (const [name, level] of levels) {
          expect(level, `${text}: ${name}`).toBe(levelOf(name as keyof FaceAttributes, face.attributes[name as keyof FaceAttributes]));
        }
        if (parsed.identity.gender !== undefined) {
          withNoun++;
          expect(parsed.identity.gender).toBe(face.identity.gender);
        }
        mentionsTotal += levels.size;
      }
      // Subsets really vary: sometimes a noun, sometimes not; a few attributes each, not all.
      expect(withNoun).toBeGreaterThan(100);
      expect(withNoun).toBeLessThan(280);
      expect(mentionsTotal / 300).toBeGreaterThan(2);
      expect(mentionsTotal / 300).toBeLessThan(9);
    });
  }

  it('is deterministic for a seed and varies word order across seeds', () => {
    const face = randomFace(seededRandom(5));
    const a = describeFace(face, seededRandom(1), { lang: 'en' });
    expect(describeFace(face, seededRandom(1), { lang: 'en' })).toBe(a);
    const variants = new Set(Array.from({ length: 20 }, (_, s) => describeFace(face, seededRandom(s), { lang: 'en' })));
    expect(variants.size).toBeGreaterThan(5);
  });

  it('reads like the examples', () => {
    const face = randomFace(seededRandom(1));
    for (const spec of EDITABLE_ATTRIBUTES) face.attributes[spec.name] = spec.kind === 'ordinal' ? 0.5 : spec.defaultLevel;
    face.identity.gender = 0;
    face.attributes.hairLength = 0.9;
    face.attributes.hairColor = 2;
    face.attributes.eyeSize = 0.9;
    const texts = new Set(Array.from({ length: 40 }, (_, s) => describeFace(face, seededRandom(s), { lang: 'en' })));
    expect(texts).toContain('a woman with long blond hair and big eyes');
    const zh = new Set(Array.from({ length: 60 }, (_, s) => describeFace(face, seededRandom(s), { lang: 'zh' })));
    expect([...zh].some((t) => t.includes('大眼睛') && t.includes('金色长发'))).toBe(true);
  });

  it('every caption token is in the vocabulary', () => {
    const rng = seededRandom(3);
    const vocab = new Set(VOCABULARY);
    for (let i = 0; i < 200; i++) {
      const face = randomFace(rng);
      for (const lang of LANGS) {
        for (const t of tokenize(describeFace(face, rng, { mode: i % 2 === 0 ? 'full' : 'partial', lang }))) {
          expect(vocab.has(t), t).toBe(true);
        }
      }
    }
  });

  it('rejects malformed input with a TypeError naming the field', () => {
    const face = randomFace(seededRandom(1));
    expect(() => describeFace({ ...face, attributes: { ...face.attributes, eyeSize: Number.NaN } }, seededRandom(1))).toThrow(
      /eyeSize/,
    );
    expect(() => describeFace(face, seededRandom(1), { lang: 'fr' as 'en' })).toThrow(TypeError);
  });

  it('full mode of a default face is just the person', () => {
    const face = randomFace(seededRandom(1));
    for (const spec of EDITABLE_ATTRIBUTES) face.attributes[spec.name] = spec.kind === 'ordinal' ? 0.5 : spec.defaultLevel;
    face.identity.gender = 1;
    expect(describedMentions(face.attributes, seededRandom(1), 'full')).toEqual([]);
    expect(describeFace(face, seededRandom(1), { lang: 'en' })).toMatch(/^an? (man|guy)$/);
    expect(describeFace(face, seededRandom(1), { lang: 'zh' })).toMatch(/^一个男/);
  });
});

describe('editCommandFor', () => {
  for (const lang of LANGS) {
    it(`round-trips random edits through ${lang} commands (400 commands)`, () => {
      const rng = seededRandom(21);
      const forms = new Set<string>();
      for (let i = 0; i < 400; i++) {
        const face = randomFace(rng);
        const edits = randomEdits(face.attributes, rng, 3);
        const text = editCommandFor(face, edits, rng, lang);
        forms.add(text);
        expect(byAttribute(editsOf(text)), text).toEqual(byAttribute(edits.map(canonicalEdit)));
      }
      expect(forms.size).toBeGreaterThan(350);
    });

    it(`a ${lang} command towards target attributes reaches the target levels (300 pairs)`, () => {
      const rng = seededRandom(22);
      let comparatives = 0;
      for (let i = 0; i < 300; i++) {
        const from = randomFace(rng);
        const to = randomFace(rng).attributes;
        if (editsBetween(from.attributes, to).length === 0) continue;
        const text = editCommandFor(from, to, rng, lang);
        const parsed = editsOf(text);
        comparatives += parsed.filter((e) => e.op === 'increase' || e.op === 'decrease').length;
        expect(levelsOf(applyEdits(from.attributes, parsed)), text).toEqual(levelsOf(to));
      }
      expect(comparatives).toBeGreaterThan(30);
    });
  }

  it('says the examples of the brief', () => {
    const face = randomFace(seededRandom(2));
    face.attributes.eyewear = 0;
    face.attributes.hairLength = 0.5;
    const glasses = new Set(Array.from({ length: 40 }, (_, s) => editCommandFor(face, [{ attribute: 'eyewear', op: 'set', level: 1, degree: 0.6 }], seededRandom(s))));
    expect(glasses).toContain('add glasses');
    const longer = new Set(
      Array.from({ length: 80 }, (_, s) => editCommandFor(face, [{ attribute: 'hairLength', op: 'increase', degree: 0.3 }], seededRandom(s))),
    );
    expect(longer).toContain('make the hair a bit longer');
    const zh = new Set(
      Array.from({ length: 80 }, (_, s) =>
        editCommandFor(face, [{ attribute: 'eyeSize', op: 'set', level: 2, degree: 0.6 }, { attribute: 'hairLength', op: 'set', level: 2, degree: 0.6 }], seededRandom(s), 'zh'),
      ),
    );
    expect(zh).toContain('大眼睛长头发');
  });

  it('keeps the order of edits that touch the same attribute', () => {
    const face = randomFace(seededRandom(3));
    const edits: Edit[] = [
      { attribute: 'hairLength', op: 'set', level: 0, degree: 0.6 },
      { attribute: 'hairLength', op: 'increase', degree: 1 },
    ];
    for (let s = 0; s < 20; s++) expect(editsOf(editCommandFor(face, edits, seededRandom(s)))).toEqual(edits);
  });

  it('refuses to say nothing, and edits no words can say', () => {
    const face = randomFace(seededRandom(4));
    expect(() => editCommandFor(face, face.attributes, seededRandom(1))).toThrow(RangeError);
    expect(() => editCommandFor(face, [{ attribute: 'hairColor', op: 'remove', degree: 0.6 }], seededRandom(1))).toThrow(TypeError);
    expect(() => editCommandFor(face, [{ attribute: 'beard', op: 'increase', degree: 0.6 }], seededRandom(1))).toThrow(TypeError);
  });
});

describe('randomEdits', () => {
  it('gives 1…max distinct attributes, each a change', () => {
    const rng = seededRandom(9);
    for (let i = 0; i < 200; i++) {
      const face = randomFace(rng);
      const edits = randomEdits(face.attributes, rng, 3);
      expect(edits.length).toBeGreaterThanOrEqual(1);
      expect(edits.length).toBeLessThanOrEqual(3);
      expect(new Set(edits.map((e) => e.attribute)).size).toBe(edits.length);
      const after = applyEdits(face.attributes, edits);
      for (const e of edits) {
        if (e.op === 'set' || e.op === 'remove') expect(levelOf(e.attribute, after[e.attribute])).not.toBe(levelOf(e.attribute, face.attributes[e.attribute]));
        if (e.op === 'remove') expect(isRemovable(e.attribute)).toBe(true);
      }
    }
  });
});

describe('describeAttributes', () => {
  it('states exactly the named attributes at their levels, parseable back', () => {
    const rng = seededRandom(5);
    const base = randomFace(seededRandom(9));
    const face = { attributes: { ...base.attributes, eyewear: 1, hairLength: 0.95 }, identity: base.identity };
    for (const lang of ['en', 'zh'] as const) {
      const text = describeAttributes(face, ['eyewear', 'hairLength'], rng, { lang });
      const parsed = parseCommand(text);
      expect(parsed.kind).toBe('edit');
      if (parsed.kind !== 'edit') return;
      expect(parsed.edits.map((e) => e.attribute).sort()).toEqual(['eyewear', 'hairLength']);
    }
  });
  it('rejects an empty list, unknown or repeated attributes', () => {
    const rng = seededRandom(1);
    expect(() => describeAttributes(randomFace(rng), [], rng)).toThrow(RangeError);
    expect(() => describeAttributes(randomFace(rng), ['wings' as never], rng)).toThrow(TypeError);
    expect(() => describeAttributes(randomFace(rng), ['hat', 'hat'], rng)).toThrow(TypeError);
  });
});

describe('commandForEdits', () => {
  it('says a list of edits as one command that parses back to the same edits, deterministically', () => {
    const edits = [
      canonicalEdit({ attribute: 'hairLength', op: 'set', level: 2, degree: 0.6 }),
      canonicalEdit({ attribute: 'eyewear', op: 'set', level: 1, degree: 0.6 }),
      canonicalEdit({ attribute: 'eyeSize', op: 'increase', degree: 0.3 }),
    ];
    const text = commandForEdits(edits);
    expect(commandForEdits(edits)).toBe(text);
    const parsed = parseCommand(text);
    if (parsed.kind !== 'edit') throw new Error(text);
    expect(new Set(parsed.edits.map((e) => `${e.attribute}:${e.op}`))).toEqual(new Set(['hairLength:set', 'eyewear:set', 'eyeSize:increase']));
    expect(parseCommand(commandForEdits(edits, 'zh')).kind).toBe('edit');
    expect(() => commandForEdits([])).toThrow(RangeError);
  });
});
