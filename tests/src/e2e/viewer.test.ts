/**
 * Browser end-to-end: real chromium (fake camera = stamped face-synth clip, fake mic = espeak-ng
 * with a −60 dB noise floor), real stream server (`--effect none`), the built viewer page; the full
 * face pipeline with the synthetic model on that clip; and the product's default model (the
 * real-face one) on a camera clip made at test time from a real 256-px test face of the shared data
 * set (`RealFaceClip`: panned, zoomed and turned over a background at 640×480), read back by the
 * real judge and the face descriptor. Screenshots go to test-output/e2e/. Prints capture→display
 * latency p50/p95 and fps.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchWithFakeMedia } from './browser';
import { REAL_CAMERA_CLIP, ROOT, buildViewer, cameraClip, hasCommand, realCameraClip, speechWav } from './fixtures';
import { takeHeavyLock, type HeldLock } from './heavy-lock';
import { grabFrames, judgeEyewear, judgeRealFrames } from './judge-frames';
import type { RealFaceClip } from '@lfe/realface';
import { serveTarget, startServer, type RunningServer } from './server';

const SHOTS = join(ROOT, 'test-output/e2e');
const TOKEN = 'e2e-token';

interface Snapshot {
  session: string | undefined;
  socket: string;
  peer: string;
  latencySamples: number[];
  latency: { count: number; p50: number; p95: number };
  displayFps: number;
  server: { fpsIn: number; fpsOut: number; dropped: number; backend: string; effect: string } | undefined;
  edits: number;
  stamps: Record<string, number | undefined>;
}

function whyNot(): string | undefined {
  const target = serveTarget();
  if (typeof target === 'string') return `stream server not ready: ${target}`;
  return chromiumMissing() ?? (hasCommand('ffmpeg') ? undefined : 'ffmpeg not installed (the server decodes and encodes with it)');
}

const skipReason = whyNot();
if (skipReason !== undefined) console.warn(`[e2e] skipped: ${skipReason}`);

function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.max(0, Math.ceil((p / 100) * s.length) - 1)] ?? Number.NaN;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 200): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function snapshot(page: Page): Promise<Snapshot> {
  return (await page.evaluate('window.lfeViewer.snapshot()')) as Snapshot;
}

/** The printed measurement: capture→display latency over the last 150 frames and the page's fps. */
interface LatencyLine {
  effect: string | undefined;
  latencyMs: { p50: number; p95: number; n: number };
  fps: { serverIn: number | undefined; serverOut: number | undefined; shown: number };
  droppedServer: number | undefined;
  backend: string | undefined;
}

function latencyLine(snap: Snapshot): LatencyLine {
  const samples = snap.latencySamples.slice(-150);
  return {
    effect: snap.server?.effect,
    latencyMs: { p50: Math.round(percentile(samples, 50)), p95: Math.round(percentile(samples, 95)), n: samples.length },
    fps: { serverIn: snap.server?.fpsIn, serverOut: snap.server?.fpsOut, shown: Math.round(snap.displayFps * 10) / 10 },
    droppedServer: snap.server?.dropped,
    backend: snap.server?.backend,
  };
}

async function editLabels(page: Page): Promise<string[]> {
  return page.locator('#edits li .what').allTextContents();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) });
}

/** A running server, a chromium with the fake camera (and microphone) and one page, under the heavy lock. */
interface Rig {
  lock: HeldLock;
  server: RunningServer;
  browser: Browser;
  page: Page;
}

async function openRig(serverArgs: readonly string[], wav: string | undefined, clip: string = cameraClip()): Promise<Rig> {
  mkdirSync(SHOTS, { recursive: true });
  buildViewer();
  const rig: Partial<Rig> = { lock: await takeHeavyLock() };
  if (!rig.lock!.held) console.warn('[e2e] /tmp/heavy.lock is held by another job; running without it (timings share the CPU)');
  try {
    rig.server = await startServer([...serverArgs, '--require-token'], TOKEN);
    rig.browser = await launchWithFakeMedia(clip, wav);
    rig.page = await rig.browser.newPage({ viewport: { width: 1280, height: 800 } });
    rig.page.on('pageerror', (err) => console.warn('[e2e] page error:', err.message));
    return rig as Rig;
  } catch (e) {
    await closeRig(rig, 'server-failed-start.log');
    throw e;
  }
}

