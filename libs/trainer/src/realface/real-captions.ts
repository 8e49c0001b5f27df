import { join } from 'node:path';
import { END_ID, PAD_ID, START_ID, VOCABULARY, VOCABULARY_FINGERPRINT, describeCelebaFace, seededRandom } from '@lfe/edit-language';
import { CAPTION_STYLES, captionIds, styleIndex, type CaptionStyle } from '@lfe/face-pipeline';
import { loadRealFaceConfig, readAttributeFile, resolveDataDir, type SplitName } from '@lfe/realface';

/** The first line of a captions file: what the ids mean. */
export interface RealCaptionsHeader {
  kind: 'lfe-real-captions';
  vocabularyFingerprint: string;
  vocabularySize: number;
  /** The special ids: `<pad>`, `<start>` (never stored: the decoder prepends it), `<end>`. */
  padId: number;
  startId: number;
  endId: number;
  /** Style index → `${mode}-${lang}` (the captioner's style embedding rows). */
  styles: string[];
  split: SplitName;
  perFace: number;
  seed: number;
  faces: number;
  captions: number;
}

/** One caption: the face's image number, the style index and the caption's ids + `<end>`. */
export interface RealCaption {
  number: number;
  style: number;
  ids: number[];
}

/**
 * Captions of the real faces of one split, written from their CelebA labels (the way MM-CelebA-HQ
 * wrote its texts from the attributes): `perFace` captions per face, cycling through the four
 * caption styles (full/partial × English/Chinese), each drawn from a seeded stream so a file is a
 * pure function of (labels, split, perFace, seed). Faces whose labels support nothing are skipped.
 */
export function realCaptions(opts: { data?: string; split: SplitName; perFace: number; seed: number }): { header: RealCaptionsHeader; captions: RealCaption[] } {
  if (!Number.isInteger(opts.perFace) || opts.perFace < 1 || opts.perFace > 64) throw new TypeError(`real captions: perFace must be an integer in 1…64, got ${opts.perFace}`);
  const cfg = loadRealFaceConfig();
  const dir = resolveDataDir(opts.data, cfg);
  const attrs = readAttributeFile(join(dir, cfg.attributes));
  const [lo, hi] = cfg.split[opts.split];
  const k = attrs.names.length;
  const captions: RealCaption[] = [];
  let faces = 0;
  for (let row = 0; row < attrs.files.length; row++) {
    const n = attrs.numbers[row]!;
    if (n < lo || n > hi) continue;
    const labels: Record<string, boolean> = {};
    attrs.names.forEach((name, j) => (labels[name] = attrs.labels[row * k + j] === 1));
    const rng = seededRandom(opts.seed * 1_000_003 + n);
    let wrote = false;
    for (let c = 0; c < opts.perFace; c++) {
      const style: CaptionStyle = CAPTION_STYLES[c % CAPTION_STYLES.length]!;
      const text = describeCelebaFace(labels, rng, style);
      if (text === null) continue;
      captions.push({ number: n, style: styleIndex(style), ids: captionIds(text) });
      wrote = true;
    }
    if (wrote) faces++;
  }
  return {
    header: {
      kind: 'lfe-real-captions',
      vocabularyFingerprint: VOCABULARY_FINGERPRINT,
      vocabularySize: VOCABULARY.length,
      padId: PAD_ID,
      startId: START_ID,
      endId: END_ID,
      styles: CAPTION_STYLES.map((s) => `${s.mode}-${s.lang}`),
      split: opts.split,
      perFace: opts.perFace,
      seed: opts.seed,
      faces,
      captions: captions.length,
    },
    captions,
  };
}
