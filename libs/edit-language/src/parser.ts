/**
 * Utterance → control action or edits. The grammar is deliberately small and the same for both
 * languages once words have meanings:
 *
 * - A command is clauses split by "and" / "," / 、 / 然后. Control words ("undo") stand alone.
 * - An adjective attaches to the noun right after it ("long blond hair", 大眼睛) or else to the noun
 *   before it ("make the hair longer", 头发长一点); the noun picks among its senses ("normal eyes").
 * - Degree words attach to an adjective; Chinese 一点 / 得多 after an adjective also make it
 *   comparative (头发长一点 = "a bit longer hair"), as do 更 / 再 / 变 before it.
 * - A negation applies to the next head (adjective or thing noun); "off" and a Chinese negation right
 *   after a thing (把胡子去掉) apply to the one before. It carries over "and" to bare thing nouns
 *   ("remove the beard and moustache").
 * - Spoken text has no commas, so clauses may also just follow each other ("long hair no glasses"):
 *   an adjective only reaches forward over other modifiers and 的, never over a verb like "make".
 * Anything that does not fit is an `InvalidCommandError` that names the words involved.
 */
import type { Edit } from './edit';
import { DEFAULT_DEGREE, canonicalEdit, isRemovable } from './edit';
import { InvalidCommandError } from './errors';
import type { AdjectiveSense, ControlAction, Meaning } from './lexicon';
import { DETERMINERS, EN_PHRASES, PUNCTUATION, ZH_WORDS } from './lexicon';
import type { EditableAttributeName } from './schema';
import { editableAttribute } from './schema';
import { tokenize } from './tokenizer';

export type ParsedCommand =
  | { kind: 'control'; action: ControlAction; tokens: string[] }
  | {
      kind: 'edit';
      edits: Edit[];
      tokens: string[];
      /** Identity the text mentions ("a woman"): captions carry it; it is never an edit. */
      identity: { gender?: number };
    };

interface Item {
  readonly meaning: Meaning;
  readonly text: string;
}

const MAX_PHRASE_WORDS = Math.max(...[...EN_PHRASES.keys()].map((p) => p.split(' ').length));

/** Tokens → items, matching the longest English phrase at each position. */
function toItems(tokens: readonly string[]): Item[] {
  const items: Item[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i] as string;
    const fixed = PUNCTUATION.get(t) ?? ZH_WORDS.get(t);
    if (fixed !== undefined) {
      items.push({ meaning: fixed, text: t });
      i++;
      continue;
    }
    let matched = false;
    for (let n = Math.min(MAX_PHRASE_WORDS, tokens.length - i); n > 0 && !matched; n--) {
      const phrase = tokens.slice(i, i + n).join(' ');
      const meaning = EN_PHRASES.get(phrase);
      if (meaning !== undefined) {
        items.push({ meaning, text: phrase });
        i += n;
        matched = true;
      }
    }
    if (!matched) {
      const uses = [...EN_PHRASES.keys()].filter((p) => p.split(' ').includes(t));
      throw new InvalidCommandError(
        `command: ${JSON.stringify(t)} is only used in ${uses.map((u) => JSON.stringify(u)).join(', ')}`,
      );
    }
  }
  return items;
}

interface Head {
  readonly index: number;
  readonly item: Item;
  /** For adjectives: the senses left after the noun chose; for things: their one sense. */
  senses: readonly AdjectiveSense[];
  comparative: boolean;
  degree: number | undefined;
  negations: number;
  positive: boolean;
  isThing: boolean;
}

const quote = (s: string): string => JSON.stringify(s);

function typeOf(item: Item | undefined): Meaning['type'] | undefined {
  return item?.meaning.type;
}

/** Index of the first item from `from` in direction `step` that `skip` does not pass over, or -1. */
function scan(items: readonly Item[], from: number, step: 1 | -1, skip: (item: Item) => boolean): number {
  let j = from;
  while (j >= 0 && j < items.length && skip(items[j] as Item)) j += step;
  return j >= 0 && j < items.length ? j : -1;
}

const among =
  (...types: Meaning['type'][]) =>
  (item: Item): boolean =>
    types.includes(item.meaning.type);
/** Between an adjective and a noun after it: adjectives, degrees, determiners, 的 ("open the mouth", 很长的头发). */
const RIGHT_OF_ADJECTIVE = (item: Item): boolean =>
  among('degree', 'comparative', 'adjective')(item) ||
  (item.meaning.type === 'filler' && (item.text === '的' || DETERMINERS.has(item.text)));
/** Between a noun and an adjective after it: anything but another head ("make the hair a bit longer"). */
const LEFT_OF_ADJECTIVE = among('filler', 'degree', 'comparative', 'adjective');
const MOD_SKIP = among('filler', 'degree', 'comparative', 'negation', 'positive');
const FILLER_ONLY = among('filler');

function attributeList(attrs: readonly EditableAttributeName[]): string {
  return attrs.join(' / ');
}

interface ClauseResult {
  heads: Head[];
}

