import * as tf from '@tensorflow/tfjs';
import {
  EDITABLE_ATTRIBUTES,
  PAD_ID,
  joinTokens,
  levelOf,
  parseCommand,
  type EditableAttributeName,
  type FaceDescription,
  type Lang,
} from '@lfe/edit-language';
import { captionBatch, type CaptionMix } from './caption-batch';
import { padCaptionIds, type Captioner } from '@lfe/face-pipeline';

export interface AttributeRecovery {
  /** Claims about this attribute in decoded full captions, and how many matched the true level. */
  claims: number;
  precision: number | null;
  /** Faces whose true level is not the default, and how many decoded captions stated that level. */
  nonDefault: number;
  recall: number | null;
}

export interface LanguageSummary {
  /** Mean over attributes (those with any claims / non-default faces). */
  meanPrecision: number;
  meanRecall: number;
  /** Decoded captions that `parseCommand` rejected. */
  unparseable: number;
  /** Every one of the 14 attributes right, reading unmentioned ones as the default level (what a full description means). */
  allAttributesRight: number;
  /** The person noun (woman / man) matches the face's gender. */
  genderAccuracy: number;
}

export interface CaptionerReport {
  seed: number;
  faces: number;
  /** Teacher-forced next-token accuracy over every caption position incl. `<end>` (held-out captions, training mix). */
  tokenAccuracy: number;
  tokenAccuracyByStyle: Record<string, number>;
  /** Mean −log p(caption | image) per token. */
  tokenNll: number;
  /** Attribute recovery from greedy full captions, both languages pooled. */
  perAttribute: Record<EditableAttributeName, AttributeRecovery>;
  meanPrecision: number;
  meanRecall: number;
  byLanguage: Record<Lang, LanguageSummary & { perAttribute: Record<EditableAttributeName, AttributeRecovery> }>;
  examples: Array<{ truth: string; decoded: Record<Lang, string> }>;
}

export interface EvaluateOptions {
  seed: number;
  n: number;
  mix: CaptionMix;
  batchSize?: number;
  /** Greedy decoding cap (default 40). */
  maxLength?: number;
  examples?: number;
}

interface Tally {
  claims: number;
  agree: number;
  nonDefault: number;
  recovered: number;
}

function emptyTallies(): Record<EditableAttributeName, Tally> {
  return Object.fromEntries(EDITABLE_ATTRIBUTES.map((a) => [a.name, { claims: 0, agree: 0, nonDefault: 0, recovered: 0 }])) as Record<EditableAttributeName, Tally>;
}

/** What a description claims: attribute → level (a `remove` claims level 0; increase/decrease claim nothing definite: -1). */
export function claimedLevels(text: string): { levels: Map<EditableAttributeName, number>; gender: number | undefined } | null {
  let parsed;
  try {
    parsed = parseCommand(text);
  } catch {
    return null;
  }
  if (parsed.kind !== 'edit') return null;
  const levels = new Map<EditableAttributeName, number>();
  for (const e of parsed.edits) levels.set(e.attribute, e.op === 'set' ? (e.level ?? -1) : e.op === 'remove' ? 0 : -1);
  return { levels, gender: parsed.identity.gender };
}

/** Score one decoded caption against the face it describes (mutates the tallies). */
function score(text: string, face: FaceDescription, t: Record<EditableAttributeName, Tally>): { parsed: boolean; allRight: boolean; genderRight: boolean } {
  const claims = claimedLevels(text);
  let allRight = claims !== null;
  for (const spec of EDITABLE_ATTRIBUTES) {
    const truth = levelOf(spec.name, face.attributes[spec.name]);
    const claimed = claims?.levels.get(spec.name);
    const tally = t[spec.name];
    if (claimed !== undefined) {
      tally.claims++;
      if (claimed === truth) tally.agree++;
    }
    if (truth !== spec.defaultLevel) {
      tally.nonDefault++;
      if (claimed === truth) tally.recovered++;
    }
    if ((claimed ?? spec.defaultLevel) !== truth) allRight = false;
  }
  return { parsed: claims !== null, allRight, genderRight: claims?.gender === face.identity.gender };
}

