import {
  attributesFromCaptions,
  applyEdits,
  canonicalEdit,
  editableAttribute,
  levelOf,
  describeAttributes,
  describeFace,
  editCommandFor,
  encodeTokens,
  randomEdits,
  seededRandom,
  tokenize,
  type Edit,
  type EditableAttributeName,
  type FaceDescription,
  type Lang,
} from '@lfe/edit-language';
import { hashInts, render, sample, type FaceDataset } from '@lfe/face-synth';
import { DatasetSource } from '../gan/image-source';
import { captionIds, type CaptionStyle } from '@lfe/face-pipeline';

/** What the captioner must read back from the edited face. */
export type TargetCaption =
  /** The method's: a partial caption stating the requested attributes at their new levels. */
  | 'requested'
  /** A full description of the edited face: also asks every unrequested attribute to stay. */
  | 'full';

export interface EditPair {
  face: FaceDescription;
  /** The command the text encoder reads. */
  command: string;
  commandIds: number[];
  lang: Lang;
  edits: Edit[];
  /** Attributes after the edits (ground truth of the target). */
  target: FaceDescription;
  /** `captionIds` of the target caption, its text and the captioner style to score it with. */
  caption: string;
  captionIds: number[];
  style: CaptionStyle;
}

export interface EditPairOptions {
  zhFraction: number;
  maxEdits: number;
  targetCaption: TargetCaption;
}

const PAIR_SALT = 0xed17;

/**
 * Edit pair k of stream `seed`: face k = sample(hashInts(seed, k)) (the same stream convention as
 * every stage), 1…maxEdits random edits said as a command (English or Chinese), and the caption the
 * edited face should have. Pure in (seed, k).
 */
export function editPair(seed: number, k: number, opts: EditPairOptions): EditPair {
  return makePair(sample(hashInts(seed, k)), seededRandom(hashInts(seed, k, PAIR_SALT)), opts);
}

/**
 * The shared draw, in a fixed order (language, edits, command, caption) so a pair is a pure
 * function of its random stream. `adjust` may rewrite each drawn edit (photos: no relative edits of
 * attributes the captions do not state).
 */
function makePair(face: FaceDescription, rng: ReturnType<typeof seededRandom>, opts: EditPairOptions, adjust?: (e: Edit) => Edit): EditPair {
  const lang: Lang = rng.next() < opts.zhFraction ? 'zh' : 'en';
  const drawn = randomEdits(face.attributes, rng, opts.maxEdits);
  const edits = adjust === undefined ? drawn : drawn.map(adjust);
  const command = editCommandFor(face, edits, rng, lang);
  const target: FaceDescription = { attributes: applyEdits(face.attributes, edits), identity: face.identity };
  const names = [...new Set(edits.map((e) => e.attribute))] as EditableAttributeName[];
  const full = opts.targetCaption === 'full';
  const caption = full ? describeFace(target, rng, { mode: 'full', lang }) : describeAttributes(target, names, rng, { lang, noun: rng.next() < 0.5 });
  return {
    face,
    command,
    commandIds: encodeTokens(tokenize(command)),
    lang,
    edits,
    target,
    caption,
    captionIds: captionIds(caption),
    style: { mode: full ? 'full' : 'partial', lang },
  };
}

/**
 * Pair k of a stream where consecutive groups of `group` pairs share one command: the command (and
 * its edits and language) of pair g·group of `editPair(seed, ·)`, said to face k =
 * sample(hashInts(seed, k)), with face k's own target caption (relative edits start from its own
 * levels). group 1 is `editPair`. Pure in (seed, k, group).
 */
