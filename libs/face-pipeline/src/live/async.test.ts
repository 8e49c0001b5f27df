import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TestClip, hashInts, sample } from '@lfe/face-synth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Editor } from '../editor/editor';
import { initRuntime } from '../runtime/init-runtime';
import { writeTinyEditorBundle } from '../testing/tiny-editor';
import { EditWorker } from './edit-worker';
import { EditWorkerError } from './edit-worker-error';
import { LocalFaceModel } from './face-model';
import { ThreadFaceModel } from './face-model-worker';
import { LiveFaceEditor, type LiveResult } from './live-editor';

let dir: string;
let bundle: { generatorDir: string; editorDir: string };
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'live-async-'));
  bundle = writeTinyEditorBundle(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const face = sample(hashInts(77, 1));
const clip = new TestClip(face, { width: 320, height: 240, fps: 30 });
const frameAt = (i: number): { width: number; height: number; data: Uint8Array } => {
  const f = clip.frame(i);
  return { width: f.width, height: f.height, data: Uint8Array.from(f.data) };
};
const sumDiff = (a: Uint8Array, b: Uint8Array): number => {
  let d = 0;
  for (let k = 0; k < a.length; k++) d += Math.abs(a[k]! - b[k]!);
  return d;
};

describe('LocalFaceModel', () => {
  it('is the inline loop’s model: strength 0 gives a zero delta, a ramp blends latents, bad jobs are refused, codes are freed', () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir);
    const model = new LocalFaceModel(editor);
    const r = model.resolution;
    const crop = new Float32Array(r * r * 3).map((_, k) => Math.sin(k) * 0.5);
    const before = tf.memory().numTensors;
    const a = model.runSync([{ id: 's', crop, timestampMs: 0, targets: [{ command: 'add glasses', strength: 1, weight: 1 }] }]);
    expect(a.batch).toBe(1);
    expect(a.faces[0]!.length).toBe(r * r * 3);
    expect(a.faces[0]!.some((v) => v !== 0)).toBe(true);
    // Strength 0 fuses to the inverted latent itself: the delta is exactly zero.
    model.resetSession('s');
    const zero = model.runSync([{ id: 's', crop, timestampMs: 0, targets: [{ command: 'add glasses', strength: 0, weight: 1 }] }]);
    expect(Math.max(...zero.faces[0]!.map(Math.abs))).toBeLessThan(1e-5);
    // Half of "no edit" and half of the edit: between the two.
    model.resetSession('s');
    const half = model.runSync([{ id: 's', crop, timestampMs: 0, targets: [{ command: null, strength: 1, weight: 0.5 }, { command: 'add glasses', strength: 1, weight: 0.5 }] }]);
    const norm = (v: Float32Array): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    expect(norm(half.faces[0]!)).toBeGreaterThan(0);
    expect(norm(half.faces[0]!)).toBeLessThan(norm(a.faces[0]!));
    expect(() => model.runSync([{ id: 's', crop: new Float32Array(5), timestampMs: 0, targets: [{ command: null, strength: 1, weight: 1 }] }])).toThrow(/crop must be/);
    expect(() => model.runSync([{ id: 's', crop, timestampMs: 0, targets: [] }])).toThrow(/target/);
    expect(tf.memory().numTensors).toBe(before + 1); // the cached text code
    model.endSession('s');
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
    editor.dispose();
  });

  it('localize (default) keeps the change where the edited attributes live: glasses change nothing at the mouth', () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir);
    const r = editor.resolution;
    const crop = new Float32Array(r * r * 3).map((_, k) => Math.cos(k) * 0.5);
    const job = { id: 's', crop, timestampMs: 0, targets: [{ command: 'add glasses', strength: 1, weight: 1 }] };
    const local = new LocalFaceModel(editor).runSync([job]).faces[0]!;
    const everywhere = new LocalFaceModel(editor, { localize: false }).runSync([job]).faces[0]!;
    // The mouth row of the crop (TEMPLATE: mouth 0.179 below the eyes at 0.529).
    const row = Math.floor((0.529 + 0.179) * r);
    const rowAbs = (f: Float32Array): number => f.subarray(row * r * 3, (row + 1) * r * 3).reduce((a, v) => a + Math.abs(v), 0);
    expect(rowAbs(everywhere)).toBeGreaterThan(0);
    expect(rowAbs(local)).toBe(0);
    // At the eyes both are the same change.
    const eyeRow = Math.floor(0.529 * r);
    const mid = (eyeRow * r + Math.floor(0.41 * r)) * 3;
    expect(local[mid]).toBeCloseTo(everywhere[mid]!, 6);
    editor.dispose();
  });
});