function summarise(t: Record<EditableAttributeName, Tally>): { perAttribute: Record<EditableAttributeName, AttributeRecovery>; meanPrecision: number; meanRecall: number } {
  const perAttribute = {} as Record<EditableAttributeName, AttributeRecovery>;
  const ps: number[] = [];
  const rs: number[] = [];
  for (const spec of EDITABLE_ATTRIBUTES) {
    const x = t[spec.name];
    const precision = x.claims > 0 ? x.agree / x.claims : null;
    const recall = x.nonDefault > 0 ? x.recovered / x.nonDefault : null;
    if (precision !== null) ps.push(precision);
    if (recall !== null) rs.push(recall);
    perAttribute[spec.name] = { claims: x.claims, precision, nonDefault: x.nonDefault, recall };
  }
  const mean = (a: number[]): number => (a.length === 0 ? 0 : a.reduce((s, v) => s + v, 0) / a.length);
  return { perAttribute, meanPrecision: mean(ps), meanRecall: mean(rs) };
}

export interface RecoverySummary extends LanguageSummary {
  perAttribute: Record<EditableAttributeName, AttributeRecovery>;
}

/** Attribute recovery of descriptions `texts[i]` of `faces[i]` (what `evaluateCaptioner` reports per language). */
export function scoreCaptions(texts: readonly string[], faces: readonly FaceDescription[]): RecoverySummary {
  if (texts.length !== faces.length) throw new TypeError(`scoreCaptions: ${texts.length} texts for ${faces.length} faces`);
  const t = emptyTallies();
  let unparseable = 0;
  let allRight = 0;
  let gender = 0;
  texts.forEach((text, i) => {
    const s = score(text, faces[i]!, t);
    if (!s.parsed) unparseable++;
    if (s.allRight) allRight++;
    if (s.genderRight) gender++;
  });
  const n = Math.max(1, texts.length);
  return { ...summarise(t), unparseable: unparseable / n, allAttributesRight: allRight / n, genderAccuracy: gender / n };
}

/**
 * Held-out evaluation on faces of stream `seed` (never trained on): teacher-forced per-token
 * accuracy on captions of the training mix, and attribute recovery — greedy full captions in each
 * language, parsed back with `parseCommand` and compared with the true attribute levels.
 */
