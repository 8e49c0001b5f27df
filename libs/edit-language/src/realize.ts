/** What the two language realisers share (see realize-en.ts, realize-zh.ts). */
import type { Edit } from './edit';
import type { RandomSource } from './random-source';
import type { EditableAttributeName, FaceAttributes } from './schema';

/** One realised edit, with what the joiner must know to keep the whole command unambiguous. */
export interface Clause {
  text: string;
  /** It removes something (a following bare thing after "and" would inherit the negation). */
  negative: boolean;
  /** It is a thing noun with no verb ("glasses", 眼镜): a negation before it would carry over. */
  bareThing: boolean;
  /** Chinese: it ends with its noun (大眼睛, 戴眼镜), so the next clause may follow with no separator. */
  prenominal: boolean;
}

/** An attribute a description states; level 0 of a removable attribute is stated as absence. */
export interface Mention {
  attribute: EditableAttributeName;
  level: number;
}

export interface Realizer {
  /** `from`: the face as it is when this clause applies; `gender` picks pronouns (her / his). */
  editClause(edit: Edit, from: FaceAttributes, gender: number, rng: RandomSource): Clause;
  /** `gender` undefined: a noun-less description ("long hair and glasses"). */
  describe(gender: number | undefined, mentions: readonly Mention[], rng: RandomSource): string;
  join(clauses: readonly Clause[], rng: RandomSource): string;
}

export const WEARABLE: ReadonlySet<EditableAttributeName> = new Set(['eyewear', 'hat', 'earrings']);
