/**
 * Chinese realisation of edits and descriptions (typed text only: no Mandarin speech model exists
 * here). Forms follow the compositional dictionary: 长头发, 头发长一点, 把头发变长, 戴眼镜, 去掉胡子.
 */
import type { Edit } from './edit';
import { SLIGHT_DEGREE, STRONG_DEGREE, isRemovable } from './edit';
import type { RandomSource } from './random-source';
import { pick, shuffled } from './random-source';
import type { Clause, Realizer } from './realize';
import type { EditableAttributeName, FaceAttributes } from './schema';
import { editableAttribute, levelOf } from './schema';

type Attr = EditableAttributeName;

export const ZH_LEVEL_ADJECTIVES: Partial<Record<Attr, readonly (readonly string[])[]>> = {
  hairLength: [['短'], ['中长'], ['长']],
  hairColor: [['黑色', '黑'], ['棕色', '棕', '褐色'], ['金色', '金', '金黄色'], ['红色', '红'], ['灰色', '白色', '银色', '灰', '白']],
  curlyHair: [['直'], ['卷']],
  eyeSize: [['小'], ['正常', '中等'], ['大']],
  eyebrows: [['细', '淡'], ['正常', '中等'], ['浓', '粗']],
  age: [['年轻'], ['年老', '老']],
};

/** Adjectives that comparatives use: [down, up]. */
const ZH_DIRECTIONAL: Partial<Record<Attr, readonly [readonly string[], readonly string[]]>> = {
  hairLength: [['短'], ['长']],
  eyeSize: [['小'], ['大']],
  eyebrows: [['细', '淡'], ['浓', '粗']],
};

/** [full noun, short noun used right after an adjective]. */
const ZH_NOUNS: Partial<Record<Attr, readonly [string, string]>> = {
  hairLength: ['头发', '发'],
  hairColor: ['头发', '发'],
  curlyHair: ['头发', '发'],
  eyeSize: ['眼睛', '眼'],
  eyebrows: ['眉毛', '眉'],
};

interface ThingWords {
  nouns: Readonly<Record<number, readonly string[]>>;
  add: readonly string[];
  remove: readonly string[];
  /** Verb + 着 for descriptions ("戴着眼镜"). */
  having: readonly string[];
}

const WEAR = { add: ['戴', '戴上', '加'], remove: ['去掉', '摘掉', '不要', '摘下', '不戴'], having: ['戴着', '戴'] };
const ZH_THINGS: Partial<Record<Attr, ThingWords>> = {
  eyewear: { nouns: { 1: ['眼镜'], 2: ['墨镜', '太阳镜', '太阳眼镜'] }, ...WEAR },
  hat: { nouns: { 1: ['帽子'] }, ...WEAR },
  earrings: { nouns: { 1: ['耳环', '耳坠'] }, ...WEAR },
  beard: { nouns: { 1: ['胡子', '胡须', '络腮胡'] }, add: ['留', '加', '留着'], remove: ['去掉', '刮掉', '不要'], having: ['留着', '有'] },
  moustache: { nouns: { 1: ['小胡子', '八字胡'] }, add: ['留', '加', '留着'], remove: ['去掉', '刮掉', '不要'], having: ['留着', '有'] },
  lipstick: { nouns: { 1: ['口红', '唇膏'] }, add: ['涂', '涂上', '抹', '加'], remove: ['擦掉', '去掉', '不要'], having: ['涂着', '涂'] },
  bangs: { nouns: { 1: ['刘海', '齐刘海'] }, add: ['留', '加', '留着'], remove: ['去掉', '不要'], having: ['留着', '有'] },
};

const SET_DEGREE: Readonly<Record<number, readonly string[]>> = {
  [SLIGHT_DEGREE]: ['有点', '稍微'],
  [STRONG_DEGREE]: ['很', '非常', '特别'],
};

function clause(text: string, flags: Partial<Omit<Clause, 'text'>> = {}): Clause {
  return { text, negative: false, bareThing: false, prenominal: false, ...flags };
}

function adjective(attribute: Attr, level: number, rng: RandomSource): string {
  const options = ZH_LEVEL_ADJECTIVES[attribute]?.[level];
  if (options === undefined) throw new RangeError(`zh: no adjective for ${attribute} level ${level}`);
  return pick(rng, options);
}

function nouns(attribute: Attr): readonly [string, string] {
  const n = ZH_NOUNS[attribute];
  if (n === undefined) throw new RangeError(`zh: no noun for ${attribute}`);
  return n;
}

