/**
 * English realisation of edits and descriptions. Every word used here is in the lexicon (the round-trip
 * tests parse everything this produces), and every form is one the speech grammar accepts.
 */
import type { Edit } from './edit';
import { SLIGHT_DEGREE, STRONG_DEGREE, isRemovable } from './edit';
import type { RandomSource } from './random-source';
import { pick, shuffled } from './random-source';
import type { Clause, Realizer } from './realize';
import { WEARABLE } from './realize';
import type { EditableAttributeName, FaceAttributes } from './schema';
import { editableAttribute, levelOf } from './schema';

type Attr = EditableAttributeName;

/** Adjectives per level, first = most usual. */
export const EN_LEVEL_ADJECTIVES: Partial<Record<Attr, readonly (readonly string[])[]>> = {
  hairLength: [['short'], ['medium'], ['long']],
  hairColor: [['black', 'dark'], ['brown', 'brunette'], ['blond', 'blonde', 'golden'], ['red', 'ginger'], ['gray', 'grey', 'white', 'silver']],
  curlyHair: [['straight'], ['curly', 'wavy']],
  eyeSize: [['small'], ['normal', 'medium', 'average'], ['big', 'large']],
  eyebrows: [['thin'], ['normal', 'medium'], ['thick', 'bushy']],
  age: [['young', 'youthful'], ['old', 'elderly']],
  expression: [['neutral', 'serious'], ['smiling'], ['open']],
};

/** Comparatives of ordinal attributes: [down, up]. */
export const EN_COMPARATIVES: Partial<Record<Attr, readonly [readonly string[], readonly string[]]>> = {
  hairLength: [['shorter'], ['longer']],
  eyeSize: [['smaller'], ['bigger', 'larger']],
  // "bushier" and "curlier" stay typed-only: CMUdict cannot pronounce them, and these forms are spoken too.
  eyebrows: [['thinner'], ['thicker']],
};

export const EN_NOUNS: Partial<Record<Attr, readonly string[]>> = {
  hairLength: ['hair'],
  hairColor: ['hair'],
  curlyHair: ['hair'],
  eyeSize: ['eyes'],
  eyebrows: ['eyebrows', 'brows'],
  expression: ['expression'],
};

/** Thing nouns per `attribute:level`: [bare noun, with article]. */
export const EN_THINGS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  'eyewear:1': [['glasses', 'glasses'], ['eyeglasses', 'eyeglasses'], ['spectacles', 'a pair of glasses']],
  'eyewear:2': [['sunglasses', 'sunglasses'], ['shades', 'a pair of sunglasses']],
  'bangs:1': [['bangs', 'bangs'], ['fringe', 'a fringe']],
  'beard:1': [['beard', 'a beard']],
  'moustache:1': [['moustache', 'a moustache'], ['mustache', 'a mustache']],
  'lipstick:1': [['lipstick', 'lipstick']],
  'hat:1': [['hat', 'a hat'], ['cap', 'a cap']],
  'earrings:1': [['earrings', 'earrings']],
  'expression:1': [['smile', 'a smile']],
};

export const EN_SET_DEGREE: Readonly<Record<number, readonly string[]>> = {
  [SLIGHT_DEGREE]: ['slightly', 'somewhat', 'a bit'],
  [STRONG_DEGREE]: ['very', 'really', 'extremely'],
};
export const EN_CMP_DEGREE: Readonly<Record<number, readonly string[]>> = {
  [SLIGHT_DEGREE]: ['a bit', 'slightly', 'a little', 'a little bit', 'somewhat'],
  [STRONG_DEGREE]: ['much', 'a lot', 'way', 'far'],
};
const pronoun = (gender: number): string => (gender === 1 ? 'his' : 'her');
const object = (gender: number): string => (gender === 1 ? 'him' : 'her');
const determiners = (gender: number): string[] => ['the', pronoun(gender), 'my'];

const words = (...parts: (string | undefined)[]): string => parts.filter((p) => p !== undefined && p !== '').join(' ');

function article(next: string): string {
  return /^[aeiou]/.test(next) ? 'an' : 'a';
}

function levelAdjective(attribute: Attr, level: number, rng: RandomSource): string {
  const options = EN_LEVEL_ADJECTIVES[attribute]?.[level];
  if (options === undefined) throw new RangeError(`en: no adjective for ${attribute} level ${level}`);
  return pick(rng, options);
}

