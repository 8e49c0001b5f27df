/**
 * The lexicon: every word or phrase users (and captions) may use, with what it means to the parser.
 * English entries are phrases of lower-case words ("a bit", "take off"); Chinese entries are the
 * dictionary the tokenizer segments by longest match, chosen small and compositional
 * (长头发 = 长 + 头发, 金发 = 金 + 发, 头发长一点 = 头发 + 长 + 一点) so one adjective serves both
 * "long hair" and "longer hair".
 */
import type { EditableAttributeName } from './schema';
import { SLIGHT_DEGREE, STRONG_DEGREE } from './edit';

export type Lang = 'en' | 'zh';
export type ControlAction = 'undo' | 'redo' | 'reset';

/** One reading of an adjective: the level it names and which way it points (for comparatives). */
export interface AdjectiveSense {
  readonly attribute: EditableAttributeName;
  readonly level: number;
  /** +1 / −1 on ordinal attributes ("long" / "short"), 0 for a middle level. */
  readonly dir: -1 | 0 | 1;
}

export type Meaning =
  | { readonly type: 'control'; readonly action: ControlAction }
  /** Words that carry no edit ("please", "the", 的). */
  | { readonly type: 'filler' }
  /** "add", "put on", 戴: a positive edit follows (and stops a negation from carrying over). */
  | { readonly type: 'positive' }
  /** "no", "remove", "without", 去掉, 不要. */
  | { readonly type: 'negation'; readonly attach: 'next' | 'prev' | 'either' }
  /** Clause separators: "and"-like ones let a negation carry ("remove the beard and moustache"). */
  | { readonly type: 'separator'; readonly strength: 'and' | 'break' }
  /** Degree words modify the adjective after them (`next`) or, Chinese 一点 / 得多, before them (`prev`, which also makes it comparative). */
  | { readonly type: 'degree'; readonly value: number; readonly attach: 'next' | 'prev' }
  /** Chinese comparative markers 更 / 再 / 变: the next adjective is comparative. */
  | { readonly type: 'comparative' }
  /** Adjectives: "long", "blond", 大; `comparative` for English -er forms ("longer"). */
  | { readonly type: 'adjective'; readonly senses: readonly AdjectiveSense[]; readonly comparative: boolean }
  /** Nouns adjectives attach to ("hair", "eyes", 头发): they pick among an adjective's senses. */
  | { readonly type: 'noun'; readonly attributes: readonly EditableAttributeName[] }
  /** Nouns that are a level by themselves ("glasses", "beard", 眼镜, 微笑). */
  | { readonly type: 'thing'; readonly attribute: EditableAttributeName; readonly level: number }
  /** Person nouns ("a woman", 男人): identity, never an edit. `gender` is undefined for "person". */
  | { readonly type: 'person'; readonly gender: number | undefined };

export interface LexiconEntry {
  readonly lang: Lang;
  /** English: lower-case words joined by single spaces. Chinese: one dictionary word. */
  readonly text: string;
  readonly meaning: Meaning;
}

const entries: LexiconEntry[] = [];

function add(lang: Lang, texts: readonly string[], meaning: Meaning): void {
  for (const text of texts) entries.push({ lang, text, meaning });
}
const en = (texts: readonly string[], meaning: Meaning): void => add('en', texts, meaning);
const zh = (texts: readonly string[], meaning: Meaning): void => add('zh', texts, meaning);

function adj(attribute: EditableAttributeName, level: number, dir: -1 | 0 | 1 = 0): Meaning {
  return { type: 'adjective', senses: [{ attribute, level, dir }], comparative: false };
}
function cmp(attribute: EditableAttributeName, level: number, dir: -1 | 0 | 1): Meaning {
  return { type: 'adjective', senses: [{ attribute, level, dir }], comparative: true };
}
function thing(attribute: EditableAttributeName, level: number): Meaning {
  return { type: 'thing', attribute, level };
}
/** "normal" / "medium": the middle level of every ordinal attribute; the noun decides which. */
const MIDDLE: Meaning = {
  type: 'adjective',
  senses: [
    { attribute: 'hairLength', level: 1, dir: 0 },
    { attribute: 'eyeSize', level: 1, dir: 0 },
    { attribute: 'eyebrows', level: 1, dir: 0 },
  ],
  comparative: false,
};
const HAIR: EditableAttributeName[] = ['hairLength', 'hairColor', 'curlyHair'];

// ---------------------------------------------------------------- English
en(['undo', 'go back'], { type: 'control', action: 'undo' });
en(['redo'], { type: 'control', action: 'redo' });
en(['reset', 'start over'], { type: 'control', action: 'reset' });

