/**
 * The caption grammar: descriptions of a face ("a woman with long blond hair and big eyes") and edit
 * commands between two faces ("make the hair a bit longer", 大眼睛长头发), in English and Chinese,
 * drawn from a seeded random source so datasets are reproducible. Whatever it writes parses back:
 * a command to the edits that produced it, a description to the levels it mentions.
 */
import type { Edit } from './edit';
import { DEGREES, DEFAULT_DEGREE, applyEdits, canonicalEdit } from './edit';
import type { Lang } from './lexicon';
import type { RandomSource } from './random-source';
import { pick, randomInt, seededRandom, shuffled } from './random-source';
import type { Clause, Mention, Realizer } from './realize';
import { english } from './realize-en';
import { chinese } from './realize-zh';
import type { EditableAttributeName, FaceAttributes, FaceDescription, IdentityTraits } from './schema';
import { EDITABLE_ATTRIBUTES, EDITABLE_ATTRIBUTE_NAMES, IDENTITY_TRAITS, editableAttribute, levelOf, valueOfLevel } from './schema';

export interface DescribeOptions {
  /** `full`: every attribute not at its default level; `partial`: a random subset (defaults included). */
  mode?: 'full' | 'partial';
  lang?: Lang;
}

const realizers: Record<Lang, Realizer> = { en: english, zh: chinese };

function realizer(lang: Lang): Realizer {
  const r = realizers[lang];
  if (r === undefined) throw new TypeError(`captions: lang must be "en" or "zh" (got ${JSON.stringify(lang)})`);
  return r;
}