export function sharedCommandPair(seed: number, k: number, group: number, opts: EditPairOptions): EditPair {
  if (!Number.isInteger(group) || group < 1) throw new TypeError(`sharedCommandPair: group must be a positive integer, got ${group}`);
  const anchor = editPair(seed, k - (k % group), opts);
  if (k % group === 0) return anchor;
  const face = sample(hashInts(seed, k));
  const rng = seededRandom(hashInts(seed, k, PAIR_SALT, group));
  const target: FaceDescription = { attributes: applyEdits(face.attributes, anchor.edits), identity: face.identity };
  const names = [...new Set(anchor.edits.map((e) => e.attribute))] as EditableAttributeName[];
  const full = opts.targetCaption === 'full';
  const lang = anchor.lang;
  const caption = full ? describeFace(target, rng, { mode: 'full', lang }) : describeAttributes(target, names, rng, { lang, noun: rng.next() < 0.5 });
  return { ...anchor, face, target, caption, captionIds: captionIds(caption), style: { mode: full ? 'full' : 'partial', lang } };
}

/** A canonical edit as a key: "attribute:op:level:degree" (level empty unless op is set). */
export function editAtomKey(e: Edit): string {
  const c = canonicalEdit(e);
  return `${c.attribute}:${c.op}:${c.level ?? ''}:${c.degree}`;
}

const atomCache = new Map<string, Edit[]>();

/**
 * The distinct single edits ("atoms") the pair stream draws, in key order: found by scanning its
 * first `scan` pairs (20 000 find all 66 of the default stream; pure in the arguments).
 */
export function editAtoms(seed: number, opts: Pick<EditPairOptions, 'zhFraction' | 'maxEdits'>, scan = 20_000): Edit[] {
  const id = `${seed}|${opts.zhFraction}|${opts.maxEdits}|${scan}`;
  const hit = atomCache.get(id);
  if (hit !== undefined) return hit;
  const found = new Map<string, Edit>();
  for (let k = 0; k < scan; k++) {
    const rng = seededRandom(hashInts(seed, k, PAIR_SALT));
    rng.next(); // the language draw, as in makePair
    for (const e of randomEdits(sample(hashInts(seed, k)).attributes, rng, opts.maxEdits)) found.set(editAtomKey(e), canonicalEdit(e));
  }
  const atoms = [...found].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, e]) => e);
  atomCache.set(id, atoms);
  return atoms;
}

/** The atom pair k of the atom stream says: atom ⌊k / group⌋ mod |atoms|. */
export function atomFor(k: number, group: number, atoms: readonly Edit[]): Edit {
  if (atoms.length === 0) throw new TypeError('atomPair: no atoms');
  return atoms[Math.floor(k / group) % atoms.length]!;
}

/**
 * Pair k of the atom stream: group g = ⌊k / group⌋ says atom g mod |atoms| (one single edit, in a
 * random phrasing and language) to `group` faces, each drawn (up to 20 tries) so that the edit
 * changes its level. Teacher offsets shared by a group are then one direction per atom, and any
 * command's teacher is the sum of its atoms' directions. Pure in (seed, k, group, atoms).
 */
export function atomPair(seed: number, k: number, group: number, atoms: readonly Edit[], opts: EditPairOptions): EditPair {
  const edit = atomFor(k, group, atoms);
  let face = sample(hashInts(seed, k, 0));
  for (let t = 1; t < 20; t++) {
    const after = applyEdits(face.attributes, [edit]);
    if (levelOf(edit.attribute, after[edit.attribute]) !== levelOf(edit.attribute, face.attributes[edit.attribute])) break;
    face = sample(hashInts(seed, k, t));
  }
  const rng = seededRandom(hashInts(seed, k, PAIR_SALT, 0xa7));
  const lang: Lang = rng.next() < opts.zhFraction ? 'zh' : 'en';
  const command = editCommandFor(face, [edit], rng, lang);
  const target: FaceDescription = { attributes: applyEdits(face.attributes, [edit]), identity: face.identity };
  const full = opts.targetCaption === 'full';
  const caption = full ? describeFace(target, rng, { mode: 'full', lang }) : describeAttributes(target, [edit.attribute], rng, { lang, noun: rng.next() < 0.5 });
  return {
    face,
    command,
    commandIds: encodeTokens(tokenize(command)),
    lang,
    edits: [edit],
    target,
    caption,
    captionIds: captionIds(caption),
    style: { mode: full ? 'full' : 'partial', lang },
  };
}