function thingFor(attribute: Attr, level: number, rng: RandomSource): readonly [string, string] {
  const options = EN_THINGS[`${attribute}:${level}`];
  if (options === undefined) throw new RangeError(`en: no noun for ${attribute} level ${level}`);
  return pick(rng, options);
}

function degreeWord(table: Readonly<Record<number, readonly string[]>>, degree: number, rng: RandomSource): string {
  const options = table[degree];
  return options === undefined ? '' : pick(rng, options);
}

function clause(text: string, flags: Partial<Omit<Clause, 'text'>> = {}): Clause {
  return { text, negative: false, bareThing: false, prenominal: false, ...flags };
}

function setClause(edit: Edit, gender: number, rng: RandomSource): Clause {
  const { attribute } = edit;
  const level = edit.level ?? 0;
  const spec = editableAttribute(attribute);
  if (EN_THINGS[`${attribute}:${level}`] !== undefined && (attribute !== 'expression' || pick(rng, [true, false]))) {
    const [bare, indef] = thingFor(attribute, level, rng);
    const verbs = ['add', `give ${object(gender)}`, 'give me', 'with', ''];
    if (WEARABLE.has(attribute)) verbs.push('put on', 'wear');
    if (attribute === 'beard' || attribute === 'moustache') verbs.push('grow');
    if (attribute === 'lipstick') verbs.push('apply', 'wear');
    if (attribute === 'expression') {
      const text = pick(rng, ['add a smile', 'smile', `make ${object(gender)} smile`, 'a smile']);
      return clause(text, { bareThing: text === 'smile' || text === 'a smile' });
    }
    const verb = pick(rng, verbs);
    return clause(words(verb, verb === '' && pick(rng, [true, false]) ? bare : indef), { bareThing: verb === '' });
  }
  if (attribute === 'age') {
    const adj = levelAdjective('age', level, rng);
    const cmp = level === 1 ? 'older' : 'younger';
    return clause(pick(rng, [adj, cmp, `make ${object(gender)} look ${cmp}`, `make ${object(gender)} ${adj}`, `look ${cmp}`]));
  }
  if (attribute === 'expression') {
    if (level === 1) return clause(pick(rng, ['smiling', `make ${object(gender)} smile`, 'smile']));
    if (level === 2) return clause(pick(rng, ['open mouth', 'an open mouth', 'open the mouth', `open ${pronoun(gender)} mouth`, 'make the mouth open']));
    return clause(pick(rng, ['a neutral expression', 'serious expression', 'close the mouth']));
  }
  if (attribute === 'beard') return clause('bearded');
  const adj = levelAdjective(attribute, level, rng);
  const deg = spec.kind === 'ordinal' ? degreeWord(EN_SET_DEGREE, edit.degree, rng) : '';
  const noun = pick(rng, EN_NOUNS[attribute] ?? ['']);
  const middle = spec.kind === 'ordinal' && level > 0 && level < spec.levels.length - 1;
  const forms = [words(deg, adj, noun), `make ${pick(rng, determiners(gender))} ${words(noun, deg, adj)}`];
  if (!middle) forms.push(words(deg, adj));
  return clause(pick(rng, forms));
}

function removeClause(edit: Edit, from: FaceAttributes, gender: number, rng: RandomSource): Clause {
  const { attribute } = edit;
  const current = levelOf(attribute, from[attribute]);
  if (attribute === 'expression') {
    const forms = ['no smile', 'stop smiling', 'remove the smile', 'a neutral expression', 'close the mouth', 'a serious expression'];
    const text = pick(rng, current === 2 ? ['close the mouth', `close ${pronoun(gender)} mouth`, 'a neutral expression', 'no open mouth'] : forms);
    return clause(text, { negative: text.startsWith('no') || text.startsWith('stop') || text.startsWith('remove') });
  }
  const [bare, indef] = thingFor(attribute, Math.max(1, current), rng);
  const the = pick(rng, determiners(gender));
  const forms = [`remove ${the} ${bare}`, `no ${bare}`, `without ${indef}`, `get rid of ${the} ${bare}`];
  if (WEARABLE.has(attribute)) forms.push(`take off ${the} ${bare}`, `take ${the} ${bare} off`, `lose ${the} ${bare}`);
  if (attribute === 'beard' || attribute === 'moustache') forms.push(`shave ${the} ${bare}`);
  return clause(pick(rng, forms), { negative: true });
}