en(
  ['please', 'make', 'the', 'me', 'with', 'a', 'an', 'her', 'his', 'my', 'their', 'i', 'want', 'to', 'now',
    'have', 'has', 'some', 'can', 'you', 'just', 'change', 'turn', 'look', 'looking', 'be', 'is', 'of', 'let', 'that',
    'also', 'instead', 'again', 'thanks', 'set', 'them', 'it', 'who', 'into', 'one', 'pair', 'take', 'him',
    'she', 'he', 'are', 'should'],
  { type: 'filler' },
);
en(['add', 'put on', 'put', 'on', 'wear', 'wearing', 'grow', 'apply', 'give'], { type: 'positive' });
en(['no', 'without', 'remove', 'take off', 'not', 'stop', 'lose', 'shave', 'get rid of', 'drop'], {
  type: 'negation',
  attach: 'next',
});
en(['off'], { type: 'negation', attach: 'prev' });
en(['and'], { type: 'separator', strength: 'and' });
en(['then'], { type: 'separator', strength: 'break' });

en(['a bit', 'a little', 'a little bit', 'slightly', 'somewhat', 'a tiny bit'], {
  type: 'degree',
  value: SLIGHT_DEGREE,
  attach: 'next',
});
en(['much', 'a lot', 'very', 'really', 'way', 'far', 'extremely'], { type: 'degree', value: STRONG_DEGREE, attach: 'next' });

en(['hair'], { type: 'noun', attributes: HAIR });
en(['eyes', 'eye'], { type: 'noun', attributes: ['eyeSize'] });
en(['eyebrows', 'eyebrow', 'brows'], { type: 'noun', attributes: ['eyebrows'] });
en(['mouth', 'expression'], { type: 'noun', attributes: ['expression'] });

en(['short'], adj('hairLength', 0, -1));
en(['long'], adj('hairLength', 2, 1));
en(['shorter'], cmp('hairLength', 0, -1));
en(['longer'], cmp('hairLength', 2, 1));
en(['normal', 'medium', 'average'], MIDDLE);
en(['black', 'dark'], adj('hairColor', 0));
en(['brown', 'brunette'], adj('hairColor', 1));
en(['blond', 'blonde', 'golden'], adj('hairColor', 2));
en(['red', 'ginger'], adj('hairColor', 3));
en(['gray', 'grey', 'white', 'silver'], adj('hairColor', 4));
en(['bangs', 'fringe'], thing('bangs', 1));
en(['curly', 'wavy'], adj('curlyHair', 1));
en(['straight'], adj('curlyHair', 0));
en(['curlier'], cmp('curlyHair', 1, 1));
en(['small'], adj('eyeSize', 0, -1));
en(['big', 'large'], adj('eyeSize', 2, 1));
en(['smaller'], cmp('eyeSize', 0, -1));
en(['bigger', 'larger'], cmp('eyeSize', 2, 1));
en(['glasses', 'eyeglasses', 'spectacles'], thing('eyewear', 1));
en(['sunglasses', 'shades'], thing('eyewear', 2));
en(['neutral', 'serious', 'closed', 'close'], adj('expression', 0));
en(['smile'], thing('expression', 1));
en(['smiling'], adj('expression', 1));
en(['open'], adj('expression', 2));
en(['beard'], thing('beard', 1));
en(['bearded'], adj('beard', 1));
en(['moustache', 'mustache'], thing('moustache', 1));
en(['lipstick'], thing('lipstick', 1));
en(['thin'], adj('eyebrows', 0, -1));
en(['thick', 'bushy'], adj('eyebrows', 2, 1));
en(['thinner'], cmp('eyebrows', 0, -1));
en(['thicker', 'bushier'], cmp('eyebrows', 2, 1));
en(['young', 'youthful'], adj('age', 0));
en(['old', 'elderly'], adj('age', 1));
en(['younger'], cmp('age', 0, -1));
en(['older'], cmp('age', 1, 1));
en(['hat', 'cap'], thing('hat', 1));
en(['earrings', 'earring'], thing('earrings', 1));

en(['woman', 'girl', 'lady'], { type: 'person', gender: 0 });
en(['man', 'boy', 'guy'], { type: 'person', gender: 1 });
en(['person', 'face'], { type: 'person', gender: undefined });

// ---------------------------------------------------------------- Chinese
zh(['撤销', '撤回', '撤消', '返回'], { type: 'control', action: 'undo' });
zh(['重做'], { type: 'control', action: 'redo' });
zh(['重置', '还原', '复原'], { type: 'control', action: 'reset' });

zh(
  ['的', '请', '让', '把', '给', '我', '她', '他', '一个', '个', '要', '想要', '一下', '变成', '变得', '成', '了', '吧',
    '是', '一头', '头', '一副', '副', '一顶', '顶', '一对', '对', '染成', '看起来', '显得', '也', '都', '着', '面带', '换成'],
  { type: 'filler' },
);
zh(['戴', '戴上', '戴着', '加', '加上', '添加', '留', '留着', '有', '带', '带着', '涂', '涂上', '涂着', '抹', '长着'], {
  type: 'positive',
});
zh(['不要', '去掉', '摘掉', '摘下', '去除', '刮掉', '擦掉', '取下', '拿掉'], { type: 'negation', attach: 'either' });
zh(['没有', '没', '不', '别', '无'], { type: 'negation', attach: 'next' });
zh(['和', '跟', '与', '还有'], { type: 'separator', strength: 'and' });
zh(['然后'], { type: 'separator', strength: 'break' });

