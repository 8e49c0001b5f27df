/**
 * The attribute schema: the one definition of what a face in our world has, what users may edit,
 * and what edits must keep. face-synth renders it, the judge predicts it, captions describe it.
 *
 * Value convention (one number per attribute, see `FaceAttributes`):
 * - `ordinal` attributes are continuous in [0, 1]; their levels are equal-width bins
 *   (e.g. eyeSize 0.1 = small, 0.5 = normal, 0.9 = big). Degree words move the value.
 * - `binary` and `categorical` attributes hold a level index (0 = the first level).
 * - `continuous` identity traits are in [0, 1] (meaning per trait below).
 */

export type AttributeKind = 'binary' | 'categorical' | 'ordinal';

export interface EditableAttributeSpec {
  readonly name: EditableAttributeName;
  readonly kind: AttributeKind;
  /** Level names, in order. Binary attributes are `[absent, present]`. */
  readonly levels: readonly string[];
  /** Level index a freshly sampled face most often has (absence for binary). */
  readonly defaultLevel: number;
}

export const EDITABLE_ATTRIBUTE_NAMES = [
  'hairLength',
  'hairColor',
  'bangs',
  'curlyHair',
  'eyeSize',
  'eyewear',
  'expression',
  'beard',
  'moustache',
  'lipstick',
  'eyebrows',
  'age',
  'hat',
  'earrings',
] as const;
export type EditableAttributeName = (typeof EDITABLE_ATTRIBUTE_NAMES)[number];

export const EDITABLE_ATTRIBUTES: readonly EditableAttributeSpec[] = [
  { name: 'hairLength', kind: 'ordinal', levels: ['short', 'medium', 'long'], defaultLevel: 1 },
  { name: 'hairColor', kind: 'categorical', levels: ['black', 'brown', 'blond', 'red', 'gray'], defaultLevel: 1 },
  { name: 'bangs', kind: 'binary', levels: ['none', 'bangs'], defaultLevel: 0 },
  { name: 'curlyHair', kind: 'binary', levels: ['straight', 'curly'], defaultLevel: 0 },
  { name: 'eyeSize', kind: 'ordinal', levels: ['small', 'normal', 'big'], defaultLevel: 1 },
  { name: 'eyewear', kind: 'categorical', levels: ['none', 'glasses', 'sunglasses'], defaultLevel: 0 },
  { name: 'expression', kind: 'categorical', levels: ['neutral', 'smile', 'open'], defaultLevel: 0 },
  { name: 'beard', kind: 'binary', levels: ['none', 'beard'], defaultLevel: 0 },
  { name: 'moustache', kind: 'binary', levels: ['none', 'moustache'], defaultLevel: 0 },
  { name: 'lipstick', kind: 'binary', levels: ['none', 'lipstick'], defaultLevel: 0 },
  { name: 'eyebrows', kind: 'ordinal', levels: ['thin', 'normal', 'thick'], defaultLevel: 1 },
  { name: 'age', kind: 'binary', levels: ['young', 'old'], defaultLevel: 0 },
  { name: 'hat', kind: 'binary', levels: ['none', 'hat'], defaultLevel: 0 },
  { name: 'earrings', kind: 'binary', levels: ['none', 'earrings'], defaultLevel: 0 },
];

export type IdentityTraitKind = 'categorical' | 'continuous';

export interface IdentityTraitSpec {
  readonly name: IdentityTraitName;
  readonly kind: IdentityTraitKind;
  /** Categorical levels; empty for continuous traits. */
  readonly levels: readonly string[];
  /** What 0 and 1 mean for a continuous trait. */
  readonly meaning: string;
}

export const IDENTITY_TRAIT_NAMES = [
  'gender',
  'skinTone',
  'faceWidth',
  'noseSize',
  'eyeColor',
  'headX',
  'headY',
  'headScale',
  'headRoll',
  'background',
] as const;
export type IdentityTraitName = (typeof IDENTITY_TRAIT_NAMES)[number];

export const IDENTITY_TRAITS: readonly IdentityTraitSpec[] = [
  { name: 'gender', kind: 'categorical', levels: ['woman', 'man'], meaning: 'presentation (face shape, caption noun)' },
  { name: 'skinTone', kind: 'continuous', levels: [], meaning: '0 = lightest, 1 = darkest skin' },
  { name: 'faceWidth', kind: 'continuous', levels: [], meaning: '0 = narrow, 1 = wide face' },
  { name: 'noseSize', kind: 'continuous', levels: [], meaning: '0 = small, 1 = large nose' },
  { name: 'eyeColor', kind: 'categorical', levels: ['brown', 'blue', 'green'], meaning: 'iris colour' },
  { name: 'headX', kind: 'continuous', levels: [], meaning: 'horizontal head offset, 0.5 = centred' },
  { name: 'headY', kind: 'continuous', levels: [], meaning: 'vertical head offset, 0.5 = centred' },
  { name: 'headScale', kind: 'continuous', levels: [], meaning: 'head size jitter, 0.5 = nominal' },
  { name: 'headRoll', kind: 'continuous', levels: [], meaning: 'in-plane tilt, 0.5 = upright, 0/1 = ±12°' },
  { name: 'background', kind: 'continuous', levels: [], meaning: 'background hue in turns (0–1)' },
];

/** One number per editable attribute (see the value convention above). */
export type FaceAttributes = Record<EditableAttributeName, number>;
/** One number per identity trait (level index for categorical, [0, 1] for continuous). */
export type IdentityTraits = Record<IdentityTraitName, number>;

/** Everything that defines a face of our world. */
export interface FaceDescription {
  attributes: FaceAttributes;
  identity: IdentityTraits;
}

/** Bump when the schema changes: datasets and models record it and refuse a mismatch. */
export const SCHEMA_VERSION = 1;

const editableByName = new Map(EDITABLE_ATTRIBUTES.map((a) => [a.name, a]));
const identityByName = new Map(IDENTITY_TRAITS.map((t) => [t.name, t]));

export function editableAttribute(name: EditableAttributeName): EditableAttributeSpec {
  const spec = editableByName.get(name);
  if (spec === undefined) throw new TypeError(`schema: unknown editable attribute "${String(name)}"`);
  return spec;
}

export function identityTrait(name: IdentityTraitName): IdentityTraitSpec {
  const spec = identityByName.get(name);
  if (spec === undefined) throw new TypeError(`schema: unknown identity trait "${String(name)}"`);
  return spec;
}

/** The level index of an attribute value (bins for ordinal, rounding for the others). */
export function levelOf(name: EditableAttributeName, value: number): number {
  const spec = editableAttribute(name);
  const n = spec.levels.length;
  if (spec.kind === 'ordinal') return Math.min(n - 1, Math.max(0, Math.floor(value * n)));
  return Math.min(n - 1, Math.max(0, Math.round(value)));
}

/** The value at the centre of a level (ordinal) or the level index itself (binary/categorical). */
export function valueOfLevel(name: EditableAttributeName, level: number): number {
  const spec = editableAttribute(name);
  if (!Number.isInteger(level) || level < 0 || level >= spec.levels.length) {
    throw new RangeError(`schema: ${name} has no level ${level} (0…${spec.levels.length - 1})`);
  }
  return spec.kind === 'ordinal' ? (level + 0.5) / spec.levels.length : level;
}
