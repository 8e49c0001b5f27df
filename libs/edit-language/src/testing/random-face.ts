/** Random faces for tests (face-synth has the real sampler; this lib cannot import it). */
import type { RandomSource } from '../random-source';
import type { FaceAttributes, FaceDescription, IdentityTraits } from '../schema';
import { EDITABLE_ATTRIBUTES, IDENTITY_TRAITS } from '../schema';

/** Every attribute uniformly over its levels (ordinals anywhere in [0, 1]); identity at random. */
export function randomFace(rng: RandomSource): FaceDescription {
  const attributes = {} as FaceAttributes;
  for (const spec of EDITABLE_ATTRIBUTES) {
    attributes[spec.name] = spec.kind === 'ordinal' ? rng.next() : Math.floor(rng.next() * spec.levels.length);
  }
  const identity = {} as IdentityTraits;
  for (const t of IDENTITY_TRAITS) identity[t.name] = t.kind === 'categorical' ? Math.floor(rng.next() * t.levels.length) : rng.next();
  return { attributes, identity };
}