function thingWords(attribute: Attr): ThingWords {
  const t = ZH_THINGS[attribute];
  if (t === undefined) throw new RangeError(`zh: ${attribute} is not a thing`);
  return t;
}

function thingNoun(attribute: Attr, level: number, rng: RandomSource): string {
  const options = thingWords(attribute).nouns[level];
  if (options === undefined) throw new RangeError(`zh: no noun for ${attribute} level ${level}`);
  return pick(rng, options);
}

/** A "set" of an adjective attribute: 长头发 / 很长的头发 / 头发很长 / 金发 / 把头发染成金色. */
function adjectiveSet(attribute: Attr, level: number, degree: number, rng: RandomSource): Clause {
  const spec = editableAttribute(attribute);
  const adj = adjective(attribute, level, rng);
  const deg = spec.kind === 'ordinal' ? (SET_DEGREE[degree] ?? []) : [];
  const [full, short] = nouns(attribute);
  if (deg.length > 0) {
    const d = pick(rng, deg);
    return pick(rng, [clause(`${d}${adj}的${full}`, { prenominal: true }), clause(`${full}${d}${adj}`)]);
  }
  const forms: Clause[] = [
    clause(`${adj}${full}`, { prenominal: true }),
    clause(`${adj}的${full}`, { prenominal: true }),
    clause(`${full}${adj}`),
  ];
  if ([...adj].length === 1 || attribute === 'hairLength') forms.push(clause(`${adj}${short}`, { prenominal: true }));
  if (attribute === 'hairColor') forms.push(clause(`把头发染成${adj}`), clause(`头发变成${adj}`));
  return pick(rng, forms);
}

function setClause(edit: Edit, rng: RandomSource): Clause {
  const { attribute } = edit;
  const level = edit.level ?? 0;
  if (attribute === 'age') {
    const adj = adjective('age', level, rng);
    return clause(pick(rng, [`变${adj}`, `${adj}一点`, `看起来${adj}一点`, `看起来${adj}`, adj]));
  }
  if (attribute === 'expression') {
    if (level === 1) return clause(pick(rng, ['微笑', '笑一下', '面带微笑', '带着笑容']), { bareThing: true, prenominal: true });
    return clause(pick(rng, ['张嘴', '张开嘴', '嘴巴张开', '张着嘴']));
  }
  if (ZH_THINGS[attribute] !== undefined) {
    const noun = thingNoun(attribute, level, rng);
    if (pick(rng, [true, false, false, false])) return clause(noun, { bareThing: true, prenominal: true });
    return clause(`${pick(rng, thingWords(attribute).add)}${noun}`, { prenominal: true });
  }
  return adjectiveSet(attribute, level, edit.degree, rng);
}

function removeClause(edit: Edit, from: FaceAttributes, rng: RandomSource): Clause {
  const { attribute } = edit;
  const current = levelOf(attribute, from[attribute]);
  if (attribute === 'expression') {
    const options = current === 2 ? ['闭嘴', '闭上嘴', '把嘴闭上'] : ['不要笑', '别笑', '不笑', '去掉微笑'];
    const text = pick(rng, options);
    return clause(text, { negative: !text.includes('闭') });
  }
  const words = thingWords(attribute);
  const noun = thingNoun(attribute, Math.max(1, current), rng);
  const verb = pick(rng, words.remove);
  const forms = [`${verb}${noun}`, `没有${noun}`];
  if (verb !== '不要' && verb !== '不戴') forms.push(`把${noun}${verb}`);
  return clause(pick(rng, forms), { negative: true });
}

function changeClause(edit: Edit, rng: RandomSource): Clause {
  const pair = ZH_DIRECTIONAL[edit.attribute];
  if (pair === undefined) throw new RangeError(`zh: ${edit.attribute} has no comparative`);
  const adj = pick(rng, edit.op === 'increase' ? pair[1] : pair[0]);
  const [noun] = nouns(edit.attribute);
  if (edit.degree === SLIGHT_DEGREE) {
    return clause(
      pick(rng, [`${noun}${adj}一点`, `${noun}再${adj}一点`, `${adj}一点的${noun}`, `${noun}稍微${adj}一点`, `把${noun}变${adj}一点`, `${noun}${adj}一些`]),
      { prenominal: false },
    );
  }
  if (edit.degree === STRONG_DEGREE) {
    return clause(pick(rng, [`${noun}${adj}很多`, `${noun}${adj}得多`, `把${noun}变${adj}很多`, `${noun}再${adj}很多`]));
  }
  const forms = [clause(`${noun}更${adj}`), clause(`更${adj}的${noun}`, { prenominal: true }), clause(`把${noun}变${adj}`), clause(`${noun}变${adj}`)];
  return pick(rng, forms);
}

