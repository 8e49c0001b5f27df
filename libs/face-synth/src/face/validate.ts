import {
  EDITABLE_ATTRIBUTE_NAMES,
  IDENTITY_TRAIT_NAMES,
  editableAttribute,
  identityTrait,
  type FaceDescription,
} from '@lfe/edit-language';

function maxOf(kind: string, levels: readonly string[]): number {
  return kind === 'ordinal' || kind === 'continuous' ? 1 : levels.length - 1;
}

/**
 * A validated copy of a face description: every attribute and trait present and finite, clamped to
 * its range (edits may push a value slightly past its end). Throws a TypeError naming the field.
 */
export function checkDescription(desc: unknown): FaceDescription {
  if (typeof desc !== 'object' || desc === null) throw new TypeError('face: description must be an object');
  const { attributes, identity } = desc as Partial<FaceDescription>;
  if (typeof attributes !== 'object' || attributes === null) throw new TypeError('face: attributes must be an object');
  if (typeof identity !== 'object' || identity === null) throw new TypeError('face: identity must be an object');
  // A fresh object with exactly the schema's fields: unknown keys are dropped, the input is untouched.
  const out = { attributes: {}, identity: {} } as FaceDescription;
  for (const name of EDITABLE_ATTRIBUTE_NAMES) {
    const v: unknown = (attributes as Record<string, unknown>)[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`face: attributes.${name} must be a finite number`);
    const spec = editableAttribute(name);
    out.attributes[name] = Math.min(maxOf(spec.kind, spec.levels), Math.max(0, v));
  }
  for (const name of IDENTITY_TRAIT_NAMES) {
    const v: unknown = (identity as Record<string, unknown>)[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`face: identity.${name} must be a finite number`);
    const spec = identityTrait(name);
    // The background hue wraps around; everything else clamps.
    out.identity[name] = name === 'background' ? ((v % 1) + 1) % 1 : Math.min(maxOf(spec.kind, spec.levels), Math.max(0, v));
  }
  return out;
}