/** Close what `openRig` opened (whatever part of it exists) and keep the server's log as `logName`. */
async function closeRig(rig: Partial<Rig>, logName: string): Promise<void> {
  await rig.browser?.close();
  await rig.server?.stop();
  // The server's log (JSON lines; LFE_E2E_SERVER_LOG_LEVEL=debug for media stats every 10 s).
  if (rig.server !== undefined) writeFileSync(join(SHOTS, logName), rig.server.output());
  rig.lock?.release();
}

async function type(page: Page, text: string): Promise<void> {
  await page.fill('#command-input', text);
  await page.press('#command-input', 'Enter');
}

describe.skipIf(skipReason !== undefined)(`viewer in chromium against the stream server (--effect none)${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let rig: Partial<Rig> = {};
  let server: RunningServer | undefined;
  let page: Page;
  let voiceSkip: string | undefined;

  beforeAll(async () => {
    voiceSkip = hasCommand('espeak-ng') && hasCommand('sox') ? undefined : 'espeak-ng or sox missing: no fake microphone audio';
    const wav = voiceSkip === undefined ? speechWav() : undefined;
    rig = await openRig(['--effect', 'none'], wav);
    server = rig.server!;
    if (!server.voice && voiceSkip === undefined) voiceSkip = 'the server started with voice off (pocketsphinx_continuous not found)';
    page = rig.page!;
  }, 240_000);

  afterAll(() => closeRig(rig, 'server.log'), 30_000);

  it('publishes the camera and plays the processed video (frames advance)', async () => {
    const s = server as RunningServer;
    await page.goto(`${s.url}/?token=${TOKEN}`);
    // No layout jump: the processed video box has its size before any frame arrives.
    const before = await page.locator('#processed-box').boundingBox();
    const snap = await waitFor('peer connected and command socket open', async () => {
      const v = await snapshot(page);
      return v.peer === 'connected' && v.socket === 'open' ? v : undefined;
    }, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\nserver output:\n${s.output().slice(-3000)}`);
    });
    expect(snap.session).toMatch(/^[a-z0-9-]{1,40}$/);
    const frames = (): Promise<number> => page.evaluate('document.getElementById("processed").getVideoPlaybackQuality().totalVideoFrames') as Promise<number>;
    await waitFor('first processed frame', async () => (await frames()) > 0, 20_000);
    const f0 = await frames();
    await page.waitForTimeout(2000);
    const f1 = await frames();
    expect(f1 - f0, 'processed frames shown in 2 s').toBeGreaterThan(10);
    expect(await page.evaluate('document.getElementById("processed").videoWidth')).toBe(640);
    const after = await page.locator('#processed-box').boundingBox();
    expect(after).toEqual(before);
    // With --effect none the picture must be the camera's: the clip's frame stamp must survive.
    // A stream may start damaged until the next keyframe; it must be clean within 10 s.
    const firstFrameAt = Date.now() - 2000;
    let lastWindow = '';
    const clean = await waitFor('a clean processed picture (stamps readable on most frames for 1.5 s)', async () => {
      const a = (await snapshot(page)).stamps;
      await page.waitForTimeout(1500);
      const b = (await snapshot(page)).stamps;
      const d = (k: string): number => (b[k] ?? 0) - (a[k] ?? 0);
      lastWindow = `stamp readable on ${d('remote')} of ${d('remoteChecked')} processed frames (camera preview: ${d('local')} of ${d('localChecked')})`;
      return d('remoteChecked') >= 10 && d('remote') / d('remoteChecked') > 0.5 ? Date.now() - firstFrameAt : undefined;
    }, 10_000, 0).catch(async () => {
      await shot(page, '01-playing');
      throw new Error(`processed video is not the camera picture 10 s after the first frame: ${lastWindow}; the returned video is corrupted — see test-output/e2e/01-playing.png`);
    });
    console.log(`[e2e] processed picture clean ${(clean / 1000).toFixed(1)} s after the first processed frame`);
    await shot(page, '01-playing');
  }, 60_000);

  it('measures capture → display latency and fps from the page stats', async () => {
    // Let the encoder and jitter buffer settle, then read a window of samples.
    await page.waitForTimeout(3000);
    const snap = await waitFor('latency samples', async () => {
      const v = await snapshot(page);
      return v.latency.count >= 60 && v.server !== undefined ? v : undefined;
    }, 20_000).catch(async (err: unknown) => {
      const v = await snapshot(page);
      await shot(page, '02-stats');
      throw new Error(
        `${String(err)}: only ${v.latency.count} processed frames matched a camera frame; stamps readable on ${v.stamps['remote'] ?? 0} of ` +
          `${v.stamps['remoteChecked'] ?? 0} processed frames checked vs ${v.stamps['local'] ?? 0} of ${v.stamps['localChecked'] ?? 0} camera frames ` +
          `(the processed picture is damaged — see test-output/e2e/02-stats.png); snapshot: ${JSON.stringify({ ...v, latencySamples: undefined })}`,
      );
    });
    const line = latencyLine(snap);
    console.log(`[e2e] capture→display (effect none): ${JSON.stringify(line)}`);
    expect(snap.server?.effect).toBe('none');
    expect(line.latencyMs.p50).toBeGreaterThan(0);
    expect(line.latencyMs.p50).toBeLessThan(1000);
    expect(snap.displayFps).toBeGreaterThan(5);
    // The overlay shows the same numbers people see.
    await expect(page.locator('[data-stat="latency p50 / p95"]').textContent()).resolves.toMatch(/\d+ \/ \d+ ms/);
    await shot(page, '02-stats');
  }, 60_000);

  it('typed "add glasses" → the edit appears in the edit list', async () => {
    await type(page, 'add glasses');
    await waitFor('glasses edit', async () => (await editLabels(page)).some((l) => /glasses/.test(l)), 10_000);
    await expect(page.locator('#undo').isDisabled()).resolves.toBe(false);
    await shot(page, '03-glasses');
  }, 30_000);

  it('typed unknown word → visible error with a suggestion', async () => {
    await type(page, 'add glases');
    await page.locator('#command-error').waitFor({ state: 'visible', timeout: 10_000 });
    await expect(page.locator('#command-error-title').textContent()).resolves.toMatch(/Unknown word/);
    await expect(page.locator('#command-error-suggestions button').allTextContents()).resolves.toContain('glasses');
    // The suggestion button fixes the typo in the command box.
    await page.click('#command-error-suggestions button:text-is("glasses")');
    await expect(page.inputValue('#command-input')).resolves.toBe('add glasses');
    await shot(page, '04-unknown-word');
    await page.fill('#command-input', '');
  }, 30_000);

  it('undo removes the last edit, reset removes all', async () => {
    await type(page, 'long hair');
    await waitFor('two edits', async () => (await editLabels(page)).length === 2, 10_000);
    await page.click('#undo');
    await waitFor('undo back to glasses only', async () => {
      const l = await editLabels(page);
      return l.length === 1 && /glasses/.test(l[0] ?? '');
    }, 10_000);
    await shot(page, '05-undo');
    await type(page, 'big eyes');
    await waitFor('two edits again', async () => (await editLabels(page)).length === 2, 10_000);
    await page.click('#reset');
    await waitFor('no edits after reset', async () => (await editLabels(page)).length === 0, 10_000);
    await expect(page.locator('#edits-empty').isVisible()).resolves.toBe(true);
    await shot(page, '06-reset');
  }, 30_000);

  it('spoken "mirror, long hair" (fake mic, wake word) → transcript and edit', async (ctx) => {
    if (voiceSkip !== undefined) {
      console.warn(`[e2e] voice scenario skipped: ${voiceSkip}`);
      ctx.skip(voiceSkip);
    }
    await page.check('input[name="mic"][value="wake-word"]');
    const heard = await waitFor('transcript with "long hair"', async () => {
      const lines = await page.locator('#transcript li').allTextContents();
      return lines.find((l) => /long hair/i.test(l));
    }, 30_000).catch(async (err: unknown) => {
      const lines = await page.locator('#transcript li').allTextContents();
      await shot(page, '07-voice-failed');
      throw new Error(`${String(err)}; transcript lines: ${JSON.stringify(lines)}`);
    });
    expect(heard).toMatch(/long hair/i);
    await waitFor('hair edit from voice', async () => (await editLabels(page)).some((l) => /hair length: long/.test(l)), 10_000);
    await page.check('input[name="mic"][value="off"]');
    await shot(page, '07-voice');
  }, 60_000);

  it('OBS page shows the processed video of the session', async () => {
    const s = server as RunningServer;
    const session = (await snapshot(page)).session as string;
    const obs = await rig.browser!.newPage({ viewport: { width: 640, height: 480 } });
    try {
      await obs.goto(`${s.url}/obs?session=${session}&token=${TOKEN}`);
      const frames = await waitFor('OBS frames', async () => {
        const v = (await obs.evaluate('window.lfeObs && window.lfeObs.snapshot()')) as { frames: number } | undefined;
        return v !== undefined && v.frames > 30 ? v.frames : undefined;
      }, 30_000);
      expect(frames).toBeGreaterThan(30);
      // Only the video: no controls on the page.
      await expect(obs.locator('button, input').count()).resolves.toBe(0);
      await shot(obs, '08-obs');
    } finally {
      await obs.close();
    }
  }, 60_000);

  it('wrong token → the page says "Not authorised (401)"', async () => {
    const s = server as RunningServer;
    const p = await rig.browser!.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      // The page itself is public; its WHIP POST with the wrong token gets the server's 401.
      const res = await p.goto(`${s.url}/?token=wrong-${TOKEN}`);
      expect(res?.status()).toBe(200);
      await p.locator('#notice').waitFor({ state: 'visible', timeout: 20_000 });
      await expect(p.locator('#notice-title').textContent()).resolves.toBe('Not authorised (401)');
      await shot(p, '09-auth-failure');
    } finally {
      await p.close();
    }
  }, 40_000);

});

