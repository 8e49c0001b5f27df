import {
  applyEdits,
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
import { hashInts, render, sample } from '@lfe/face-synth';
import { captionIds } from '../captioner/caption-ids';
import type { CaptionStyle } from '../captioner/caption-style';

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
  const face = sample(hashInts(seed, k));
  const rng = seededRandom(hashInts(seed, k, PAIR_SALT));
  const lang: Lang = rng.next() < opts.zhFraction ? 'zh' : 'en';
  const edits = randomEdits(face.attributes, rng, opts.maxEdits);
  const command = editCommandFor(face, edits, rng, lang);
  const target: FaceDescription = { attributes: applyEdits(face.attributes, edits), identity: face.identity };
  const names = [...new Set(edits.map((e) => e.attribute))] as EditableAttributeName[];
  const caption =
    opts.targetCaption === 'full' ? describeFace(target, rng, { mode: 'full', lang }) : describeAttributes(target, names, rng, { lang, noun: rng.next() < 0.5 });
  return {
    face,
    command,
    commandIds: encodeTokens(tokenize(command)),
    lang,
    edits,
    target,
    caption,
    captionIds: captionIds(caption),
    style: { mode: opts.targetCaption === 'full' ? 'full' : 'partial', lang },
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
