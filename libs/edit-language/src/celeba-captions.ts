/**
 * Captions of real faces written from their CelebA labels, in English and Chinese, the way
 * MM-CelebA-HQ wrote its texts from the attributes — in this vocabulary, so that the text encoder
 * reads them and the parser reads them back (issue "Real faces, part 3": the captioner grounded on
 * real (image, caption) pairs).
 */
import { CELEBA_FOR_IDENTITY, CELEBA_FOR_LEVEL, meetsCeleba } from './celeba';
import type { Lang } from './lexicon';
import type { RandomSource } from './random-source';
import type { Mention, Realizer } from './realize';
import { english } from './realize-en';
import { chinese } from './realize-zh';
import { EDITABLE_ATTRIBUTES, IDENTITY_TRAITS, valueOfLevel, type FaceAttributes, type FaceDescription, type IdentityTraits } from './schema';

const realizers: Record<Lang, Realizer> = { en: english, zh: chinese };

/** A level of an attribute the labels support, and whether a label says it outright (`positive`) rather than by a label's absence. */
export interface CelebaMention extends Mention {
  positive: boolean;
  isDefault: boolean;
}

/**
 * The attribute levels a face's labels support. Per attribute, the levels whose condition the labels
 * meet; when several do (glasses and sunglasses are both `Eyeglasses`; a smile with the mouth open
 * is both), the one with the most labels present, the first in the vocabulary's order on a tie.
 * Attributes CelebA does not label (eye size, hair length, red hair, thin eyebrows) are never stated.
 */
export function celebaMentions(labels: Readonly<Record<string, boolean>>): CelebaMention[] {
  const out: CelebaMention[] = [];
  for (const spec of EDITABLE_ATTRIBUTES) {
    let best: { level: number; present: number } | undefined;
    spec.levels.forEach((name, level) => {
      const c = CELEBA_FOR_LEVEL[spec.name][name];
      if (c == null || !meetsCeleba(c, labels)) return;
      if (best === undefined || c.present.length > best.present) best = { level, present: c.present.length };
    });
    if (best !== undefined) out.push({ attribute: spec.name, level: best.level, positive: best.present > 0, isDefault: best.level === spec.defaultLevel });
  }
  return out;
}

/** Gender from `Male` (0 woman, 1 man), undefined when the label is missing. */
export function celebaGender(labels: Readonly<Record<string, boolean>>): number | undefined {
  const g = CELEBA_FOR_IDENTITY.gender;
  if (g === undefined) return undefined;
  if (g['man'] != null && meetsCeleba(g['man'], labels)) return 1;
  if (g['woman'] != null && meetsCeleba(g['woman'], labels)) return 0;
  return undefined;
}

export interface CelebaCaptionOptions {
  lang?: Lang;
  /**
   * `full`: every level a label states outright and every non-default one, absences left out ("a
   * woman with brown wavy hair, smiling, wearing lipstick"); `partial`: each of those with
   * probability ½, each other supported level (absences: "no glasses") with ⅙, at least one.
   */
  mode?: 'full' | 'partial';
}

/**
 * A caption of a real face from its labels. Full captions name the person when `Male` is labelled;
 * partial ones sometimes leave the noun out. Null when the labels support nothing to say.
 */
export function describeCelebaFace(labels: Readonly<Record<string, boolean>>, rng: RandomSource, options: CelebaCaptionOptions = {}): string | null {
  const mode = options.mode ?? 'full';
  const realizer = realizers[options.lang ?? 'en'];
  if (realizer === undefined) throw new TypeError(`describeCelebaFace: lang must be "en" or "zh" (got ${JSON.stringify(options.lang)})`);
  const all = celebaMentions(labels);
  // Absences ("no beard", "no glasses") only in partial captions, as for generated faces.
  const absence = (m: CelebaMention): boolean => EDITABLE_ATTRIBUTES.find((s) => s.name === m.attribute)!.levels[m.level] === 'none';
  const stated = all.filter((m) => (m.positive || !m.isDefault) && !absence(m));
  let chosen: CelebaMention[];
  if (mode === 'full') chosen = stated;
  else {
    chosen = all.filter((m) => rng.next() < (stated.includes(m) ? 1 / 2 : 1 / 6));
    if (chosen.length === 0 && all.length > 0) chosen = [stated.length > 0 ? stated[Math.floor(rng.next() * stated.length)]! : all[Math.floor(rng.next() * all.length)]!];
  }
  if (chosen.length === 0) return null;
  const gender = celebaGender(labels);
  const withNoun = gender !== undefined && (mode === 'full' || rng.next() < 0.6);
  return realizer.describe(withNoun ? gender : undefined, chosen.map(({ attribute, level }) => ({ attribute, level })), rng);
}

/**
 * A real face's labels as a face description of this vocabulary, for writing commands and target
 * captions about it with the same realisers as generated faces: each attribute at the level its
 * labels support (`celebaMentions`), the schema's default level where CelebA says nothing (eye size,
 * hair length, red hair, thin eyebrows: unknown, never stated in a caption of the face), gender from
 * `Male`, the other identity traits at their neutral values. `known` lists the attributes the labels
 * state, the only ones a caption may claim.
 */
export function celebaFaceDescription(labels: Readonly<Record<string, boolean>>): { face: FaceDescription; known: Set<string> } {
  const mentions = new Map(celebaMentions(labels).map((m) => [m.attribute, m.level]));
  const attributes = Object.fromEntries(EDITABLE_ATTRIBUTES.map((s) => [s.name, valueOfLevel(s.name, mentions.get(s.name) ?? s.defaultLevel)])) as FaceAttributes;
  const gender = celebaGender(labels) ?? 0;
  const identity = Object.fromEntries(IDENTITY_TRAITS.map((t) => [t.name, t.name === 'gender' ? gender : t.kind === 'categorical' ? 0 : 0.5])) as IdentityTraits;
  return { face: { attributes, identity }, known: new Set(mentions.keys()) };
}