/** Renders of the pairs' source faces as [B,R,R,3] floats in [-1, 1]. */
export function renderPairs(pairs: readonly EditPair[], size: number): Float32Array {
  const px = size * size * 3;
  const out = new Float32Array(pairs.length * px);
  pairs.forEach((p, i) => {
    const img = render(p.face, size).data;
    for (let j = 0; j < px; j++) out[i * px + j] = img[j]! / 127.5 - 1;
  });
  return out;
}

/**
 * An edit pair for a real photo (no ground truth): random edits as for renders, except that an
 * attribute the captions do not state can only be set to a level ("long hair"), never made
 * "longer", since its starting level is unknown. Pure in (seed, k, captions).
 */
export function editPairFromCaptions(captions: readonly string[], seed: number, k: number, opts: EditPairOptions): EditPair {
  const { face, known } = attributesFromCaptions(captions);
  // Only the requested attributes are known on a photo, so the target caption states just those.
  return makePair(face, seededRandom(hashInts(seed, k, PAIR_SALT)), { ...opts, targetCaption: 'requested' }, (e) => {
    if (e.op === 'set' || e.op === 'remove' || known.has(e.attribute)) return e;
    const spec = editableAttribute(e.attribute);
    return canonicalEdit({ attribute: e.attribute, op: 'set', level: e.op === 'increase' ? spec.levels.length - 1 : 0, degree: e.degree });
  });
}

/** Where joint-training pairs come from. `batch(step)` is a pure function of the step (resume replays it). */
export interface PairSource {
  readonly resolution: number;
  describe(): string;
  batch(step: number, count: number): Promise<{ images: Float32Array; pairs: EditPair[] }>;
}

/** Rendered faces with ground-truth attributes (the default). */
export class SyntheticPairSource implements PairSource {
  constructor(
    readonly resolution: number,
    readonly seed: number,
    readonly opts: EditPairOptions,
  ) {}

  describe(): string {
    return `face-synth renders: face k = sample(hashInts(${this.seed}, k)), random edits said as commands (zh ${this.opts.zhFraction}), target caption "${this.opts.targetCaption}"`;
  }

  batch(step: number, count: number): Promise<{ images: Float32Array; pairs: EditPair[] }> {
    const pairs = Array.from({ length: count }, (_, i) => editPair(this.seed, step * count + i, this.opts));
    return Promise.resolve({ images: renderPairs(pairs, this.resolution), pairs });
  }
}

/**
 * A folder of the user's photos with a captions JSONL (`{"image", "captions": [...]}` per line):
 * shuffled epochs; each photo gets random edits checked against what its captions state.
 */
export class FolderPairSource implements PairSource {
  readonly resolution: number;
  readonly #photos: DatasetSource;

  constructor(
    readonly dataset: FaceDataset,
    readonly seed: number,
    readonly opts: EditPairOptions,
    readonly detail: string,
  ) {
    this.resolution = dataset.size;
    // The GAN stage's epoch reader: shuffled epochs, and a resumed step replays its batch exactly.
    this.#photos = new DatasetSource(dataset, seed, detail, null);
  }

  describe(): string {
    return `${this.detail}: ${this.dataset.count} photos, random edits checked against their captions (zh ${this.opts.zhFraction})`;
  }

  async batch(step: number, count: number): Promise<{ images: Float32Array; pairs: EditPair[] }> {
    const b = await this.#photos.records(step, count);
    const pairs = b.captions.map((caps, i) => editPairFromCaptions(caps, this.seed, step * count + i, this.opts));
    return { images: b.images, pairs };
  }
}
