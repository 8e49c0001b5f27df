import * as tf from '@tensorflow/tfjs';
import { canonicalEdit, type Edit, type EditableAttributeName } from '@lfe/edit-language';
import { loadCheckpoint, saveCheckpoint, type Encoder, type FaceTemplate, type Generator, type Provenance } from '@lfe/face-pipeline';
import type { RealFaceDataset } from '@lfe/realface';
import { eyeOpening, hairLengthProxy, loadLandmarkNet, measureFaces } from '../realface/measures';
import { editAtomKey } from './edit-pairs';
import { labelsOfRow, realFaceImages, REAL_ATOM_DEGREE } from './real-pairs';

export const ATOM_DIRECTIONS_KIND = 'lfe-atom-directions';

/** The attributes CelebA never labelled, each with the measured value that stands in for its label. */
export const MEASURED_ATTRIBUTES: readonly EditableAttributeName[] = ['eyeSize', 'hairLength'];

/** What one measured attribute's direction was made from. */
export interface MeasuredDirectionStats {
  attribute: EditableAttributeName;
  faces: number;
  /** Measured value: mean and standard deviation over the faces, and the tertile bounds (small | normal | big). */
  mean: number;
  sd: number;
  tertiles: [number, number];
  /** Mean standardised value of the bottom and top tertile and of the faces outside each. */
  zBottom: number;
  zTop: number;
  zNotBottom: number;
  zNotTop: number;
  /** ‖β‖ of the regression (W+ per unit standard deviation of the measure, labels held fixed). */
  betaNorm: number;
  /**
   * The measured change (in standard deviations) that G(w + β) − G(w) makes on the calibration faces,
   * and the norm of the direction after calibration (β / that change, at most 10 β; β itself when the
   * change is under 0.1 sd or reversed): a noisy measure
   * attenuates β, so its gap is crossed by measuring what β does to generated faces.
   */
  calibrationFaces: number;
  zPerBeta: number;
  directionNorm: number;
}

/**
 * Solve the least-squares regression of every W+ coordinate on [1, z, labels] and return the row of
 * z: the change of the latent per standard deviation of the measure, *with the 40 CelebA labels held
 * fixed* (so "bigger eyes" does not also carry what big eyes correlate with: young, female, smiling).
 * Normal equations in float64, Gauss–Jordan with partial pivoting and a small ridge.
 */
export function conditionalDirection(z: Float64Array, labels: ReadonlyArray<Readonly<Record<string, boolean>>>, names: readonly string[], w: Float32Array, dim: number): Float32Array {
  const n = z.length;
  // Label columns that vary (a constant column would make the system singular).
  const cols = names.filter((name) => {
    const pos = labels.filter((l) => l[name] === true).length;
    return pos > 0 && pos < n;
  });
  const p = 2 + cols.length;
  const row = (i: number): Float64Array => {
    const x = new Float64Array(p);
    x[0] = 1;
    x[1] = z[i]!;
    cols.forEach((c, j) => (x[2 + j] = labels[i]![c] === true ? 1 : -1));
    return x;
  };
  const xtx = new Float64Array(p * p);
  const xtw = new Float64Array(p * dim);
  for (let i = 0; i < n; i++) {
    const x = row(i);
    for (let a = 0; a < p; a++) {
      const xa = x[a]!;
      for (let b = 0; b < p; b++) xtx[a * p + b]! += xa * x[b]!;
      const off = i * dim;
      for (let d = 0; d < dim; d++) xtw[a * dim + d]! += xa * w[off + d]!;
    }
  }
  for (let a = 0; a < p; a++) xtx[a * p + a]! += 1e-6 * n;
  // Invert xtx (p × p) by Gauss–Jordan, then take row 1 of inv · xtw.
  const inv = new Float64Array(p * p);
  for (let a = 0; a < p; a++) inv[a * p + a] = 1;
  const m = Float64Array.from(xtx);
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(m[r * p + c]!) > Math.abs(m[piv * p + c]!)) piv = r;
    if (Math.abs(m[piv * p + c]!) < 1e-12) throw new RangeError('conditionalDirection: the regressors are collinear');
    if (piv !== c) {
      for (let k = 0; k < p; k++) {
        [m[c * p + k], m[piv * p + k]] = [m[piv * p + k]!, m[c * p + k]!];
        [inv[c * p + k], inv[piv * p + k]] = [inv[piv * p + k]!, inv[c * p + k]!];
      }
    }
    const d = m[c * p + c]!;
    for (let k = 0; k < p; k++) {
      m[c * p + k]! /= d;
      inv[c * p + k]! /= d;
    }
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = m[r * p + c]!;
      if (f === 0) continue;
      for (let k = 0; k < p; k++) {
        m[r * p + k]! -= f * m[c * p + k]!;
        inv[r * p + k]! -= f * inv[c * p + k]!;
      }
    }
  }
  const beta = new Float32Array(dim);
  for (let d = 0; d < dim; d++) {
    let s = 0;
    for (let a = 0; a < p; a++) s += inv[1 * p + a]! * xtw[a * dim + d]!;
    beta[d] = s;
  }
  return beta;
}