export function evaluateCaptioner(m: Captioner, opts: EvaluateOptions): CaptionerReport {
  const bs = opts.batchSize ?? 50;
  const r = m.config.resolution;
  const langs: Lang[] = ['en', 'zh'];
  const pooled = emptyTallies();
  const perLang = { en: emptyTallies(), zh: emptyTallies() };
  const counts = { en: { unparseable: 0, allRight: 0, gender: 0 }, zh: { unparseable: 0, allRight: 0, gender: 0 } };
  let correct = 0;
  let positions = 0;
  let nll = 0;
  const byStyle = new Map<string, { correct: number; positions: number }>();
  const examples: CaptionerReport['examples'] = [];
  for (let start = 0; start < opts.n; start += bs) {
    const count = Math.min(bs, opts.n - start);
    const batch = captionBatch(opts.seed, start, count, r, opts.mix);
    const x = tf.tensor4d(batch.images, [count, r, r, 3]);
    const ids = padCaptionIds(batch.ids);
    try {
      const pred = m.predictNext(x, ids, batch.styles);
      const lp = m.logProb(x, ids, batch.styles);
      const p = pred.dataSync();
      const truth = ids.dataSync();
      for (const v of lp.dataSync()) nll -= v;
      tf.dispose([pred, lp]);
      const t = ids.shape[1];
      for (let i = 0; i < count; i++) {
        const key = `${batch.styles[i]!.mode}-${batch.styles[i]!.lang}`;
        const st = byStyle.get(key) ?? { correct: 0, positions: 0 };
        for (let j = 0; j < t; j++) {
          const y = truth[i * t + j]!;
          if (y === PAD_ID) continue;
          const ok = p[i * t + j] === y ? 1 : 0;
          correct += ok;
          positions++;
          st.correct += ok;
          st.positions++;
        }
        byStyle.set(key, st);
      }
      const decoded: Record<Lang, string[]> = { en: [], zh: [] };
      for (const lang of langs) {
        decoded[lang] = m.greedy(x, { style: { mode: 'full', lang }, maxLength: opts.maxLength ?? 40 }).map((c) => joinTokens(c.tokens));
        decoded[lang].forEach((text, i) => {
          const face = batch.faces[i]!;
          score(text, face, pooled);
          const s = score(text, face, perLang[lang]);
          if (!s.parsed) counts[lang].unparseable++;
          if (s.allRight) counts[lang].allRight++;
          if (s.genderRight) counts[lang].gender++;
        });
      }
      for (let i = 0; i < count && examples.length < (opts.examples ?? 12); i++) examples.push({ truth: batch.texts[i]!, decoded: { en: decoded.en[i]!, zh: decoded.zh[i]! } });
    } finally {
      tf.dispose([x, ids]);
    }
  }
  const all = summarise(pooled);
  const byLanguage = {} as CaptionerReport['byLanguage'];
  for (const lang of langs) {
    const s = summarise(perLang[lang]);
    byLanguage[lang] = {
      meanPrecision: s.meanPrecision,
      meanRecall: s.meanRecall,
      unparseable: counts[lang].unparseable / opts.n,
      allAttributesRight: counts[lang].allRight / opts.n,
      genderAccuracy: counts[lang].gender / opts.n,
      perAttribute: s.perAttribute,
    };
  }
  return {
    seed: opts.seed,
    faces: opts.n,
    tokenAccuracy: correct / Math.max(1, positions),
    tokenAccuracyByStyle: Object.fromEntries([...byStyle].sort().map(([k, v]) => [k, v.correct / Math.max(1, v.positions)])),
    tokenNll: nll / Math.max(1, positions),
    perAttribute: all.perAttribute,
    meanPrecision: all.meanPrecision,
    meanRecall: all.meanRecall,
    byLanguage,
    examples,
  };
}

const pct = (v: number | null): string => (v === null ? '—' : `${(100 * v).toFixed(1)}`);

/** The report as a text table (attribute × precision/recall, pooled and per language). */
export function formatCaptionerReport(r: CaptionerReport): string {
  const lines = [
    `held-out faces: ${r.faces} (seed ${r.seed})`,
    `token accuracy ${pct(r.tokenAccuracy)} % (${Object.entries(r.tokenAccuracyByStyle).map(([k, v]) => `${k} ${pct(v)}`).join(', ')}), token NLL ${r.tokenNll.toFixed(4)}`,
    '',
    '| attribute | precision % | claims | recall % | non-default | en P/R | zh P/R |',
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const spec of EDITABLE_ATTRIBUTES) {
    const a = r.perAttribute[spec.name];
    const en = r.byLanguage.en.perAttribute[spec.name];
    const zh = r.byLanguage.zh.perAttribute[spec.name];
    lines.push(`| ${spec.name} | ${pct(a.precision)} | ${a.claims} | ${pct(a.recall)} | ${a.nonDefault} | ${pct(en.precision)}/${pct(en.recall)} | ${pct(zh.precision)}/${pct(zh.recall)} |`);
  }
  lines.push(`| **mean** | ${pct(r.meanPrecision)} | | ${pct(r.meanRecall)} | | ${pct(r.byLanguage.en.meanPrecision)}/${pct(r.byLanguage.en.meanRecall)} | ${pct(r.byLanguage.zh.meanPrecision)}/${pct(r.byLanguage.zh.meanRecall)} |`);
  for (const lang of ['en', 'zh'] as const) {
    const s = r.byLanguage[lang];
    lines.push(`${lang}: all 14 attributes right ${pct(s.allAttributesRight)} %, gender ${pct(s.genderAccuracy)} %, unparseable ${pct(s.unparseable)} %`);
  }
  return lines.join('\n');
}
