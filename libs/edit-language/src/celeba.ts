import { EDITABLE_ATTRIBUTES, type EditableAttributeName, type IdentityTraitName } from './schema';
import type { Edit } from './edit';
import { UnsupportedEditError } from './errors';

/** The 40 CelebA attribute labels, in the order of CelebA's attribute files. */
export const CELEBA_LABELS = [
  '5_o_Clock_Shadow', 'Arched_Eyebrows', 'Attractive', 'Bags_Under_Eyes', 'Bald', 'Bangs', 'Big_Lips', 'Big_Nose',
  'Black_Hair', 'Blond_Hair', 'Blurry', 'Brown_Hair', 'Bushy_Eyebrows', 'Chubby', 'Double_Chin', 'Eyeglasses',
  'Goatee', 'Gray_Hair', 'Heavy_Makeup', 'High_Cheekbones', 'Male', 'Mouth_Slightly_Open', 'Mustache', 'Narrow_Eyes',
  'No_Beard', 'Oval_Face', 'Pale_Skin', 'Pointy_Nose', 'Receding_Hairline', 'Rosy_Cheeks', 'Sideburns', 'Smiling',
  'Straight_Hair', 'Wavy_Hair', 'Wearing_Earrings', 'Wearing_Hat', 'Wearing_Lipstick', 'Wearing_Necklace', 'Wearing_Necktie', 'Young',
] as const;
export type CelebaLabel = (typeof CELEBA_LABELS)[number];

/**
 * How a level of the vocabulary reads in CelebA labels: every label in `present` is 1 and every label
 * in `absent` is -1. Null where CelebA has no label for it (red hair, thin eyebrows) and for the two
 * attributes the method's own example uses that CelebA never labelled (eye size, hair length: they
 * get measured values instead, issue "Real faces, part 1").
 */
export interface CelebaCondition {
  readonly present: readonly CelebaLabel[];
  readonly absent: readonly CelebaLabel[];
}

const has = (...present: CelebaLabel[]): CelebaCondition => ({ present, absent: [] });
const not = (...absent: CelebaLabel[]): CelebaCondition => ({ present: [], absent });

export const CELEBA_FOR_LEVEL: Readonly<Record<EditableAttributeName, Readonly<Record<string, CelebaCondition | null>>>> = {
  hairLength: { short: null, medium: null, long: null },
  hairColor: { black: has('Black_Hair'), brown: has('Brown_Hair'), blond: has('Blond_Hair'), red: null, gray: has('Gray_Hair') },
  bangs: { none: not('Bangs'), bangs: has('Bangs') },
  curlyHair: { straight: has('Straight_Hair'), curly: has('Wavy_Hair') },
  eyeSize: { small: has('Narrow_Eyes'), normal: null, big: null },
  // CelebA's Eyeglasses covers sunglasses too.
  eyewear: { none: not('Eyeglasses'), glasses: has('Eyeglasses'), sunglasses: has('Eyeglasses') },
  expression: { neutral: not('Smiling', 'Mouth_Slightly_Open'), smile: has('Smiling'), open: has('Mouth_Slightly_Open') },
  beard: { none: has('No_Beard'), beard: not('No_Beard') },
  moustache: { none: not('Mustache'), moustache: has('Mustache') },
  lipstick: { none: not('Wearing_Lipstick'), lipstick: has('Wearing_Lipstick') },
  eyebrows: { thin: null, normal: null, thick: has('Bushy_Eyebrows') },
  age: { young: has('Young'), old: not('Young') },
  hat: { none: not('Wearing_Hat'), hat: has('Wearing_Hat') },
  earrings: { none: not('Wearing_Earrings'), earrings: has('Wearing_Earrings') },
};

export const CELEBA_FOR_IDENTITY: Readonly<Partial<Record<IdentityTraitName, Readonly<Record<string, CelebaCondition | null>>>>> = {
  gender: { woman: not('Male'), man: has('Male') },
};

/** Whether a face's labels (name → true/false) satisfy a condition. */
export function meetsCeleba(c: CelebaCondition, labels: Readonly<Record<string, boolean>>): boolean {
  return c.present.every((l) => labels[l] === true) && c.absent.every((l) => labels[l] === false);
}

/**
 * What the real-face model can be asked for: every level CelebA labels, plus eye size and hair
 * length, which it measures (issue "Real faces, part 1": eye opening from landmarks, a hair-length
 * proxy). `attribute=level` keys; ordinal attributes also move by comparatives ("bigger eyes").
 */
export const REAL_WORLD_LEVELS: ReadonlySet<string> = new Set([
  ...EDITABLE_ATTRIBUTES.flatMap((a) => a.levels.filter((l) => CELEBA_FOR_LEVEL[a.name][l] != null).map((l) => `${a.name}=${l}`)),
  'eyeSize=small',
  'eyeSize=normal',
  'eyeSize=big',
  'hairLength=short',
  'hairLength=medium',
  'hairLength=long',
]);

/** The `attribute=level` an edit asks for, or `attribute` alone for comparatives ("a bit bigger eyes"). */
function editKey(e: Edit): string {
  const spec = EDITABLE_ATTRIBUTES.find((a) => a.name === e.attribute)!;
  if (e.op === 'set') return `${e.attribute}=${spec.levels[e.level ?? 0]}`;
  if (e.op === 'remove') return `${e.attribute}=${spec.levels[0]}`;
  return e.attribute;
}

/**
 * Refuse, with a clear message that names what the model can do, edits outside `levels` (a model's
 * world); never a silent no-op. Comparatives need some level of their attribute in the world.
 */
export function checkSupported(edits: readonly Edit[], levels: ReadonlySet<string> = REAL_WORLD_LEVELS): void {
  const bad = edits.map(editKey).filter((k) => (k.includes('=') ? !levels.has(k) : ![...levels].some((l) => l.startsWith(`${k}=`))));
  if (bad.length > 0) throw new UnsupportedEditError([...new Set(bad)], [...levels]);
}
