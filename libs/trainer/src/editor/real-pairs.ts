import {
  CELEBA_FOR_LEVEL,
  EDITABLE_ATTRIBUTES,
  applyEdits,
  canonicalEdit,
  celebaFaceDescription,
  describeAttributes,
  editCommandFor,
  encodeTokens,
  meetsCeleba,
  seededRandom,
  tokenize,
  type CelebaCondition,
  type Edit,
  type FaceDescription,
  type Lang,
} from '@lfe/edit-language';
import { hashInts } from '@lfe/face-synth';
import { captionIds } from '@lfe/face-pipeline';
import type { RealFaceDataset } from '@lfe/realface';
import { editAtomKey, type EditPair, type EditPairOptions } from './edit-pairs';

/** The degree of every real atom: the pair stream's default ("add glasses", not "a bit of glasses"). */
export const REAL_ATOM_DEGREE = 0.6;

/** A single edit the real-face captioner can read back, with the CelebA condition its target level means. */
export interface RealAtom {
  edit: Edit;
  key: string;
  /** Labels a face must not already meet for the edit to change it (the target level's condition). */
  target: CelebaCondition;
}

/**
 * The single edits whose target level a caption of a real face can state: every level CelebA labels
 * (absences included: "no glasses" is a remove), except a level whose condition repeats an earlier
 * level's of the same attribute (sunglasses reads as `Eyeglasses`, like glasses, so real captions
 * never say it). Eye size "normal/big" and hair length have no label: the captioner cannot ground
 * them and they have no atom here. Canonical edits (`editAtomKey` is the synthetic stream's key),
 * in key order; pure.
 */
export function realAtoms(): RealAtom[] {
  const out: RealAtom[] = [];
  for (const spec of EDITABLE_ATTRIBUTES) {
    const seen = new Set<string>();
    spec.levels.forEach((name, level) => {
      const c = CELEBA_FOR_LEVEL[spec.name][name];
      if (c == null) return;
      const sig = `${[...c.present].sort().join('+')}|${[...c.absent].sort().join('+')}`;
      if (seen.has(sig)) return;
      seen.add(sig);
      const remove = level === 0 && (name === 'none' || name === 'neutral');
      const edit = canonicalEdit(remove ? { attribute: spec.name, op: 'remove', degree: REAL_ATOM_DEGREE } : { attribute: spec.name, op: 'set', level, degree: REAL_ATOM_DEGREE });
      out.push({ edit, key: editAtomKey(edit), target: c });
    });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/**
 * Atom keys no real caption can teach that take another atom's direction: CelebA's `Eyeglasses`
 * covers sunglasses, so its captions never say "sunglasses" and the real model answers it with the
 * glasses direction (the judge cannot tell them apart either).
 */
export const REAL_ATOM_ALIASES: Readonly<Record<string, string>> = { 'eyewear:set:2:0.6': 'eyewear:set:1:0.6' };

/** A row's labels as name → present. */
export function labelsOfRow(set: RealFaceDataset, row: number): Record<string, boolean> {
  const k = set.names.length;
  const out: Record<string, boolean> = {};
  set.names.forEach((name, j) => (out[name] = set.labels[row * k + j] === 1));
  return out;
}

const REAL_PAIR_SALT = 0x4ea1;

/**
 * Pair k of the real atom stream: group g = ⌊k / group⌋ says atom g mod |atoms| to `group` real
 * faces of `rows` (the train split), each drawn (up to 200 tries, seeded by (seed, k, try)) among the
 * faces whose labels do not already meet the atom's target ("add glasses" to faces without glasses,
 * "no glasses" to faces with them). The command is said in a random phrasing and language, and the
 * target caption states the edited attribute at its new level (the method's partial caption), in
 * the command's language. Pure in (labels, seed, k, group).
 */
export function realAtomPair(set: RealFaceDataset, rows: readonly number[], seed: number, k: number, group: number, atoms: readonly RealAtom[], opts: Pick<EditPairOptions, 'zhFraction'>): { pair: EditPair; row: number } {
  if (atoms.length === 0) throw new TypeError('realAtomPair: no atoms');
  if (rows.length === 0) throw new TypeError('realAtomPair: no faces');
  const atom = atoms[Math.floor(k / group) % atoms.length]!;
  let row = rows[Math.floor(seededRandom(hashInts(seed, k, 0)).next() * rows.length)]!;
  let labels = labelsOfRow(set, row);
  for (let t = 1; t < 200 && meetsCeleba(atom.target, labels); t++) {
    row = rows[Math.floor(seededRandom(hashInts(seed, k, t)).next() * rows.length)]!;
    labels = labelsOfRow(set, row);
  }
  return { pair: realPair(labels, [atom.edit], seededRandom(hashInts(seed, k, REAL_PAIR_SALT)), opts), row };
}

/** An edit pair for a real face from its labels: the draw order (language, command, caption) is fixed, so it is pure in the stream. */
export function realPair(labels: Readonly<Record<string, boolean>>, edits: readonly Edit[], rng: ReturnType<typeof seededRandom>, opts: Pick<EditPairOptions, 'zhFraction'>): EditPair {
  const { face } = celebaFaceDescription(labels);
  const lang: Lang = rng.next() < opts.zhFraction ? 'zh' : 'en';
  const command = editCommandFor(face, edits, rng, lang);
  const target: FaceDescription = { attributes: applyEdits(face.attributes, edits), identity: face.identity };
  const names = [...new Set(edits.map((e) => e.attribute))];
  const caption = describeAttributes(target, names, rng, { lang, noun: rng.next() < 0.5 });
  return {
    face,
    command,
    commandIds: encodeTokens(tokenize(command)),
    lang,
    edits: edits.map(canonicalEdit),
    target,
    caption,
    captionIds: captionIds(caption),
    style: { mode: 'partial', lang },
  };
}

/** Faces of the data set as [B,R,R,3] floats in [-1, 1], in the order of `rows`. */
export function realFaceImages(set: RealFaceDataset, rows: readonly number[]): Float32Array {
  const px = set.resolution * set.resolution * 3;
  const out = new Float32Array(rows.length * px);
  rows.forEach((row, i) => {
    const img = set.image(row);
    for (let j = 0; j < px; j++) out[i * px + j] = img[j]! / 127.5 - 1;
  });
  return out;
}
