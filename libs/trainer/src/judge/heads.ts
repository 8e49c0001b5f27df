import {
  EDITABLE_ATTRIBUTES,
  IDENTITY_TRAITS,
  type EditableAttributeName,
  type FaceDescription,
  type IdentityTraitName,
} from '@lfe/edit-language';

/**
 * How the judge reads each schema entry:
 * - `softmax`: binary/categorical attributes and categorical identity traits, one logit per level;
 * - `sigmoid`: ordinal attributes and continuous traits in [0, 1], one output;
 * - `circular`: the background hue (in turns, 0 ≡ 1), two outputs read as (cos, sin) of the angle,
 *   so a red background near hue 0.98 and one near 0.02 are neighbours, not opposite ends.
 */
export type HeadKind = 'softmax' | 'sigmoid' | 'circular';

export interface HeadSpec {
  readonly group: 'attribute' | 'identity';
  readonly name: EditableAttributeName | IdentityTraitName;
  readonly kind: HeadKind;
  /** Output columns of this head. */
  readonly width: number;
  /** First output column of this head in the judge's output row. */
  readonly offset: number;
  /** Softmax heads: index of this head's first column in the one-hot target row. Others: first regression target column. */
  readonly targetOffset: number;
  /** Whether the schema treats this entry as discrete (accuracy) or continuous (error). */
  readonly discrete: boolean;
}

const CIRCULAR: ReadonlySet<string> = new Set(['background']);

export interface HeadLayout {
  readonly heads: readonly HeadSpec[];
  /** Width of the judge's output row: softmax columns first (schema order), then regressions. */
  readonly outputWidth: number;
  readonly softmaxWidth: number;
  readonly regressionWidth: number;
  /** One line per head, stored in the checkpoint so a schema change is refused at load time. */
  readonly signature: string[];
}

function buildLayout(): HeadLayout {
  type Draft = Omit<HeadSpec, 'offset' | 'targetOffset'>;
  const drafts: Draft[] = [];
  for (const a of EDITABLE_ATTRIBUTES) {
    drafts.push(
      a.kind === 'ordinal'
        ? { group: 'attribute', name: a.name, kind: 'sigmoid', width: 1, discrete: true }
        : { group: 'attribute', name: a.name, kind: 'softmax', width: a.levels.length, discrete: true },
    );
  }
  for (const t of IDENTITY_TRAITS) {
    if (t.kind === 'categorical') drafts.push({ group: 'identity', name: t.name, kind: 'softmax', width: t.levels.length, discrete: true });
    else drafts.push({ group: 'identity', name: t.name, kind: CIRCULAR.has(t.name) ? 'circular' : 'sigmoid', width: CIRCULAR.has(t.name) ? 2 : 1, discrete: false });
  }
  const softmax = drafts.filter((d) => d.kind === 'softmax');
  const regression = drafts.filter((d) => d.kind !== 'softmax');
  const heads: HeadSpec[] = [];
  let col = 0;
  let soft = 0;
  for (const d of softmax) {
    heads.push({ ...d, offset: col, targetOffset: soft });
    col += d.width;
    soft += d.width;
  }
  let reg = 0;
  for (const d of regression) {
    heads.push({ ...d, offset: col, targetOffset: reg });
    col += d.width;
    reg += d.width;
  }
  // Report and decode in schema order, whatever the column order.
  const order = drafts.map((d) => `${d.group}/${d.name}`);
  heads.sort((a, b) => order.indexOf(`${a.group}/${a.name}`) - order.indexOf(`${b.group}/${b.name}`));
  return {
    heads,
    outputWidth: col,
    softmaxWidth: soft,
    regressionWidth: reg,
    signature: heads.map((h) => `${h.group}/${h.name}:${h.kind}:${h.width}@${h.offset}`),
  };
}

/** The head layout of the current schema. */
export const HEAD_LAYOUT: HeadLayout = buildLayout();

/** The number a face holds for a head's schema entry. */
export function truthOf(face: FaceDescription, head: HeadSpec): number {
  return head.group === 'attribute' ? face.attributes[head.name as EditableAttributeName] : face.identity[head.name as IdentityTraitName];
}

/**
 * Training targets of a batch of faces: one-hot rows for the softmax heads [B, softmaxWidth] and
 * regression rows [B, regressionWidth] (values in [0, 1]; (cos, sin) for circular heads).
 */
export function encodeTargets(faces: readonly FaceDescription[], layout: HeadLayout = HEAD_LAYOUT): { onehot: Float32Array; regression: Float32Array } {
  const b = faces.length;
  const onehot = new Float32Array(b * layout.softmaxWidth);
  const regression = new Float32Array(b * layout.regressionWidth);
  faces.forEach((face, i) => {
    for (const h of layout.heads) {
      const v = truthOf(face, h);
      if (h.kind === 'softmax') {
        const level = Math.min(h.width - 1, Math.max(0, Math.round(v)));
        onehot[i * layout.softmaxWidth + h.targetOffset + level] = 1;
      } else if (h.kind === 'sigmoid') {
        regression[i * layout.regressionWidth + h.targetOffset] = v;
      } else {
        const angle = 2 * Math.PI * v;
        regression[i * layout.regressionWidth + h.targetOffset] = Math.cos(angle);
        regression[i * layout.regressionWidth + h.targetOffset + 1] = Math.sin(angle);
      }
    }
  });
  return { onehot, regression };
}

/** Distance between two hues in turns, on the circle (at most 0.5). */
export function circularDistance(a: number, b: number): number {
  const d = Math.abs((((a - b) % 1) + 1) % 1);
  return Math.min(d, 1 - d);
}