function checkAttributes(attributes: unknown, field: string): FaceAttributes {
  if (typeof attributes !== 'object' || attributes === null) throw new TypeError(`${field}: must be an object`);
  const record = attributes as Record<string, unknown>;
  for (const name of EDITABLE_ATTRIBUTE_NAMES) {
    const v = record[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${field}.${name}: must be a finite number`);
  }
  return attributes as FaceAttributes;
}

/**
 * The attributes a description states, with their levels. `full` states every non-default level;
 * `partial` states each non-default one with probability 1/2 and each default one with 1/6 (so
 * "brown hair" and "no glasses" also occur), at least one in all.
 */
export function describedMentions(attributes: FaceAttributes, rng: RandomSource, mode: 'full' | 'partial'): Mention[] {
  const all = EDITABLE_ATTRIBUTES.map((spec) => ({ attribute: spec.name, level: levelOf(spec.name, attributes[spec.name]), isDefault: false, spec }));
  for (const m of all) m.isDefault = m.level === m.spec.defaultLevel;
  if (mode === 'full') return all.filter((m) => !m.isDefault).map(({ attribute, level }) => ({ attribute, level }));
  let chosen = all.filter((m) => rng.next() < (m.isDefault ? 1 / 6 : 1 / 2));
  if (chosen.length === 0) {
    const nonDefault = all.filter((m) => !m.isDefault);
    chosen = [pick(rng, nonDefault.length > 0 ? nonDefault : all)];
  }
  return chosen.map(({ attribute, level }) => ({ attribute, level }));
}

/**
 * A caption of a face. Full descriptions always name the person ("a woman …", "一个…的男人");
 * partial ones sometimes leave the noun out ("long hair and glasses").
 */
export function describeFace(desc: FaceDescription, rng: RandomSource, options: DescribeOptions = {}): string {
  const mode = options.mode ?? 'full';
  if (mode !== 'full' && mode !== 'partial') throw new TypeError(`describeFace: mode must be "full" or "partial"`);
  const attributes = checkAttributes(desc?.attributes, 'describeFace: desc.attributes');
  const genderValue = desc.identity?.gender;
  if (typeof genderValue !== 'number' || !Number.isFinite(genderValue)) {
    throw new TypeError('describeFace: desc.identity.gender must be a finite number');
  }
  const gender = Math.min(1, Math.max(0, Math.round(genderValue)));
  const mentions = describedMentions(attributes, rng, mode);
  const withNoun = mode === 'full' || mentions.length === 0 || rng.next() < 0.6;
  return realizer(options.lang ?? 'en').describe(withNoun ? gender : undefined, mentions, rng);
}

/**
 * A partial caption that states exactly the given attributes of a face, at their levels (the
 * joint training's target: "the edited face has what the command asked for"). With `noun`, the
 * person is named ("a woman with long hair"); without, a noun-less description ("long hair").
 */
export function describeAttributes(
  desc: FaceDescription,
  names: readonly EditableAttributeName[],
  rng: RandomSource,
  options: { lang?: Lang; noun?: boolean } = {},
): string {
  const attributes = checkAttributes(desc?.attributes, 'describeAttributes: desc.attributes');
  if (names.length === 0) throw new RangeError('describeAttributes: no attributes to state');
  const seen = new Set<string>();
  const mentions: Mention[] = names.map((attribute) => {
    if (!(EDITABLE_ATTRIBUTE_NAMES as readonly string[]).includes(attribute)) throw new TypeError(`describeAttributes: unknown attribute ${JSON.stringify(attribute)}`);
    if (seen.has(attribute)) throw new TypeError(`describeAttributes: ${attribute} named twice`);
    seen.add(attribute);
    return { attribute, level: levelOf(attribute, attributes[attribute]) };
  });
  const gender = Math.min(1, Math.max(0, Math.round(Number(desc.identity?.gender ?? 0))));
  return realizer(options.lang ?? 'en').describe(options.noun === true ? gender : undefined, mentions, rng);
}

/** Comparative edits of an ordinal attribute that land `from` in the level of `to`. */
function comparativesReaching(attribute: EditableAttributeName, from: FaceAttributes, target: number): Edit[] {
  const out: Edit[] = [];
  const current = levelOf(attribute, from[attribute]);
  const op = target > current ? 'increase' : 'decrease';
  for (const degree of DEGREES) {
    const edit: Edit = { attribute, op, degree };
    if (levelOf(attribute, applyEdits(from, [edit])[attribute]) === target) out.push(edit);
  }
  return out;
}

/**
 * The edits that take `from` to the levels of `to`, one per attribute whose level differs.
 * Without `rng`: plain `set` / `remove`. With it, ordinal changes are sometimes said as comparatives
 * ("a bit longer") whose step really reaches the target level.
 */
export function editsBetween(from: FaceAttributes, to: FaceAttributes, rng?: RandomSource): Edit[] {
  checkAttributes(from, 'editsBetween: from');
  checkAttributes(to, 'editsBetween: to');
  const edits: Edit[] = [];
  for (const attribute of EDITABLE_ATTRIBUTE_NAMES) {
    const target = levelOf(attribute, to[attribute]);
    if (target === levelOf(attribute, from[attribute])) continue;
    if (editableAttribute(attribute).kind === 'ordinal' && rng !== undefined && rng.next() < 0.5) {
      const options = comparativesReaching(attribute, from, target);
      if (options.length > 0) {
        edits.push(pick(rng, options));
        continue;
      }
    }
    edits.push(canonicalEdit({ attribute, op: 'set', level: target, degree: DEFAULT_DEGREE }));
  }
  return edits;
}

/**
 * Random edits that each change `from` (for training pairs): 1…`maxEdits` distinct attributes,
 * each set to another level, removed, or (ordinal) made bigger/smaller by some degree.
 */
export function randomEdits(from: FaceAttributes, rng: RandomSource, maxEdits = 3): Edit[] {
  checkAttributes(from, 'randomEdits: from');
  const count = 1 + randomInt(rng, Math.max(1, Math.min(maxEdits, EDITABLE_ATTRIBUTE_NAMES.length)));
  const attributes = shuffled(rng, EDITABLE_ATTRIBUTE_NAMES).slice(0, count);
  return attributes.map((attribute) => {
    const spec = editableAttribute(attribute);
    const current = levelOf(attribute, from[attribute]);
    const others = spec.levels.map((_, i) => i).filter((i) => i !== current);
    if (spec.kind === 'ordinal' && rng.next() < 0.5) {
      const op = current === 0 ? 'increase' : current === spec.levels.length - 1 ? 'decrease' : pick(rng, ['increase', 'decrease'] as const);
      return { attribute, op, degree: pick(rng, DEGREES) };
    }
    const level = pick(rng, others);
    const degree = spec.kind === 'ordinal' && level !== 1 ? pick(rng, DEGREES) : DEFAULT_DEGREE;
    return canonicalEdit({ attribute, op: 'set', level, degree });
  });
}

/**
 * A command that turns `from` into `to` (target attributes, compared by level) or that says the given
 * edits. Clause order is shuffled when no attribute is edited twice (order then cannot matter).
 */
export function editCommandFor(
  from: FaceDescription,
  to: FaceAttributes | readonly Edit[],
  rng: RandomSource,
  lang: Lang = 'en',
): string {
  const r = realizer(lang);
  const attributes = checkAttributes(from?.attributes, 'editCommandFor: from.attributes');
  const edits = Array.isArray(to) ? (to as readonly Edit[]).map(canonicalEdit) : editsBetween(attributes, to as FaceAttributes, rng);
  if (edits.length === 0) throw new RangeError('editCommandFor: nothing to change (no edits, or `to` has the same levels)');
  const distinct = new Set(edits.map((e) => e.attribute)).size === edits.length;
  const ordered = distinct ? shuffled(rng, edits) : edits;
  // Each clause is realised against the face as it is when that clause applies.
  const gender = Math.round(Number(from.identity?.gender ?? 0)) === 1 ? 1 : 0;
  let state = attributes;
  const clauses: Clause[] = [];
  for (const edit of ordered) {
    clauses.push(r.editClause(edit, state, gender, rng));
    state = applyEdits(state, [edit]);
  }
  return r.join(clauses, rng);
}

/**
 * One command that says all of `edits` (in order), for a face whose state is unknown: the text a
 * live session's active edits are encoded from. Deterministic: the same edits give the same text.
 */
export function commandForEdits(edits: readonly Edit[], lang: Lang = 'en'): string {
  if (edits.length === 0) throw new RangeError('commandForEdits: no edits');
  const attributes = Object.fromEntries(EDITABLE_ATTRIBUTES.map((spec) => [spec.name, valueOfLevel(spec.name, spec.defaultLevel)])) as FaceAttributes;
  const identity = Object.fromEntries(IDENTITY_TRAITS.map((t) => [t.name, t.kind === 'categorical' ? 0 : 0.5])) as IdentityTraits;
  const plain = edits.map((e) => canonicalEdit({ attribute: e.attribute, op: e.op, degree: e.degree, ...(e.level !== undefined ? { level: e.level } : {}) }));
  return editCommandFor({ attributes, identity }, plain, seededRandom(1), lang);
}
