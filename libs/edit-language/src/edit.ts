/**
 * What a parsed command asks for, and what it does to a face's attributes.
 *
 * Degrees: one number in (0, 1] per edit. "a bit" / "slightly" / 一点 = 0.3, no degree word = 0.6,
 * "much" / "a lot" / "very" / 很 = 1. Degree only changes ordinal attributes (hair length, eye size,
 * eyebrows); for binary and categorical attributes levels are discrete, so their edits always carry
 * `DEFAULT_DEGREE` (the words are still kept in the token list the text encoder reads).
 */
import { EDITABLE_ATTRIBUTE_NAMES, editableAttribute, levelOf, valueOfLevel } from './schema';
import type { EditableAttributeName, FaceAttributes } from './schema';

export type EditOp = 'set' | 'remove' | 'increase' | 'decrease';

export interface Edit {
  attribute: EditableAttributeName;
  op: EditOp;
  /** The level asked for; present only for `set`. `remove` means level 0 (absence). */
  level?: number;
  /** Strength in (0, 1], see the module comment. */
  degree: number;
}

export const SLIGHT_DEGREE = 0.3;
export const DEFAULT_DEGREE = 0.6;
export const STRONG_DEGREE = 1;
export const DEGREES = [SLIGHT_DEGREE, DEFAULT_DEGREE, STRONG_DEGREE] as const;

/** Attributes whose level 0 is an absence ("no glasses", "no smile"), so `remove` means something. */
export function isRemovable(attribute: EditableAttributeName): boolean {
  const first = editableAttribute(attribute).levels[0];
  return first === 'none' || first === 'neutral';
}

/** The nearest of the three degrees words can say. */
export function snapDegree(degree: number): number {
  let best: number = DEFAULT_DEGREE;
  for (const d of DEGREES) if (Math.abs(d - degree) < Math.abs(best - degree)) best = d;
  return best;
}

/**
 * The form of an edit that words can say and the parser gives back: ordinal degrees snapped to the
 * three degree values, other attributes at `DEFAULT_DEGREE`, no `level` except on `set`, and a `set`
 * to level 0 of a removable attribute written as `remove`.
 * Throws a TypeError naming the field for an edit no command can express.
 */
export function canonicalEdit(edit: Edit): Edit {
  const { attribute, op } = edit;
  if (!(EDITABLE_ATTRIBUTE_NAMES as readonly string[]).includes(attribute)) {
    throw new TypeError(`edit.attribute: unknown attribute ${JSON.stringify(attribute)}`);
  }
  if (typeof edit.degree !== 'number' || !(edit.degree > 0 && edit.degree <= 1)) {
    throw new TypeError(`edit.degree: must be in (0, 1] (got ${String(edit.degree)})`);
  }
  const spec = editableAttribute(attribute);
  const degree = spec.kind === 'ordinal' ? snapDegree(edit.degree) : DEFAULT_DEGREE;
  switch (op) {
    case 'set': {
      const level = edit.level;
      if (level === undefined || !Number.isInteger(level) || level < 0 || level >= spec.levels.length) {
        throw new TypeError(`edit.level: ${attribute} has levels 0…${spec.levels.length - 1} (got ${String(level)})`);
      }
      // "close the mouth" and "no smile" do the same thing: one canonical form.
      if (level === 0 && isRemovable(attribute)) return { attribute, op: 'remove', degree: DEFAULT_DEGREE };
      return { attribute, op, level, degree };
    }
    case 'remove':
      if (!isRemovable(attribute)) throw new TypeError(`edit.op: ${attribute} cannot be removed`);
      return { attribute, op, degree };
    case 'increase':
    case 'decrease':
      if (spec.kind !== 'ordinal') throw new TypeError(`edit.op: ${attribute} is not ordinal, cannot ${op}`);
      return { attribute, op, degree };
    default:
      throw new TypeError(`edit.op: unknown op ${JSON.stringify(op)}`);
  }
}

/**
 * The value a `set` gives an ordinal attribute: the level's centre, pushed outward (towards 0 or 1)
 * for the extreme levels by the degree, so "very long hair" is longer than "long hair" and
 * "slightly long hair" is shorter, while all three stay inside the "long" bin.
 */
export function ordinalSetValue(attribute: EditableAttributeName, level: number, degree: number): number {
  const spec = editableAttribute(attribute);
  const n = spec.levels.length;
  const centre = valueOfLevel(attribute, level);
  const outward = level === 0 ? -1 : level === n - 1 ? 1 : 0;
  return centre + outward * (degree - DEFAULT_DEGREE) * (0.5 / n);
}

/** How far an increase/decrease moves an ordinal value: `degree` levels' widths × this. */
export const ORDINAL_STEP_LEVELS = 1;

/** A new attribute record with the edits applied in order (the input is not modified). */
export function applyEdits(attributes: FaceAttributes, edits: readonly Edit[]): FaceAttributes {
  const out: FaceAttributes = { ...attributes };
  for (const raw of edits) {
    const edit = canonicalEdit(raw);
    const spec = editableAttribute(edit.attribute);
    const n = spec.levels.length;
    switch (edit.op) {
      case 'set':
        out[edit.attribute] =
          spec.kind === 'ordinal'
            ? ordinalSetValue(edit.attribute, edit.level ?? 0, edit.degree)
            : (edit.level ?? 0);
        break;
      case 'remove':
        out[edit.attribute] = 0;
        break;
      case 'increase':
      case 'decrease': {
        const sign = edit.op === 'increase' ? 1 : -1;
        const next = out[edit.attribute] + (sign * edit.degree * ORDINAL_STEP_LEVELS) / n;
        out[edit.attribute] = Math.min(1, Math.max(0, next));
        break;
      }
    }
  }
  return out;
}

/** The level of every attribute (handy to compare faces after edits). */
export function levelsOf(attributes: FaceAttributes): Record<EditableAttributeName, number> {
  const out = {} as Record<EditableAttributeName, number>;
  for (const name of EDITABLE_ATTRIBUTE_NAMES) out[name] = levelOf(name, attributes[name]);
  return out;
}