/** The atom keys a measured attribute gets, with the multiple of its unit-z direction each one adds. */
export function measuredAtomScales(attribute: EditableAttributeName, s: Pick<MeasuredDirectionStats, 'zBottom' | 'zTop' | 'zNotBottom' | 'zNotTop'>): Array<{ edit: Edit; scale: number }> {
  const out: Array<{ edit: Edit; scale: number }> = [];
  for (const degree of [0.3, 0.6, 1]) {
    const k = degree / REAL_ATOM_DEGREE;
    // "big eyes" / "long hair": from where the faces outside the top tertile are to where the top one is.
    out.push({ edit: canonicalEdit({ attribute, op: 'set', level: 2, degree }), scale: k * (s.zTop - s.zNotTop) });
    out.push({ edit: canonicalEdit({ attribute, op: 'set', level: 0, degree }), scale: k * (s.zBottom - s.zNotBottom) });
    // "bigger eyes" / "shorter hair": half the way from the bottom tertile to the top one (one level of three).
    out.push({ edit: canonicalEdit({ attribute, op: 'increase', degree }), scale: (k * (s.zTop - s.zBottom)) / 2 });
    out.push({ edit: canonicalEdit({ attribute, op: 'decrease', degree }), scale: (-k * (s.zTop - s.zBottom)) / 2 });
  }
  return out;
}

/**
 * Atom directions for the attributes CelebA never labelled (eye size, hair length), from their
 * measured values (src/realface/measures.ts) on real train faces: each face inverted by the encoder,
 * the W+ code regressed on the standardised measure and the 40 labels (`conditionalDirection`),
 * the direction calibrated to one standard deviation of the measure on generated faces (a noisy
 * measure attenuates the regression: `zPerBeta`), and each atom ("big eyes", "a bit longer hair", …)
 * that direction times the measured gap it must cross (`measuredAtomScales`). No judge and no test face is read. Keys are `editAtomKey`s, values
 * [numWs · wDim] offsets, as `atomDirections` returns for captioner-optimised atoms.
 */