function parseClause(items: readonly Item[]): ClauseResult {
  const heads = new Map<number, Head>();

  items.forEach((item, index) => {
    const m = item.meaning;
    if (m.type === 'adjective') {
      heads.set(index, { index, item, senses: m.senses, comparative: m.comparative, degree: undefined, negations: 0, positive: false, isThing: false });
    } else if (m.type === 'thing') {
      heads.set(index, { index, item, senses: [{ attribute: m.attribute, level: m.level, dir: 0 }], comparative: false, degree: undefined, negations: 0, positive: false, isThing: true });
    }
  });

  // Adjectives choose their noun: a tight prenominal chain after them ("long blond hair", 更长的头发),
  // else the noun before them ("make the eyebrows medium", 头发长一点), else a looser one after.
  const sensesWith = (head: Head, j: number): readonly AdjectiveSense[] | undefined => {
    const m = items[j]?.meaning;
    if (m?.type !== 'noun') return undefined;
    const senses = head.senses.filter((sense) => m.attributes.includes(sense.attribute));
    return senses.length > 0 ? senses : undefined;
  };
  const nounOf = new Map<Head, number>();
  const adjectives = [...heads.values()].filter((h) => !h.isThing);
  for (const head of adjectives) {
    const right = scan(items, head.index + 1, 1, RIGHT_OF_ADJECTIVE);
    const left = scan(items, head.index - 1, -1, LEFT_OF_ADJECTIVE);
    const tight = items
      .slice(head.index + 1, Math.max(right, head.index + 1))
      .every((it) => (it.meaning.type === 'adjective' && !it.meaning.comparative) || it.meaning.type === 'filler');
    const viaRight = right >= 0 && sensesWith(head, right) !== undefined;
    const viaLeft = left >= 0 && sensesWith(head, left) !== undefined;
    if (viaRight && (tight || !viaLeft)) nounOf.set(head, right);
    else if (viaLeft) nounOf.set(head, left);
    else if (
      right >= 0 &&
      typeOf(items[right]) === 'noun' &&
      // Only when nothing else could own that noun: "bigger hair" is wrong, while "old normal eyes" and
      // "thicker smile" are two clauses of speech that lost its commas.
      items.slice(head.index + 1, right).every((it) => it.meaning.type === 'filler')
    ) {
      throw new InvalidCommandError(`command: ${quote(head.item.text)} does not go with ${quote(items[right]?.text ?? '')}`);
    }
  }
  // Repair: a noun left without adjective takes one that reaches back to it, if that adjective's
  // noun keeps another ("make her hair a little longer red wavy hair" is two clauses).
  const users = (j: number): number => [...nounOf.values()].filter((n) => n === j).length;
  items.forEach((item, j) => {
    if (item.meaning.type !== 'noun' || users(j) > 0) return;
    const taker = adjectives.find(
      (h) =>
        h.index > j &&
        scan(items, h.index - 1, -1, LEFT_OF_ADJECTIVE) === j &&
        sensesWith(h, j) !== undefined &&
        (nounOf.get(h) === undefined || users(nounOf.get(h) as number) > 1),
    );
    if (taker !== undefined) nounOf.set(taker, j);
  });
  const usedNouns = new Set(nounOf.values());
  for (const head of adjectives) {
    const noun = nounOf.get(head);
    if (noun !== undefined) head.senses = sensesWith(head, noun) ?? head.senses;
    const attributes = [...new Set(head.senses.map((sense) => sense.attribute))];
    if (attributes.length > 1) {
      throw new InvalidCommandError(
        `command: ${quote(head.item.text)} is ambiguous (${attributeList(attributes)}): name what it describes, e.g. "${head.item.text} eyes"`,
      );
    }
  }

  items.forEach((item, index) => {
    const m = item.meaning;
    if (m.type === 'noun' && !usedNouns.has(index)) {
      throw new InvalidCommandError(`command: ${quote(item.text)} needs a word saying how to change it (e.g. "long hair", "bigger eyes")`);
    }
  });

  const ordered = [...heads.values()].sort((a, b) => a.index - b.index);
  const nextHead = (index: number): Head | undefined => ordered.find((h) => h.index > index);
  const previousHead = (index: number): Head | undefined => ordered.filter((h) => h.index < index).pop();
  const adjectiveAt = (j: number): Head | undefined => {
    const h = heads.get(j);
    return h !== undefined && !h.isThing ? h : undefined;
  };

  items.forEach((item, index) => {
    const m = item.meaning;
    if (m.type === 'degree') {
      const ahead = adjectiveAt(scan(items, index + 1, 1, MOD_SKIP));
      const behind = adjectiveAt(scan(items, index - 1, -1, FILLER_ONLY));
      const target = m.attach === 'prev' ? (behind ?? ahead) : (ahead ?? behind);
      if (target === undefined) throw new InvalidCommandError(`command: ${quote(item.text)} has nothing to modify`);
      target.degree = m.value;
      if (m.attach === 'prev' && target === behind) target.comparative = true;
    } else if (m.type === 'comparative') {
      const target = adjectiveAt(scan(items, index + 1, 1, MOD_SKIP));
      if (target === undefined) throw new InvalidCommandError(`command: ${quote(item.text)} needs an adjective after it`);
      target.comparative = true;
    } else if (m.type === 'positive') {
      const target = nextHead(index) ?? previousHead(index);
      if (target === undefined) throw new InvalidCommandError(`command: ${quote(item.text)} needs something to add`);
      target.positive = true;
    }
  });

  // Negations last, so they can see which things a positive verb already claimed (戴眼镜去掉胡子).
  items.forEach((item, index) => {
    const m = item.meaning;
    if (m.type !== 'negation') return;
    const before = heads.get(index - 1);
    const adjacentThing = before !== undefined && before.isThing && !before.positive ? before : undefined;
    const target =
      m.attach === 'prev'
        ? (previousHead(index) ?? nextHead(index))
        : m.attach === 'either' && adjacentThing !== undefined
          ? adjacentThing
          : (nextHead(index) ?? previousHead(index));
    if (target === undefined) throw new InvalidCommandError(`command: ${quote(item.text)} needs something to remove`);
    target.negations++;
  });

  return { heads: ordered };
}