describe.skipIf(skipReason !== undefined)(`viewer in chromium against the full face pipeline (--effect edit --model synthetic)${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let rig: Partial<Rig> = {};
  let server: RunningServer | undefined;
  let page: Page;

  beforeAll(async () => {
    // The synthetic model on face-synth's clip: the world with exact ground truth (the synthetic judge).
    rig = await openRig(['--effect', 'edit', '--model', 'synthetic', '--no-voice'], undefined);
    server = rig.server!;
    page = rig.page!;
  }, 240_000);

  afterAll(() => closeRig(rig, 'server-edit.log'), 30_000);

  const editedFrames = async (): Promise<number> => {
    const text = await (await fetch(`${(server as RunningServer).url}/metrics`)).text();
    return Number(/^lfe_edited_frames_total (\d+)/m.exec(text)?.[1] ?? 0);
  };

  it('"add glasses" is applied by the bundled model to the video the page shows; latency and fps are measured', async () => {
    const s = server as RunningServer;
    await page.goto(`${s.url}/?token=${TOKEN}`);
    await waitFor('peer connected and command socket open', async () => {
      const v = await snapshot(page);
      return v.peer === 'connected' && v.socket === 'open' ? v : undefined;
    }, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\nserver output:\n${s.output().slice(-3000)}`);
    });
    await page.waitForTimeout(2000);
    expect(await editedFrames(), 'no edit active yet: frames pass through').toBe(0);
    await type(page, 'add glasses');
    await waitFor('glasses edit', async () => (await editLabels(page)).some((l) => /glasses/.test(l)), 10_000);
    // A failing edit (model not loaded, worker dead, no face found) leaves this at 0 and fails here.
    const n = await waitFor('frames edited by the face pipeline', async () => {
      const v = await editedFrames();
      return v > 30 ? v : undefined;
    }, 20_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\nserver output:\n${s.output().slice(-3000)}`);
    });
    expect(n).toBeGreaterThan(30);
    await page.waitForTimeout(3000);
    await shot(page, '10-edit-glasses');
    const snap = await waitFor('latency samples', async () => {
      const v = await snapshot(page);
      return v.latency.count >= 30 && v.server !== undefined ? v : undefined;
    }, 20_000);
    const line = latencyLine(snap);
    console.log(`[e2e] capture→display (effect edit, "add glasses"): ${JSON.stringify(line)}`);
    expect(snap.server?.effect).toBe('edit');
    expect(snap.displayFps).toBeGreaterThan(3);
    // The judge on the pixels the page shows, at the clip's known face position. The camera frames
    // check the measurement itself (the clip's face wears no glasses); the processed frames must
    // show glasses in most judged frames (a failing edit fails here). Measured in session 6 with the
    // atom-distilled editor and the delta composite: 8 of 8 (`nx run tools:eval-live` on 4 other
    // faces: 67 % of frames).
    const processed = await judgeEyewear(await grabFrames(page, 'processed', 8, 150));
    const camera = await judgeEyewear(await grabFrames(page, 'preview', 8, 150));
    const glasses = (v: { eyewear: number[] }): number => v.eyewear.filter((e) => e === 1).length;
    console.log(
      `[e2e] judge on page frames after "add glasses": processed ${glasses(processed)} of ${processed.judged} judged frames wear glasses ` +
        `(face-api finds a face in ${processed.faceApiFaces} of ${processed.frames}); camera ${glasses(camera)} of ${camera.judged} (face-api ${camera.faceApiFaces} of ${camera.frames})`,
    );
    expect(camera.judged, 'camera frames whose stamp reads back').toBeGreaterThanOrEqual(6);
    expect(camera.eyewear.filter((e) => e === 0).length, 'the judge reads "no eyewear" on the camera frames').toBeGreaterThanOrEqual(camera.judged - 1);
    expect(camera.faceApiFaces, 'face-api finds the face in the camera frames').toBeGreaterThanOrEqual(6);
    expect(processed.judged, 'processed frames whose stamp reads back').toBeGreaterThanOrEqual(6);
    expect(glasses(processed), 'the judge reads glasses on most processed frames').toBeGreaterThan(processed.judged / 2);
    // Undo: the editor stops changing frames (the counter stops growing after the fade-out).
    await page.click('#undo');
    await waitFor('no edits', async () => (await editLabels(page)).length === 0, 10_000);
    await page.waitForTimeout(1000);
    const a = await editedFrames();
    await page.waitForTimeout(1500);
    expect(await editedFrames()).toBe(a);
  }, 120_000);
});

describe.skipIf(skipReason !== undefined)(`viewer in chromium, the default (real-face) model on a real face (--effect edit)${skipReason ? ` — skipped: ${skipReason}` : ''}`, () => {
  let rig: Partial<Rig> = {};
  let server: RunningServer | undefined;
  let page: Page;
  let clip: RealFaceClip;
  let face = 0;

  beforeAll(async () => {
    // A real test face from ../shared/realface made into a moving 640×480 camera clip at test time
    // (tmp/e2e, git-ignored); a missing data folder fails here, naming the path.
    const made = await realCameraClip();
    clip = made.clip;
    face = made.face;
    // No --model: the product's default model is the one under test.
    rig = await openRig(['--effect', 'edit', '--no-voice'], undefined, made.file);
    server = rig.server!;
    page = rig.page!;
  }, 240_000);

  afterAll(() => closeRig(rig, 'server-edit-real.log'), 30_000);

  it('"add glasses" on a real face: the real judge reads glasses on ≥ 6 of 8 processed frames and none on the camera frames; the descriptor distances are measured', async () => {
    const s = server as RunningServer;
    expect(s.output(), 'the server runs the real-face model by default').toMatch(/model: real/);
    await page.goto(`${s.url}/?token=${TOKEN}`);
    await waitFor('peer connected and command socket open', async () => {
      const v = await snapshot(page);
      return v.peer === 'connected' && v.socket === 'open' ? v : undefined;
    }, 30_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\nserver output:\n${s.output().slice(-3000)}`);
    });
    await waitFor('processed video playing', async () => (await page.evaluate("document.getElementById('processed').videoWidth")) as number > 0, 30_000);
    await page.waitForTimeout(2000);
    const frames = REAL_CAMERA_CLIP.fps * REAL_CAMERA_CLIP.seconds;
    // Before any edit: what the video path alone (encode, send, decode) does to the descriptor.
    const before = await judgeRealFrames(await grabFrames(page, 'processed', 4, 150), clip, frames);
    await type(page, 'add glasses');
    await waitFor('glasses edit', async () => (await editLabels(page)).some((l) => /glasses/.test(l)), 10_000);
    await waitFor('frames edited by the face pipeline', async () => {
      const text = await (await fetch(`${s.url}/metrics`)).text();
      return Number(/^lfe_edited_frames_total (\d+)/m.exec(text)?.[1] ?? 0) > 30;
    }, 20_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\nserver output:\n${s.output().slice(-3000)}`);
    });
    await page.waitForTimeout(3000);
    await shot(page, '11-real-face-glasses');
    const snap = await waitFor('latency samples', async () => {
      const v = await snapshot(page);
      return v.latency.count >= 30 && v.server !== undefined ? v : undefined;
    }, 20_000);
    console.log(`[e2e] capture→display (real model, real face ${face}, "add glasses"): ${JSON.stringify(latencyLine(snap))}`);
    const processed = await judgeRealFrames(await grabFrames(page, 'processed', 8, 150), clip, frames);
    const camera = await judgeRealFrames(await grabFrames(page, 'preview', 8, 150), clip, frames);
    const count = (v: boolean[]): number => v.filter(Boolean).length;
    const under = processed.distance.filter((d) => d < processed.threshold).length;
    console.log(
      `[e2e] real judge on page frames after "add glasses" (face ${face}): processed ${count(processed.glasses)} of ${processed.judged} judged frames wear glasses, ` +
        `camera ${count(camera.glasses)} of ${camera.judged}; descriptor distance processed↔camera ${processed.distance.map((d) => d.toFixed(3)).join(' ')} (threshold ${processed.threshold.toFixed(3)}: ${under} under); ` +
        `before the edit (video path only) ${before.distance.map((d) => d.toFixed(3)).join(' ')}, glasses on ${count(before.glasses)} of ${before.judged}; camera ${camera.distance.map((d) => d.toFixed(3)).join(' ')}`,
    );
    expect(camera.judged, 'camera frames whose stamp reads back').toBeGreaterThanOrEqual(6);
    expect(count(camera.glasses), 'the real judge reads no glasses on the camera frames').toBe(0);
    expect(processed.judged, 'processed frames whose stamp reads back').toBe(8);
    expect(count(processed.glasses), 'the real judge reads glasses on ≥ 6 of 8 processed frames').toBeGreaterThanOrEqual(6);
    // The video path alone keeps the person (this checks the measurement: codec, crop, descriptor).
    expect(before.distance.every((d) => d < before.threshold), 'before the edit the processed face is the camera face').toBe(true);
    // Issue "Real faces, part 3" asks that the person stays the same by the descriptor (distance under
    // the calibrated threshold) with "add glasses" on. Not met yet, and at the edge: frames under the
    // threshold were 0 to 5 of 8 across six runs (0.36–0.47; offline, on the data set's own 64-px
    // crop, 0.38). Printed above, not asserted: an assertion either way would flake
    // (docs/results.md, "Live on a real face").
  }, 120_000);
});
