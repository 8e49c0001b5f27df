import { parseCommand, type EditableAttributeName } from '@lfe/edit-language';
import { TEMPLATE } from '../align/align';

/** An ellipse in crop units (side 1), `inside` = 1 inside it, or its complement when `invert`. */
interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  invert?: boolean;
}

const EYE_Y = TEMPLATE.eyeMid.y;
const MOUTH_Y = TEMPLATE.eyeMid.y + TEMPLATE.mouthDistance;
const MID_X = TEMPLATE.eyeMid.x;

/**
 * Where in the aligned crop each editable attribute lives, in the framing of `TEMPLATE` (eye
 * midpoint, eye distance 0.187, mouth 0.179 below). Hair attributes cover everything but the inner
 * face (brows down to below the mouth); `age` changes the whole face.
 */
const REGIONS: Record<EditableAttributeName, readonly Ellipse[] | 'all'> = {
  // Eyes, brows and the frames of glasses.
  eyeSize: [{ cx: MID_X, cy: EYE_Y - 0.02, rx: 0.26, ry: 0.12 }],
  eyewear: [{ cx: MID_X, cy: EYE_Y - 0.02, rx: 0.26, ry: 0.12 }],
  eyebrows: [{ cx: MID_X, cy: EYE_Y - 0.02, rx: 0.26, ry: 0.12 }],
  expression: [{ cx: MID_X, cy: MOUTH_Y, rx: 0.17, ry: 0.1 }],
  lipstick: [{ cx: MID_X, cy: MOUTH_Y, rx: 0.17, ry: 0.1 }],
  moustache: [{ cx: MID_X, cy: MOUTH_Y - 0.02, rx: 0.17, ry: 0.1 }],
  // face-synth draws a beard over the face oval below an upper-face ellipse: up the cheeks to the ears.
  beard: [{ cx: MID_X, cy: MOUTH_Y, rx: 0.3, ry: 0.24 }],
  earrings: [
    { cx: MID_X - 0.24, cy: MOUTH_Y - 0.05, rx: 0.09, ry: 0.14 },
    { cx: MID_X + 0.24, cy: MOUTH_Y - 0.05, rx: 0.09, ry: 0.14 },
  ],
  hairLength: [{ cx: MID_X, cy: (EYE_Y + MOUTH_Y) / 2 + 0.03, rx: 0.19, ry: 0.17, invert: true }],
  hairColor: [{ cx: MID_X, cy: (EYE_Y + MOUTH_Y) / 2 + 0.03, rx: 0.19, ry: 0.17, invert: true }],
  curlyHair: [{ cx: MID_X, cy: (EYE_Y + MOUTH_Y) / 2 + 0.03, rx: 0.19, ry: 0.17, invert: true }],
  bangs: [{ cx: MID_X, cy: (EYE_Y + MOUTH_Y) / 2 + 0.03, rx: 0.19, ry: 0.17, invert: true }],
  hat: [{ cx: MID_X, cy: (EYE_Y + MOUTH_Y) / 2 + 0.03, rx: 0.19, ry: 0.17, invert: true }],
  age: 'all',
};

/**
 * A soft mask (size² floats in [0, 1], row-major) over the aligned crop: 1 where the given
 * attributes live, fading to 0 over `feather` crop units outside (their union). Used to keep an
 * edit's change where the edited attributes are, so what the generator changes elsewhere along
 * with them (its entanglement: "add glasses" also shifting hair colour) does not reach the picture.
 * An attribute without a region, or none at all, gives the whole crop.
 */
export function regionMask(attributes: readonly EditableAttributeName[], size: number, feather = 0.06): Float32Array {
  const m = new Float32Array(size * size);
  const shapes: Ellipse[] = [];
  for (const a of attributes) {
    const r = REGIONS[a];
    if (r === undefined || r === 'all') return m.fill(1);
    shapes.push(...r);
  }
  if (shapes.length === 0) return m.fill(1);
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) / size;
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      let best = 0;
      for (const e of shapes) {
        // Distance outside the ellipse, approximately in crop units (normalised radius − 1, times the mean radius).
        const d = (Math.hypot((u - e.cx) / e.rx, (v - e.cy) / e.ry) - 1) * ((e.rx + e.ry) / 2);
        const signed = e.invert === true ? -d : d;
        const t = Math.min(1, Math.max(0, 1 - signed / feather));
        const s = signed <= 0 ? 1 : t * t * (3 - 2 * t);
        if (s > best) best = s;
      }
      m[y * size + x] = best;
    }
  }
  return m;
}

/** The attributes a command edits (none for a control word; throws CommandError for bad text). */
export function editedAttributes(text: string): EditableAttributeName[] {
  const c = parseCommand(text);
  return c.kind === 'edit' ? [...new Set(c.edits.map((e) => e.attribute as EditableAttributeName))] : [];
}

/** Scale a crop-sized change (size² × 3) by a mask in place. */
export function applyRegionMask(change: Float32Array, mask: Float32Array): Float32Array {
  if (change.length !== mask.length * 3) throw new TypeError('regions: the change must be size² × 3 for a size² mask');
  for (let p = 0; p < mask.length; p++) {
    const k = mask[p]!;
    if (k === 1) continue;
    change[3 * p] = change[3 * p]! * k;
    change[3 * p + 1] = change[3 * p + 1]! * k;
    change[3 * p + 2] = change[3 * p + 2]! * k;
  }
  return change;
}
