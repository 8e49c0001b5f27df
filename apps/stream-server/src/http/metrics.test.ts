import { describe, expect, it } from 'vitest';
import { ServerMetrics, type SessionRow } from './metrics';

const q = (p50: number, p95: number): { p50: number; p95: number } => ({ p50, p95 });
const row = (id: string, k: number): SessionRow =>
  ({
    id,
    v: { fpsIn: 10 * k, fpsOut: 9 * k, dropped: k, decoderRestarts: 0, encoderRestarts: k, procMs: q(k, 2 * k), pipelineMs: q(3 * k, 4 * k), stagesMs: { decode: q(1, 2), wait: q(k, k), encode: q(5, Number.NaN) } },
    voice: 1,
    refused: 2 * k,
    viewers: k,
  }) as unknown as SessionRow;

describe('ServerMetrics (prom-client)', () => {
  it('with the token: one row per session, labelled by session id', async () => {
    const text = await new ServerMetrics(true).render({ sessions: [row('s1', 1), row('s2', 2)], stages: undefined });
    expect(text).toMatch(/^# HELP lfe_sessions Publishing sessions\.$/m);
    expect(text).toMatch(/^# TYPE lfe_sessions gauge$/m);
    expect(text).toMatch(/^lfe_sessions 2$/m);
    expect(text).toMatch(/^lfe_fps_in\{session="s2"\} 20$/m);
    expect(text).toMatch(/^lfe_process_ms\{session="s1",quantile="0.95"\} 2$/m);
    expect(text).toMatch(/^lfe_video_stage_ms\{session="s2",stage="wait",quantile="0.5"\} 2$/m);
    expect(text).toMatch(/^lfe_video_stage_ms\{session="s2",stage="encode",quantile="0.95"\} 0$/m); // NaN reads 0
    expect(text).toMatch(/^# TYPE lfe_frames_dropped_total counter$/m);
    expect(text).toMatch(/^lfe_frames_dropped_total\{session="s2"\} 2$/m);
    expect(text).toMatch(/^lfe_messages_refused_total\{session="s1"\} 2$/m);
    expect(text).not.toMatch(/lfe_edit/);
  });

  it('without the token: no session ids, counters summed, latencies worst-of', async () => {
    const m = new ServerMetrics(false);
    const text = await m.render({ sessions: [row('s1', 1), row('s2', 2)], stages: undefined });
    expect(text).not.toMatch(/session=|s1|s2/);
    expect(text).toMatch(/^lfe_fps_in 30$/m);
    expect(text).toMatch(/^lfe_frames_dropped_total 3$/m);
    expect(text).toMatch(/^lfe_recognizer_restarts_total 2$/m);
    expect(text).toMatch(/^lfe_pipeline_ms\{quantile="0.95"\} 8$/m);
    // No session: the per-session metrics have no row (HELP/TYPE only), the count reads 0.
    const empty = await m.render({ sessions: [], stages: undefined });
    expect(empty).toMatch(/^lfe_sessions 0$/m);
    expect(empty).toMatch(/^# TYPE lfe_fps_in gauge$/m);
    expect(empty).not.toMatch(/^lfe_fps_in /m);
  });

  it('edit stages appear while the editor reports them; a scrape shows the values now, not sums', async () => {
    const m = new ServerMetrics(true);
    const stages = { frames: 5, reusedFrames: 2, detect: 1.234, generate: 7, modelRuns: 3, modelErrors: 1, ageP50: 40, ageP95: 90 };
    await m.render({ sessions: [], stages });
    const text = await m.render({ sessions: [], stages });
    expect(text).toMatch(/^lfe_edited_frames_total 7$/m);
    expect(text).toMatch(/^lfe_edit_stage_ms\{stage="detect"\} 1.23$/m);
    expect(text).toMatch(/^lfe_edit_stage_ms\{stage="generate"\} 7$/m);
    expect(text).not.toMatch(/stage="(frames|modelRuns|ageP50)"/);
    expect(text).toMatch(/^lfe_edit_model_batches_total 3$/m);
    expect(text).toMatch(/^lfe_edit_model_errors_total 1$/m);
    expect(text).toMatch(/^lfe_edit_face_age_ms\{quantile="0.95"\} 90$/m);
    const inline = await m.render({ sessions: [], stages: { frames: 1, detect: 2 } });
    expect(inline).toMatch(/^lfe_edited_frames_total 1$/m);
    expect(inline).not.toMatch(/lfe_edit_model_batches_total|lfe_edit_face_age_ms/);
    expect(await m.render({ sessions: [], stages: undefined })).not.toMatch(/lfe_edit/);
  });

  it('keeps each instance to its own registry', async () => {
    const a = new ServerMetrics(true);
    const b = new ServerMetrics(true);
    await a.render({ sessions: [row('a', 1)], stages: undefined });
    expect(await b.render({ sessions: [], stages: undefined })).toMatch(/^lfe_sessions 0$/m);
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