function describeHair(mentions: Map<Attr, number>, rng: RandomSource): string | undefined {
  const len = mentions.get('hairLength');
  const curl = mentions.get('curlyHair');
  const color = mentions.get('hairColor');
  if (len === undefined && curl === undefined && color === undefined) return undefined;
  const lenWord = len === undefined ? '' : adjective('hairLength', len, rng);
  const curlWord = curl === undefined ? '' : adjective('curlyHair', curl, rng);
  let colorWord = color === undefined ? '' : adjective('hairColor', color, rng);
  // A one-character colour only right before 发 (金发); before other adjectives the full 金色.
  while (color !== undefined && [...colorWord].length === 1 && (lenWord !== '' || curlWord !== '')) {
    colorWord = adjective('hairColor', color, rng);
  }
  const words = `${colorWord}${lenWord}${curlWord}`;
  if (lenWord === '' && curlWord === '') return [...colorWord].length === 1 ? `${colorWord}发` : `${colorWord}${pick(rng, ['头发', '的头发'])}`;
  return `${words}${pick(rng, ['发', '发', '头发'])}`;
}

export const chinese: Realizer = {
  editClause(edit, from, _gender, rng) {
    switch (edit.op) {
      case 'set':
        return setClause(edit, rng);
      case 'remove':
        return removeClause(edit, from, rng);
      default:
        return changeClause(edit, rng);
    }
  },

  describe(gender, mentionList, rng) {
    const mentions = new Map(mentionList.map((m) => [m.attribute, m.level]));
    const positives: string[] = [];
    const negatives: string[] = [];
    let age: string | undefined;
    const hair = describeHair(mentions, rng);
    if (hair !== undefined) positives.push(hair);
    for (const { attribute, level } of mentionList) {
      if (attribute === 'hairLength' || attribute === 'hairColor' || attribute === 'curlyHair') continue;
      const thing = ZH_THINGS[attribute];
      if (attribute === 'age') {
        age = level === 1 ? '年老' : '年轻';
      } else if (attribute === 'expression') {
        positives.push(level === 1 ? pick(rng, ['微笑', '面带微笑']) : level === 2 ? pick(rng, ['张着嘴', '嘴巴张开']) : '表情严肃');
      } else if (thing !== undefined) {
        if (level === 0 && isRemovable(attribute)) {
          // 没 + 留着 / 戴着 …, but never 没有 + 有 ("没有有胡子"): with 有 the negation is 没有 alone.
          const neg = pick(rng, ['没有', '没']);
          const having = pick(rng, thing.having);
          negatives.push(`${having === '有' ? '没有' : `${neg}${having}`}${thingNoun(attribute, 1, rng)}`);
        }
        else positives.push(`${pick(rng, thing.having)}${thingNoun(attribute, level, rng)}`);
      } else {
        const adj = adjective(attribute, level, rng);
        const [full, short] = nouns(attribute);
        positives.push(pick(rng, [`${adj}${full}`, `${adj}的${full}`, [...adj].length === 1 ? `${adj}${short}` : `${adj}的${full}`]));
      }
    }
    const items = [...shuffled(rng, positives), ...negatives];
    if (gender === undefined) {
      if (age !== undefined) items.unshift(`看起来${age}`);
      return items.join(pick(rng, ['，', '、']));
    }
    const noun = pick(rng, gender === 0 ? ['女人', '女人', '女士'] : ['男人', '男人', '男士']);
    const person = age === undefined ? noun : `${age}的${noun}`;
    if (items.length === 0) return `一个${person}`;
    return pick(rng, [true, false]) ? `一个${items.join('、')}的${person}` : `${person}，${items.join('，')}`;
  },

  join(clauses, rng) {
    let text = '';
    clauses.forEach((c, i) => {
      const prev = clauses[i - 1];
      if (prev !== undefined) {
        if (prev.negative && c.bareThing) text += '，';
        else if (prev.prenominal && c.prenominal && !prev.negative) text += pick(rng, ['', '', '，', '、']);
        else text += pick(rng, ['，', '、', '，然后']);
      }
      text += c.text;
    });
    return pick(rng, [0, 0, 0, 1]) === 1 ? `请${text}` : text;
  },
};
