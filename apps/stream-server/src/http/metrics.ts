import { Counter, Gauge, Registry } from 'prom-client';
import type { Session } from '../session/session';

/** What one session contributes to /metrics. */
export type SessionRow = { id: string; v: ReturnType<Session['video']['stats']>; voice: number; refused: number; viewers: number };

/** What a scrape reads: the sessions now, and the face editor's stage means (undefined: no editor). */
export interface MetricsSnapshot {
  sessions: SessionRow[];
  stages: Record<string, number> | undefined;
}

const QUANTILES = ['0.5', '0.95'] as const;
const VIDEO_STAGES = ['decode', 'wait', 'encode'] as const;
/** `stageMeans()` keys that are counts or ages, not stage times. */
const STAGE_COUNTS = new Set(['frames', 'reusedFrames', 'followedFrames', 'modelRuns', 'meanBatch', 'submitted', 'modelErrors', 'ageP50', 'ageP95']);

/** Prometheus prints NaN / ±Inf as such; these metrics have always read 0 instead. */
const finite = (v: number): number => (Number.isFinite(v) ? v : 0);

type Labels = Record<string, string>;

/**
 * The server's Prometheus metrics (prom-client), in a registry of their own (never the global one:
 * each server instance, and each view of it, has its own). `withSessions` false is the view for a
 * request without the token: no session ids, per-session rows summed (counters, fps) or worst-of
 * (latency quantiles) over the sessions.
 *
 * The values are those of the sessions at scrape time: `render()` resets every metric and sets it
 * from the snapshot (counters too: they are the sessions' running totals, not incremented here).
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #withSessions: boolean;
  readonly #sessions: Gauge;
  readonly #fpsIn: Gauge;
  readonly #fpsOut: Gauge;
  readonly #processMs: Gauge;
  readonly #pipelineMs: Gauge;
  readonly #videoStageMs: Gauge;
  readonly #dropped: Counter;
  readonly #decoderRestarts: Counter;
  readonly #encoderRestarts: Counter;
  readonly #recognizerRestarts: Counter;
  readonly #refused: Counter;
  readonly #viewers: Gauge;
  /** Only while a face editor reports stage means. */
  readonly #edit: { frames: Counter; stageMs: Gauge };
  /** Only for the async schedule (its stage means carry `modelRuns`). */
  readonly #async: { batches: Counter; errors: Counter; faceAgeMs: Gauge };

  constructor(withSessions: boolean) {
    this.#withSessions = withSessions;
    const s = withSessions ? ['session'] : [];
    const registers = [this.registry];
    const gauge = (name: string, help: string, labelNames: string[], reg = registers): Gauge => new Gauge({ name, help, labelNames, registers: reg });
    const counter = (name: string, help: string, labelNames: string[], reg = registers): Counter => new Counter({ name, help, labelNames, registers: reg });
    this.#sessions = gauge('lfe_sessions', 'Publishing sessions.', []);
    this.#fpsIn = gauge('lfe_fps_in', 'Decoded frames per second.', s);
    this.#fpsOut = gauge('lfe_fps_out', 'Encoded frames per second.', s);
    this.#processMs = gauge('lfe_process_ms', 'Frame processor time (effect), ms.', [...s, 'quantile']);
    this.#pipelineMs = gauge('lfe_pipeline_ms', 'Server frame-in to RTP-out, ms.', [...s, 'quantile']);
    this.#videoStageMs = gauge(
      'lfe_video_stage_ms',
      'Server pipeline by stage, ms: decode (compressed frame in → picture), wait (→ processor), encode (→ packets out).',
      [...s, 'stage', 'quantile'],
    );
    this.#dropped = counter('lfe_frames_dropped_total', 'Frames dropped (latest-frame-wins, encoder back-pressure, bad input).', s);
    this.#decoderRestarts = counter('lfe_decoder_restarts_total', 'ffmpeg decoder restarts.', s);
    this.#encoderRestarts = counter('lfe_encoder_restarts_total', 'ffmpeg encoder restarts (PLI, crash).', s);
    this.#recognizerRestarts = counter('lfe_recognizer_restarts_total', 'Speech recogniser restarts.', s);
    this.#refused = counter('lfe_messages_refused_total', 'Client messages dropped by the rate limits.', s);
    this.#viewers = gauge('lfe_viewers', 'WHEP viewers.', s);
    // Registered only while they have something to say (see #show).
    this.#edit = {
      frames: counter('lfe_edited_frames_total', 'Frames the face editor changed (model runs + re-pastes).', [], []),
      stageMs: gauge('lfe_edit_stage_ms', 'Mean ms per face-pipeline stage (async schedule: invert/fuse/generate per model batch, the rest per frame).', ['stage'], []),
    };
    this.#async = {
      batches: counter('lfe_edit_model_batches_total', 'Model batches (invert → fuse → generate) finished.', [], []),
      errors: counter('lfe_edit_model_errors_total', 'Model jobs that failed (the last face stayed).', [], []),
      faceAgeMs: gauge('lfe_edit_face_age_ms', 'Age of the pasted face: ms since the frame it was generated from.', ['quantile'], []),
    };
  }

  /** The Content-Type of `render()`'s text (Prometheus text format 0.0.4). */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Prometheus text exposition of `snapshot`. */
  async render(snapshot: MetricsSnapshot): Promise<string> {
    this.#update(snapshot);
    return this.registry.metrics();
  }

  #update({ sessions, stages }: MetricsSnapshot): void {
    this.registry.resetMetrics();
    // Without labels prom-client keeps a 0 row after reset; a per-session metric has no row while
    // there is no session (as the hand-written text had it).
    if (!this.#withSessions) for (const m of this.#perSession()) m.remove({});
    const rows = this.#withSessions ? sessions : aggregate(sessions);
    const lab = (id: string, extra: Labels = {}): Labels => (this.#withSessions ? { session: id, ...extra } : extra);
    const setGauge = (g: Gauge, labels: Labels, v: number): void => g.set(labels, finite(v));
    const setCounter = (c: Counter, labels: Labels, v: number): void => c.inc(labels, Math.max(0, finite(v)));
    this.#sessions.set(sessions.length);
    for (const r of rows) {
      setGauge(this.#fpsIn, lab(r.id), r.v.fpsIn);
      setGauge(this.#fpsOut, lab(r.id), r.v.fpsOut);
      for (const [q, key] of [['0.5', 'p50'], ['0.95', 'p95']] as const) {
        setGauge(this.#processMs, lab(r.id, { quantile: q }), r.v.procMs[key]);
        setGauge(this.#pipelineMs, lab(r.id, { quantile: q }), r.v.pipelineMs[key]);
      }
      for (const st of VIDEO_STAGES) {
        for (const q of QUANTILES) setGauge(this.#videoStageMs, lab(r.id, { stage: st, quantile: q }), r.v.stagesMs[st][q === '0.5' ? 'p50' : 'p95']);
      }
      setCounter(this.#dropped, lab(r.id), r.v.dropped);
      setCounter(this.#decoderRestarts, lab(r.id), r.v.decoderRestarts);
      setCounter(this.#encoderRestarts, lab(r.id), r.v.encoderRestarts);
      setCounter(this.#recognizerRestarts, lab(r.id), r.voice);
      setCounter(this.#refused, lab(r.id), r.refused);
      setGauge(this.#viewers, lab(r.id), r.viewers);
    }
    this.#show({ lfe_edited_frames_total: this.#edit.frames, lfe_edit_stage_ms: this.#edit.stageMs }, stages !== undefined);
    this.#show({ lfe_edit_model_batches_total: this.#async.batches, lfe_edit_model_errors_total: this.#async.errors, lfe_edit_face_age_ms: this.#async.faceAgeMs }, stages?.['modelRuns'] !== undefined);
    if (stages === undefined) return;
    setCounter(this.#edit.frames, {}, (stages['frames'] ?? 0) + (stages['reusedFrames'] ?? 0));
    for (const [k, v] of Object.entries(stages)) if (!STAGE_COUNTS.has(k)) setGauge(this.#edit.stageMs, { stage: k }, Math.round(v * 100) / 100);
    if (stages['modelRuns'] === undefined) return;
    // Async schedule: how often faces are generated and how old the pasted one is.
    setCounter(this.#async.batches, {}, stages['modelRuns']);
    setCounter(this.#async.errors, {}, stages['modelErrors'] ?? 0);
    setGauge(this.#async.faceAgeMs, { quantile: '0.5' }, stages['ageP50'] ?? 0);
    setGauge(this.#async.faceAgeMs, { quantile: '0.95' }, stages['ageP95'] ?? 0);
  }

  #perSession(): Array<Counter | Gauge> {
    return [this.#fpsIn, this.#fpsOut, this.#dropped, this.#decoderRestarts, this.#encoderRestarts, this.#recognizerRestarts, this.#refused, this.#viewers];
  }

  /** Register `metrics` in this registry (reset) when `on`, take them out when not. */
  #show(metrics: Record<string, Counter | Gauge>, on: boolean): void {
    for (const [name, m] of Object.entries(metrics)) {
      const there = this.registry.getSingleMetric(name) !== undefined;
      if (on && !there) {
        m.reset();
        this.registry.registerMetric(m);
      } else if (!on && there) this.registry.removeSingleMetric(name);
    }
  }
}

/** One row for all sessions: counters and rates summed, latency quantiles the worst session's. */
export function aggregate(rows: SessionRow[]): SessionRow[] {
  if (rows.length === 0) return [];
  const first = rows[0]!;
  const worst = (f: (v: SessionRow['v']) => { p50: number; p95: number }): { p50: number; p95: number } => ({
    p50: Math.max(...rows.map((r) => f(r.v).p50)),
    p95: Math.max(...rows.map((r) => f(r.v).p95)),
  });
  const sum = (f: (r: SessionRow) => number): number => rows.reduce((a, r) => a + f(r), 0);
  const v = {
    ...first.v,
    fpsIn: sum((r) => r.v.fpsIn),
    fpsOut: sum((r) => r.v.fpsOut),
    dropped: sum((r) => r.v.dropped),
    decoderRestarts: sum((r) => r.v.decoderRestarts),
    encoderRestarts: sum((r) => r.v.encoderRestarts),
    procMs: worst((x) => x.procMs),
    pipelineMs: worst((x) => x.pipelineMs),
    stagesMs: { decode: worst((x) => x.stagesMs.decode), wait: worst((x) => x.stagesMs.wait), encode: worst((x) => x.stagesMs.encode) },
  };
  return [{ id: '', v, voice: sum((r) => r.voice), refused: sum((r) => r.refused), viewers: sum((r) => r.viewers) }];
}
