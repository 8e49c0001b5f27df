import { applyEdits } from './edit';
import { parseCommand } from './parser';
import { EDITABLE_ATTRIBUTES, IDENTITY_TRAITS, valueOfLevel, type EditableAttributeName, type FaceAttributes, type FaceDescription, type IdentityTraits } from './schema';

/**
 * What a photo's captions say about it: each caption is parsed as a command ("a woman with long
 * hair and glasses" → hairLength long, eyewear glasses, gender 0); attributes no caption mentions
 * keep their default level and are marked unknown. Captions that do not parse are skipped.
 */
export function attributesFromCaptions(captions: readonly string[]): { face: FaceDescription; known: Set<EditableAttributeName> } {
  const attributes = Object.fromEntries(EDITABLE_ATTRIBUTES.map((a) => [a.name, valueOfLevel(a.name, a.defaultLevel)])) as FaceAttributes;
  const identity = Object.fromEntries(IDENTITY_TRAITS.map((t) => [t.name, t.kind === 'categorical' ? 0 : 0.5])) as IdentityTraits;
  const known = new Set<EditableAttributeName>();
  for (const text of captions) {
    let parsed;
    try {
      parsed = parseCommand(text);
    } catch {
      continue;
    }
    if (parsed.kind !== 'edit') continue;
    if (parsed.identity.gender !== undefined) identity.gender = parsed.identity.gender;
    for (const e of parsed.edits) {
      if (e.op !== 'set' && e.op !== 'remove') continue;
      Object.assign(attributes, applyEdits(attributes, [e]));
      known.add(e.attribute);
    }
  }
  return { face: { attributes, identity }, known };
}