describe("LiveFaceEditor, schedule 'async'", () => {
  it('pastes the newest face on every frame once the first one arrived, cross-fades edits in and out, and ends bit-exact', async () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir);
    const live = new LiveFaceEditor(editor, { rampMs: 100, schedule: 'async' });
    const results: LiveResult[] = [];
    const diffs: number[] = [];
    let t = 0;
    const step = async (i: number, command: string | null): Promise<void> => {
      const f = frameAt(i);
      const orig = Uint8Array.from(f.data);
      const r = await live.process('a', f, (t += 33), command, 1);
      results.push(r);
      diffs.push(sumDiff(f.data, orig));
    };
    for (let i = 0; i < 8; i++) await step(i, 'add glasses');
    // The first frame only submits its crop; the face arrives for the next ones and fades in.
    expect(results[0]!.submitted).toBe(true);
    expect(results[0]!.edited).toBe(false);
    expect(diffs[0]).toBe(0);
    expect(results.slice(2).every((r) => r.edited)).toBe(true);
    expect(diffs[7]!).toBeGreaterThan(diffs[2]!);
    // The model never runs inside a frame's own stages; its stages come with the next frame.
    expect(results.every((r) => r.stages.generate === 0)).toBe(true);
    expect(results.some((r) => r.model !== undefined && r.model.generate > 0)).toBe(true);
    expect(results.slice(2).every((r) => r.ageMs !== undefined && r.ageMs >= 0)).toBe(true);
    // Ending the edit fades it out over the ramp, then frames go through untouched.
    results.length = 0;
    diffs.length = 0;
    for (let i = 8; i < 16; i++) await step(i, null);
    expect(diffs[0]!).toBeGreaterThan(0);
    expect(diffs.slice(5).every((d) => d === 0)).toBe(true);
    expect(results.at(-1)!.edited).toBe(false);
    live.dispose();
    editor.dispose();
  });

  it('with the model in its own thread: frames return while the model runs, a killed model thread restarts, nothing leaks', async () => {
    const model = new ThreadFaceModel({ editorDir: bundle.editorDir, generatorDir: bundle.generatorDir, backend: 'wasm' });
    await model.start();
    const live = new LiveFaceEditor(model, { rampMs: 0, schedule: 'async' });
    let t = 0;
    let i = 0;
    const frame = async (command: string | null = 'add glasses'): Promise<LiveResult> => live.process('b', frameAt(i++ % 60), (t += 33), command, 1);
    const first = await frame();
    expect(first.submitted).toBe(true);
    let last: LiveResult = first;
    for (let k = 0; k < 200 && !last.edited; k++) {
      last = await frame();
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(last.edited).toBe(true);
    // Frames that do not submit (the model is busy) follow the face instead of running the landmark net.
    let r0 = await frame();
    for (let k = 0; k < 100 && !r0.followed; k++) r0 = await frame();
    expect(r0.followed).toBe(true);
    // Kill the model thread with a job in it: frames keep coming back with the last face; the job
    // fails, the next submission restarts the thread and new faces arrive again.
    for (let k = 0; k < 500 && !(await frame()).submitted; k++) await new Promise((res) => setTimeout(res, 5));
    await model.kill();
    let sawError = false;
    let restarted = false;
    for (let k = 0; k < 400 && !restarted; k++) {
      const r = await frame();
      expect(r.edited).toBe(true);
      if (r.modelError !== undefined) sawError = true;
      if (sawError && r.model !== undefined) restarted = true;
      await new Promise((res) => setTimeout(res, 5));
    }
    expect(sawError).toBe(true);
    expect(restarted).toBe(true);
    expect(model.starts).toBe(2);
    await expect((async () => {
      const m2 = new ThreadFaceModel({ editorDir: join(dir, 'nowhere'), generatorDir: bundle.generatorDir, backend: 'wasm' });
      try {
        await m2.start();
      } finally {
        await m2.close();
      }
    })()).rejects.toThrow(/editor\.json/);
    // The session's text code is the only tensor it holds in the model thread; ending it frees it.
    const withSession = await model.memory();
    expect(withSession.sessions).toBe(1);
    live.endSession('b');
    const after = await model.memory();
    expect(after.sessions).toBe(0);
    expect(after.numTensors).toBe(withSession.numTensors - 1);
    await model.close();
    await expect(model.run([])).rejects.toBeInstanceOf(EditWorkerError);
  }, 120_000);

  it('runs behind EditWorker like the inline schedule (the server’s path)', async () => {
    const w = new EditWorker({ editorDir: bundle.editorDir, generatorDir: bundle.generatorDir, backend: 'wasm', options: { rampMs: 0, schedule: 'async' } });
    expect((await w.start()).resolution).toBe(32);
    // The model thread runs at niceness 10 (Linux: setpriority applies to that thread only).
    const nices = readdirSync('/proc/self/task').map((t) => Number(readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]));
    expect(nices.filter((n) => n === 10).length).toBeGreaterThanOrEqual(1);
    let edited = false;
    for (let k = 0; k < 300 && !edited; k++) {
      const f = frameAt(k % 60);
      const out = await w.process('c', f, k * 33, 'add glasses', 1);
      edited = out.result.edited;
      if (edited) expect(Buffer.from(out.data).equals(Buffer.from(f.data))).toBe(false);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(edited).toBe(true);
    expect((await w.memory()).sessions).toBe(1);
    w.endSession('c');
    expect((await w.memory()).sessions).toBe(0);
    await w.close();
  }, 120_000);

  it('refuses an unknown schedule', () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir);
    expect(() => new LiveFaceEditor(editor, { schedule: 'later' as 'async' })).toThrow(/schedule/);
    editor.dispose();
  });
});