function changeClause(edit: Edit, gender: number, rng: RandomSource): Clause {
  const pair = EN_COMPARATIVES[edit.attribute];
  if (pair === undefined) throw new RangeError(`en: ${edit.attribute} has no comparative`);
  const cmp = pick(rng, edit.op === 'increase' ? pair[1] : pair[0]);
  const deg = degreeWord(EN_CMP_DEGREE, edit.degree, rng);
  const noun = pick(rng, EN_NOUNS[edit.attribute] ?? ['']);
  return clause(
    pick(rng, [words(deg, cmp, noun), `make ${pick(rng, determiners(gender))} ${words(noun, deg, cmp)}`, words(deg, cmp)]),
  );
}

function describeHair(mentions: Map<Attr, number>, rng: RandomSource): string | undefined {
  const len = mentions.get('hairLength');
  const curl = mentions.get('curlyHair');
  const color = mentions.get('hairColor');
  if (len === undefined && curl === undefined && color === undefined) return undefined;
  return words(
    len === undefined ? '' : levelAdjective('hairLength', len, rng),
    curl === undefined ? '' : levelAdjective('curlyHair', curl, rng),
    color === undefined ? '' : levelAdjective('hairColor', color, rng),
    'hair',
  );
}

export const english: Realizer = {
  editClause(edit, from, gender, rng) {
    switch (edit.op) {
      case 'set':
        return setClause(edit, gender, rng);
      case 'remove':
        return removeClause(edit, from, gender, rng);
      default:
        return changeClause(edit, gender, rng);
    }
  },

  describe(gender, mentionList, rng) {
    const mentions = new Map(mentionList.map((m) => [m.attribute, m.level]));
    const pre: string[] = [];
    const positives: string[] = [];
    const negatives: string[] = [];
    const hair = describeHair(mentions, rng);
    if (hair !== undefined) positives.push(hair);
    for (const { attribute, level } of mentionList) {
      if (attribute === 'hairLength' || attribute === 'hairColor' || attribute === 'curlyHair') continue;
      if (level === 0 && isRemovable(attribute) && attribute !== 'expression') {
        const [bare, indef] = thingFor(attribute, 1, rng);
        negatives.push(pick(rng, [`no ${bare}`, `without ${indef}`]));
      } else if (attribute === 'age') {
        pre.push(levelAdjective('age', level, rng));
      } else if (attribute === 'expression') {
        if (level === 1) {
          if (gender !== undefined && pick(rng, [true, false])) pre.push('smiling');
          else positives.push('a smile');
        } else if (level === 2) positives.push(pick(rng, ['an open mouth', `${gender === undefined ? 'the' : pronoun(gender)} mouth open`]));
        else positives.push(pick(rng, ['a neutral expression', 'a serious expression']));
      } else if (attribute === 'beard' && gender !== undefined && pick(rng, [true, false, false])) {
        pre.push('bearded');
      } else if (EN_THINGS[`${attribute}:${level}`] !== undefined) {
        positives.push(thingFor(attribute, level, rng)[1]);
      } else {
        positives.push(words(levelAdjective(attribute, level, rng), pick(rng, EN_NOUNS[attribute] ?? [''])));
      }
    }
    const list = (items: string[]): string => {
      if (items.length <= 1) return items.join('');
      const last = items[items.length - 1] as string;
      return pick(rng, [true, false]) ? `${items.slice(0, -1).join(', ')} and ${last}` : items.join(' and ');
    };
    if (gender === undefined) positives.push(...pre);
    const pos = list(shuffled(rng, positives));
    const neg = negatives.join(' and ');
    if (gender === undefined) return [pos, neg].filter((s) => s !== '').join(pos !== '' && neg !== '' ? ', ' : '');
    const noun = pick(rng, gender === 0 ? ['woman', 'woman', 'lady'] : ['man', 'man', 'guy']);
    const head = words(...shuffled(rng, pre), noun);
    let text = `${article(head)} ${head}`;
    if (pos !== '') text += ` with ${pos}`;
    if (neg !== '') text += pos === '' ? ` ${neg.startsWith('no') ? 'with ' : ''}${neg}` : pick(rng, [' and ', ', ']) + neg;
    return text;
  },

  join(clauses, rng) {
    let text = '';
    clauses.forEach((c, i) => {
      const prev = clauses[i - 1];
      if (prev !== undefined) {
        // After a removal a bare thing must not read as removed too ("no beard and glasses"): "then".
        text += prev.negative && c.bareThing ? ', then ' : pick(rng, [', ', ' and ', ', and ', ', then ']);
      }
      text += c.text;
    });
    return pick(rng, [0, 0, 0, 1]) === 1 ? `please ${text}` : text;
  },
};