zh(['一点', '一点点', '一些', '点', '些'], { type: 'degree', value: SLIGHT_DEGREE, attach: 'prev' });
zh(['很多', '得多', '多了', '许多'], { type: 'degree', value: STRONG_DEGREE, attach: 'prev' });
zh(['稍微', '稍', '有点', '有一点', '略', '略微'], { type: 'degree', value: SLIGHT_DEGREE, attach: 'next' });
zh(['很', '非常', '特别', '超', '十分', '极'], { type: 'degree', value: STRONG_DEGREE, attach: 'next' });
zh(['更', '再', '变', '更加'], { type: 'comparative' });

zh(['头发', '发'], { type: 'noun', attributes: HAIR });
zh(['眼睛', '眼'], { type: 'noun', attributes: ['eyeSize'] });
zh(['眉毛', '眉'], { type: 'noun', attributes: ['eyebrows'] });
zh(['嘴', '嘴巴', '表情'], { type: 'noun', attributes: ['expression'] });

zh(['短'], adj('hairLength', 0, -1));
zh(['长'], adj('hairLength', 2, 1));
zh(['中长'], adj('hairLength', 1));
zh(['正常', '中等', '普通'], MIDDLE);
zh(['黑', '黑色'], adj('hairColor', 0));
zh(['棕', '棕色', '褐色'], adj('hairColor', 1));
zh(['金', '金色', '金黄色'], adj('hairColor', 2));
zh(['红', '红色'], adj('hairColor', 3));
zh(['灰', '灰色', '白', '白色', '银色'], adj('hairColor', 4));
zh(['刘海', '齐刘海'], thing('bangs', 1));
zh(['卷', '卷曲'], adj('curlyHair', 1));
zh(['直'], adj('curlyHair', 0));
zh(['小'], adj('eyeSize', 0, -1));
zh(['大'], adj('eyeSize', 2, 1));
zh(['眼镜', '近视眼镜'], thing('eyewear', 1));
zh(['墨镜', '太阳镜', '太阳眼镜'], thing('eyewear', 2));
zh(['严肃', '闭', '闭上', '闭着'], adj('expression', 0));
zh(['微笑', '笑', '笑容'], thing('expression', 1));
zh(['张', '张开', '张着'], adj('expression', 2));
zh(['胡子', '胡须', '络腮胡', '大胡子', '长胡子'], thing('beard', 1));
zh(['小胡子', '八字胡'], thing('moustache', 1));
zh(['口红', '唇膏'], thing('lipstick', 1));
zh(['细', '淡'], adj('eyebrows', 0, -1));
zh(['浓', '粗'], adj('eyebrows', 2, 1));
zh(['年轻'], adj('age', 0, -1));
zh(['老', '年老', '苍老'], adj('age', 1, 1));
zh(['帽子'], thing('hat', 1));
zh(['耳环', '耳坠'], thing('earrings', 1));

zh(['女人', '女性', '女孩', '女生', '女士'], { type: 'person', gender: 0 });
zh(['男人', '男性', '男孩', '男生', '男士'], { type: 'person', gender: 1 });
zh(['人'], { type: 'person', gender: undefined });

/**
 * Punctuation, shared by both languages (the tokenizer folds full-width and other marks onto these):
 * "," and "." end a clause; the Chinese enumeration comma 、 joins like "and".
 */
export const PUNCTUATION: ReadonlyMap<string, Meaning> = new Map<string, Meaning>([
  [',', { type: 'separator', strength: 'break' }],
  ['.', { type: 'separator', strength: 'break' }],
  ['、', { type: 'separator', strength: 'and' }],
]);

/**
 * Words that may stand between a negation carried over "and" and its thing ("remove the beard and
 * the moustache"); any other word ("make her smile", "add a hat") stops the negation.
 */
export const DETERMINERS: ReadonlySet<string> = new Set([
  'a', 'an', 'the', 'her', 'his', 'my', 'their', 'some', 'one', 'pair', 'of', '一副', '副', '一顶', '顶', '一对', '对', '个', '一个',
]);

/** Every entry, English first, in definition order. */
export const LEXICON: readonly LexiconEntry[] = entries;

function build(lang: Lang): Map<string, Meaning> {
  const map = new Map<string, Meaning>();
  for (const e of entries) {
    if (e.lang !== lang) continue;
    if (map.has(e.text)) throw new Error(`lexicon: duplicate ${lang} entry ${JSON.stringify(e.text)}`);
    map.set(e.text, e.meaning);
  }
  return map;
}

/** English phrase → meaning. */
export const EN_PHRASES: ReadonlyMap<string, Meaning> = build('en');
/** Chinese dictionary word → meaning. */
export const ZH_WORDS: ReadonlyMap<string, Meaning> = build('zh');

/** Every single English word used by some phrase (the tokenizer's English word list). */
export const EN_WORDS: ReadonlySet<string> = new Set(
  [...EN_PHRASES.keys()].flatMap((p) => p.split(' ')).filter((w) => /^[a-z]+$/.test(w)),
);

/** The longest Chinese dictionary word, in characters (bounds the longest-match search). */
export const ZH_MAX_WORD_LENGTH = Math.max(...[...ZH_WORDS.keys()].map((w) => w.length));