function editOf(head: Head): Edit {
  const sense = head.senses[0];
  if (sense === undefined) throw new InvalidCommandError(`command: ${quote(head.item.text)} has no meaning here`);
  const { attribute, level, dir } = sense;
  const spec = editableAttribute(attribute);
  const ordinal = spec.kind === 'ordinal';
  const text = quote(head.item.text);
  if (head.negations > 1) throw new InvalidCommandError(`command: ${text} is negated twice`);
  if (head.negations === 1) {
    if (head.comparative) throw new InvalidCommandError(`command: a comparative (${text}) cannot be negated`);
    if (isRemovable(attribute)) {
      if (level === 0) throw new InvalidCommandError(`command: ${text} is already an absence; it cannot be negated`);
      return { attribute, op: 'remove', degree: DEFAULT_DEGREE };
    }
    if (spec.kind === 'binary') return { attribute, op: 'set', level: 1 - level, degree: DEFAULT_DEGREE };
    throw new InvalidCommandError(`command: ${text} cannot be negated; say what it should be instead`);
  }
  if (head.comparative && ordinal) {
    if (dir === 0) throw new InvalidCommandError(`command: ${text} has no comparative`);
    return { attribute, op: dir > 0 ? 'increase' : 'decrease', degree: head.degree ?? DEFAULT_DEGREE };
  }
  return { attribute, op: 'set', level, degree: ordinal ? (head.degree ?? DEFAULT_DEGREE) : DEFAULT_DEGREE };
}

/**
 * Parses one typed or recognised utterance (≤ `MAX_COMMAND_LENGTH` characters).
 * Throws `InputTooLongError`, `UnknownWordError` (with suggestions) or `InvalidCommandError`.
 */
export function parseCommand(text: string): ParsedCommand {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new InvalidCommandError('command: empty');
  const items = toItems(tokens);

  const controls = items.filter((it) => it.meaning.type === 'control');
  if (controls.length > 0) {
    const actions = new Set(controls.map((it) => (it.meaning.type === 'control' ? it.meaning.action : 'undo')));
    const others = items.filter((it) => !['control', 'filler', 'separator'].includes(it.meaning.type));
    const [action] = actions;
    if (actions.size > 1 || others.length > 0 || action === undefined) {
      throw new InvalidCommandError('command: undo, redo and reset must be said on their own');
    }
    return { kind: 'control', action, tokens };
  }

  const identity: { gender?: number } = {};
  for (const it of items) {
    if (it.meaning.type === 'person' && it.meaning.gender !== undefined) identity.gender = it.meaning.gender;
  }

  // Clauses, each remembering how it was joined to the previous one.
  const clauses: { items: Item[]; joinedByAnd: boolean }[] = [{ items: [], joinedByAnd: false }];
  for (const it of items) {
    if (it.meaning.type === 'separator') clauses.push({ items: [], joinedByAnd: it.meaning.strength === 'and' });
    else clauses[clauses.length - 1]?.items.push(it);
  }

  const edits: Edit[] = [];
  let carryNegation = false;
  for (const clause of clauses) {
    const { heads } = parseClause(clause.items);
    if (heads.length === 0) {
      if (!clause.joinedByAnd) carryNegation = false;
      continue;
    }
    const only = heads[0];
    if (
      clause.joinedByAnd &&
      carryNegation &&
      heads.length === 1 &&
      only !== undefined &&
      only.isThing &&
      only.negations === 0 &&
      !only.positive &&
      clause.items.every((it) => it === only.item || DETERMINERS.has(it.text))
    ) {
      only.negations = 1;
    }
    carryNegation = heads.every((h) => h.negations > 0);
    for (const head of heads) edits.push(canonicalEdit(editOf(head)));
  }

  if (edits.length === 0 && identity.gender === undefined && !items.some((it) => it.meaning.type === 'person')) {
    throw new InvalidCommandError('command: nothing to change');
  }
  return { kind: 'edit', edits, tokens, identity };
}