export async function measuredAtomDirections(
  generator: Generator,
  encoder: Encoder,
  set: RealFaceDataset,
  framing: FaceTemplate,
  opts: { faces: number; calibrationFaces?: number; log?: (l: string) => void },
): Promise<{ directions: Map<string, Float32Array>; stats: MeasuredDirectionStats[] }> {
  const rows = set.rowsOf('train').slice(0, opts.faces);
  const n = rows.length;
  if (n < 60) throw new RangeError(`measured atoms: need at least 60 faces, got ${n}`);
  const r = set.resolution;
  const dim = generator.numWs * generator.config.wDim;
  const w = new Float32Array(n * dim);
  for (let s = 0; s < n; s += 100) {
    const part = rows.slice(s, s + 100);
    const img = realFaceImages(set, part);
    const code = tf.tidy(() => encoder.encode(tf.tensor4d(img, [part.length, r, r, 3]), generator.params.get('mapping/w_avg')));
    w.set(code.dataSync(), s * dim);
    code.dispose();
  }
  const net = await loadLandmarkNet();
  const measured: Record<string, Float64Array> = { eyeSize: new Float64Array(n), hairLength: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    measured['eyeSize']![i] = await eyeOpening(net, set.image(rows[i]!), r, framing);
    measured['hairLength']![i] = hairLengthProxy(set.image(rows[i]!), r);
    if ((i + 1) % 500 === 0) opts.log?.(`measured atoms: ${i + 1}/${n} faces measured`);
  }
  const labels = rows.map((row) => labelsOfRow(set, row));
  const directions = new Map<string, Float32Array>();
  const stats: MeasuredDirectionStats[] = [];
  for (const attribute of MEASURED_ATTRIBUTES) {
    const v = measured[attribute]!;
    const mean = v.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / n) || 1;
    const z = v.map((x) => (x - mean) / sd);
    const sorted = [...v].sort((a, b) => a - b);
    const tertiles: [number, number] = [sorted[Math.floor(n / 3)]!, sorted[Math.floor((2 * n) / 3)]!];
    const avg = (pick: (x: number) => boolean): number => {
      let s = 0;
      let c = 0;
      v.forEach((x, i) => {
        if (pick(x)) {
          s += z[i]!;
          c++;
        }
      });
      return c === 0 ? 0 : s / c;
    };
    const st: MeasuredDirectionStats = {
      calibrationFaces: 0,
      zPerBeta: 0,
      directionNorm: 0,
      attribute,
      faces: n,
      mean,
      sd,
      tertiles,
      zBottom: avg((x) => x < tertiles[0]),
      zTop: avg((x) => x >= tertiles[1]),
      zNotBottom: avg((x) => x >= tertiles[0]),
      zNotTop: avg((x) => x < tertiles[1]),
      betaNorm: 0,
    };
    const beta = conditionalDirection(z, labels, set.names, w, dim);
    st.betaNorm = Math.hypot(...beta);
    // Calibration on the first train faces' codes: what β does to the measure of generated faces.
    const m = Math.min(n, opts.calibrationFaces ?? 200);
    st.calibrationFaces = m;
    const shape: [number, number, number] = [m, generator.numWs, generator.config.wDim];
    const base = tf.tensor3d(w.subarray(0, m * dim), shape);
    const img0 = tf.tidy(() => generator.synthesis(base, { noise: 'const' }));
    const img1 = tf.tidy(() => generator.synthesis(tf.add(base, tf.reshape(tf.tensor1d(beta), [1, generator.numWs, generator.config.wDim])), { noise: 'const' }));
    const [m0, m1] = [await measureFaces(img0, framing), await measureFaces(img1, framing)];
    tf.dispose([base, img0, img1]);
    const key = attribute as 'eyeSize' | 'hairLength';
    st.zPerBeta = m0[key].reduce((a, v, i) => a + (m1[key][i]! - v), 0) / m / sd;
    // β that barely moves (or reverses) the measure on generated faces is kept as it is, not blown up.
    const gain = st.zPerBeta > 0.1 ? Math.min(10, 1 / st.zPerBeta) : 1;
    st.directionNorm = st.betaNorm * gain;
    stats.push(st);
    opts.log?.(`measured atoms: ${attribute}: β moves the measure by ${st.zPerBeta.toFixed(3)} sd on ${m} generated faces; direction ×${gain.toFixed(2)}`);
    for (const { edit, scale } of measuredAtomScales(attribute, st)) directions.set(editAtomKey(edit), beta.map((b) => b * scale * gain));
  }
  return { directions, stats };
}

/** Write directions as one checkpoint (one tensor per atom key). */
export function saveAtomDirections(dir: string, directions: ReadonlyMap<string, Float32Array>, shape: [number, number], config: Record<string, unknown>, provenance: Provenance): void {
  const tensors: Record<string, { shape: number[]; values: Float32Array }> = {};
  for (const [k, v] of directions) tensors[k] = { shape, values: v };
  saveCheckpoint(dir, { architecture: { kind: ATOM_DIRECTIONS_KIND, config }, tensors, provenance });
}

/** Read directions written by `saveAtomDirections`; refuses other shapes than the generator's W+. */
export function loadAtomDirections(dir: string, expect: { numWs: number; wDim: number }): Map<string, Float32Array> {
  const ck = loadCheckpoint(dir, { kind: ATOM_DIRECTIONS_KIND });
  const out = new Map<string, Float32Array>();
  for (const [k, t] of ck.tensors) {
    if (t.shape[0] !== expect.numWs || t.shape[1] !== expect.wDim) throw new TypeError(`atom directions in ${dir}: ${k} is [${t.shape.join(',')}], the generator's W+ is [${expect.numWs},${expect.wDim}]`);
    out.set(k, t.values);
  }
  return out;
}
