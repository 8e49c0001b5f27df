import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeTinyEditorBundle } from '@lfe/face-pipeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { StreamServer } from './http/server';
import type { RgbFrame } from '@lfe/media';
import type { EditProcessor } from './media/edit-processor';
import { createFrameProcessor } from './processors';
import { faceClipSource } from './testing/face-clip';
import { startTestServer } from './testing/server-fixture';
import { TestPublisher } from './testing/werift-client';
import { createLogger } from './util/log';

const W = 320;
const H = 240;

/**
 * The full loop with `--effect edit`: a real werift publisher sends a rendered-face clip, the
 * server decodes, the face pipeline (worker thread: face-api tracking, alignment, encoder, text
 * encoder, fusion, generator, paste) edits, ffmpeg encodes, the client decodes. The model here is
 * an untrained 32-px bundle: this checks the plumbing (edits reach the frames and go away with
 * undo, only the face region changes, faults recover), not edit quality — that is eval-editor's.
 * It pastes with the `replace` composite: the untrained model's edits (fused − unedited latent)
 * are too small to see through the default `delta` composite (libs/face-pipeline tests that one).
 * Both schedules run it: inline (a frame waits for the model) and async (the model in its own
 * thread; frames get the newest face).
 */
describe.each(['inline', 'async'] as const)('edit loop (%s schedule): publisher ⇄ server ⇄ face pipeline', (schedule) => {
  let dir: string;
  let server: StreamServer;
  let processor: EditProcessor;
  let pub: TestPublisher;
  let baseTensors = 0;
  const clip = faceClipSource(W, H);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'edit-loop-'));
    const bundle = writeTinyEditorBundle(dir);
    processor = createFrameProcessor('edit', { editorDir: bundle.editorDir, generatorDir: bundle.generatorDir, composite: 'replace', schedule, log: createLogger({}, { level: 'silent' }) }) as EditProcessor;
    await processor.start();
    baseTensors = (await processor.workerMemory()).numTensors;
    server = await startTestServer({ processor });
    pub = new TestPublisher({ baseUrl: server.url, width: W, height: H, source: clip.source });
    await pub.publish('face');
    pub.start();
  }, 60_000);

  afterAll(async () => {
    await pub?.close();
    await server?.close();
    await processor?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Mean abs difference of returned frames from what was sent, in the face box and in a corner. */
  const recentDiff = (count = 8): { face: number; corner: number } => {
    const frames = pub.frames.slice(-count);
    let face = 0;
    let corner = 0;
    for (const f of frames) {
      const sent = clip.source(f.n);
      face += regionDiff(f.frame, sent, W * 0.3, H * 0.2, W * 0.7, H * 0.8);
      corner += regionDiff(f.frame, sent, W - 40, 0, W, 30);
    }
    return { face: face / frames.length, corner: corner / frames.length };
  };
  const waitFor = async (pred: () => boolean, ms: number): Promise<boolean> => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (pred()) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return pred();
  };
  const command = async (text: string, session = 'face'): Promise<void> => {
    const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/${session}`);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const acked = new Promise<void>((resolve) => ws.on('message', (d: Buffer) => (JSON.parse(d.toString()) as { type: string }).type === 'ack' && resolve()));
    ws.send(JSON.stringify({ type: 'command', text, id: 'x' }));
    await acked;
    ws.close();
  };

  it('passes the face through until an edit, edits the face region within 2 s of "add glasses", and "undo" removes it', async () => {
    expect(await waitFor(() => pub.frames.length >= 20, 15_000)).toBe(true);
    const before = recentDiff();
    expect(before.face).toBeLessThan(10);
    await command('add glasses');
    const t0 = Date.now();
    expect(await waitFor(() => recentDiff(4).face > before.face + 8, 2000)).toBe(true);
    expect(Date.now() - t0).toBeLessThanOrEqual(2100);
    await new Promise((r) => setTimeout(r, 500));
    const edited = recentDiff();
    expect(edited.corner).toBeLessThan(10); // the background is not touched
    await command('undo');
    expect(await waitFor(() => recentDiff(4).face < before.face + 4, 2000)).toBe(true);
  }, 40_000);

  it('exports Prometheus metrics with the session, its rates and the edit stages', async () => {
    // Session ids (and so per-session rows) only with the token; without it, the same rows summed.
    const anonymous = await (await fetch(`${server.url}/metrics`)).text();
    expect(anonymous).toMatch(/^lfe_fps_out [0-9.]+$/m);
    expect(anonymous).not.toContain('session=');
    const text = await (await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${server.auth.token}` } })).text();
    expect(text).toMatch(/^lfe_sessions 1$/m);
    expect(text).toMatch(/^lfe_fps_out\{session="face"\} [0-9.]+$/m);
    expect(text).toMatch(/^lfe_process_ms\{session="face",quantile="0.95"\} [0-9.]+$/m);
    expect(text).toMatch(/^lfe_edit_stage_ms\{stage="generate"\} [0-9.]+$/m);
    for (const stage of ['decode', 'wait', 'encode']) expect(text).toMatch(new RegExp(`^lfe_video_stage_ms\\{session="face",stage="${stage}",quantile="0.5"\\} [0-9.]+$`, 'm'));
    expect(text).toMatch(/^# TYPE lfe_recognizer_restarts_total counter$/m);
    if (schedule === 'async') {
      expect(text).toMatch(/^lfe_edit_model_batches_total [1-9][0-9]*$/m);
      expect(text).toMatch(/^lfe_edit_face_age_ms\{quantile="0.95"\} [0-9.]+$/m);
    }
    expect(text).not.toMatch(/stage="(modelRuns|followedFrames|ageP50)"/);
  });

  it('keeps the stream going when the edit worker dies (frames pass through), and edits again once it has restarted', async () => {
    await command('long hair');
    expect(await waitFor(() => recentDiff(4).face > 15, 3000)).toBe(true);
    const n0 = pub.frames.length;
    await processor.killWorker();
    const t0 = Date.now();
    // The next frame restarts the worker (model load included); frames keep flowing meanwhile.
    expect(await waitFor(() => processor.workerStarts >= 2, 3000)).toBe(true);
    const nRestart = pub.frames.at(-1)?.n ?? 0;
    expect(await waitFor(() => (pub.frames.at(-1)?.n ?? 0) > nRestart + 4 && recentDiff(4).face > 15, 8000)).toBe(true);
    expect(pub.frames.length).toBeGreaterThan(n0);
    // Restart = a fresh thread loading the runtime, face-api and the editor; reported in the README.
    expect(Date.now() - t0).toBeLessThan(8000);
  }, 30_000);

  it('a publisher that vanishes without a DELETE: its session and its state in the edit worker are gone within 10 s', async () => {
    const ghost = new TestPublisher({ baseUrl: server.url, width: W, height: H, source: clip.source });
    await ghost.publish('ghost');
    ghost.start();
    await command('add glasses', 'ghost');
    expect(await waitFor(() => ghost.frames.length > 5, 10_000)).toBe(true);
    expect((await processor.workerMemory()).sessions).toBe(2);
    const t0 = Date.now();
    await ghost.close(); // the peer connection just stops: no WHIP DELETE
    expect(await waitFor(() => !server.sessions.has('ghost'), 10_000)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect((await processor.workerMemory()).sessions).toBe(1);
  }, 30_000);

  it('drops the session from the worker when the publisher hangs up (WHIP DELETE)', async () => {
    const res = await fetch(new URL(pub.location, server.url), { method: 'DELETE' });
    expect(res.status).toBe(200);
    await pub.close();
    expect(await waitFor(() => server.sessions.size === 0, 10_000)).toBe(true);
    const mem = await processor.workerMemory();
    expect(mem.sessions).toBe(0);
    // The worker was restarted once (the kill test): its fresh models load lazily the same way, so
    // with every session gone it holds exactly what it held before any session: no leak.
    expect(mem.numTensors).toBe(baseTensors);
  }, 20_000);
});

function regionDiff(a: RgbFrame, b: RgbFrame, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  let n = 0;
  for (let y = Math.floor(y0); y < Math.floor(y1); y++) {
    for (let x = Math.floor(x0); x < Math.floor(x1); x++) {
      const i = (y * a.width + x) * 3;
      for (let k = 0; k < 3; k++) sum += Math.abs(a.data[i + k]! - b.data[i + k]!);
      n += 3;
    }
  }
  return sum / n;
}
