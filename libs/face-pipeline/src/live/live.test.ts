import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TestClip, faceLandmarks, hashInts, sample } from '@lfe/face-synth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Editor } from '../editor/editor';
import { alignmentFromLandmarks } from '../face/align';
import { FaceTracker, alignmentFromFix } from '../face/tracker';
import { initRuntime } from '../runtime/init-runtime';
import { writeTinyEditorBundle } from '../testing/tiny-editor';
import { EditWorker, EditWorkerError } from './edit-worker';
import { LiveFaceEditor } from './live-editor';

let dir: string;
let bundle: { generatorDir: string; editorDir: string };
beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'live-'));
  bundle = writeTinyEditorBundle(dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const face = sample(hashInts(77, 1));
const clip = new TestClip(face, { width: 320, height: 240, fps: 30 });
const frameAt = (i: number): { width: number; height: number; data: Uint8Array } => {
  const f = clip.frame(i);
  return { width: f.width, height: f.height, data: Uint8Array.from(f.data) };
};

describe('FaceTracker (face-api tiny detector + 68 landmarks, shipped in the npm package)', () => {
  it('follows the face of a moving test clip: found in ≥ 90 % of frames, eyes within 20 % of their distance', async () => {
    const tracker = await FaceTracker.create({ detectEvery: 5 });
    const errors: number[] = [];
    const n = 30;
    for (let i = 0; i < n; i++) {
      const fix = await tracker.track(frameAt(i * 2));
      if (fix === null) continue;
      const st = clip.stateAt(i * 2);
      const gt = faceLandmarks(face, st.placement, st.nuisance);
      const ed = Math.hypot(gt.rightEye.x - gt.leftEye.x, gt.rightEye.y - gt.leftEye.y);
      errors.push((Math.hypot(fix.leftEye.x - gt.leftEye.x, fix.leftEye.y - gt.leftEye.y) + Math.hypot(fix.rightEye.x - gt.rightEye.x, fix.rightEye.y - gt.rightEye.y)) / 2 / ed);
    }
    expect(errors.length).toBeGreaterThanOrEqual(0.9 * n);
    errors.sort((a, b) => a - b);
    expect(errors[errors.length >> 1]).toBeLessThan(0.2);
  });

  it('the calibrated alignment matches the ground-truth framing (scale within 5 %, centre within 1 % of the crop)', async () => {
    const tracker = await FaceTracker.create({ detectEvery: 1 });
    const ratios: number[] = [];
    const dy: number[] = [];
    for (let k = 0; k < 4; k++) {
      const f = sample(hashInts(32, k));
      f.attributes.eyewear = 0;
      const c = new TestClip(f, { width: 320, height: 240, fps: 30 });
      for (let i = 0; i < 40; i += 10) {
        const img = c.frame(i);
        tracker.reset();
        const fix = await tracker.track({ width: img.width, height: img.height, data: Uint8Array.from(img.data) });
        if (fix === null) continue;
        const st = c.stateAt(i);
        const gt = faceLandmarks(f, st.placement, st.nuisance);
        const truth = alignmentFromLandmarks(gt.leftEye, gt.rightEye, gt.mouth);
        const a = alignmentFromFix(fix);
        ratios.push(a.scale / truth.scale);
        dy.push((a.cy - truth.cy) / truth.scale);
      }
    }
    expect(ratios.length).toBeGreaterThanOrEqual(12);
    const median = (v: number[]): number => [...v].sort((x, y) => x - y)[v.length >> 1]!;
    expect(Math.abs(median(ratios) - 1)).toBeLessThan(0.05);
    expect(Math.abs(median(dy))).toBeLessThan(0.01);
  });

  it('follow() between landmark frames lands where the landmark net would (within 5 % of the eye distance), and needs a landmark fix first', async () => {
    const tracker = await FaceTracker.create({ detectEvery: 5 });
    expect(tracker.follow(frameAt(0))).toBeNull();
    const ref = await FaceTracker.create({ detectEvery: 1 });
    const errors: number[] = [];
    for (const start of [0, 30, 60]) {
      tracker.reset(); // the clip jumps ahead: find the face afresh
      expect(await tracker.track(frameAt(start))).not.toBeNull();
      for (const ahead of [1, 2]) {
        const f = tracker.follow(frameAt(start + ahead));
        expect(f, `frame ${start}+${ahead}`).not.toBeNull();
        expect(f!.detected).toBe(false);
        ref.reset();
        const t = await ref.track(frameAt(start + ahead));
        if (t === null) continue;
        const ed = Math.hypot(t.rightEye.x - t.leftEye.x, t.rightEye.y - t.leftEye.y);
        errors.push(Math.hypot(f!.leftEye.x - t.leftEye.x, f!.leftEye.y - t.leftEye.y) / ed, Math.hypot(f!.mouth.x - t.mouth.x, f!.mouth.y - t.mouth.y) / ed);
      }
    }
    expect(errors.length).toBeGreaterThanOrEqual(8);
    expect([...errors].sort((a, b) => a - b)[errors.length >> 1]).toBeLessThan(0.05);
    tracker.reset();
    expect(tracker.follow(frameAt(61))).toBeNull();
  });

  it('returns null on a frame without a face', async () => {
    const tracker = await FaceTracker.create();
    const blank = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(90) };
    expect(await tracker.track(blank)).toBeNull();
  });
});

describe('LiveFaceEditor', () => {
  it('passes frames through without an edit, edits only the face region with one, and does not leak', async () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir);
    const live = new LiveFaceEditor(editor, { rampMs: 0 });
    const f0 = frameAt(0);
    const copy = Uint8Array.from(f0.data);
    const r0 = await live.process('s1', f0, 0, null, 1);
    expect(r0.edited).toBe(false);
    expect(f0.data).toEqual(copy);

    await live.process('s1', frameAt(1), 33, 'add glasses', 1); // warm-up: caches the text code
    const before = tf.memory().numTensors;
    let changedInside = 0;
    for (let i = 2; i < 6; i++) {
      const f = frameAt(i);
      const orig = Uint8Array.from(f.data);
      const r = await live.process('s1', f, i * 33, 'add glasses', 1);
      expect(r.face).toBe(true);
      expect(r.edited).toBe(true);
      expect(r.stages.generate).toBeGreaterThan(0);
      for (let k = 0; k < f.data.length; k++) if (f.data[k] !== orig[k]) changedInside++;
      // The corners (background far from the face) are untouched.
      expect(f.data.subarray(0, 30)).toEqual(orig.subarray(0, 30));
      expect(f.data.subarray(f.data.length - 30)).toEqual(orig.subarray(orig.length - 30));
    }
    expect(changedInside).toBeGreaterThan(1000);
    expect(tf.memory().numTensors).toBe(before);
    live.endSession('s1');
    expect(tf.memory().numTensors).toBe(before - 1); // the cached text code
    expect(live.sessions).toBe(0);
    live.dispose();
    editor.dispose();
  });

  it('micro-batches frames of several sessions through one encoder/generator pass, with the same result as one at a time', async () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir);
    const batched = new LiveFaceEditor(editor, { rampMs: 0 });
    const single = new LiveFaceEditor(editor, { rampMs: 0 });
    const a = frameAt(7);
    const b = frameAt(9);
    const a1 = { ...a, data: Uint8Array.from(a.data) };
    const b1 = { ...b, data: Uint8Array.from(b.data) };
    const res = await batched.processBatch([
      { id: 'x', frame: a, timestampMs: 0, command: 'add glasses', strength: 1 },
      { id: 'y', frame: b, timestampMs: 0, command: 'long hair', strength: 1 },
    ]);
    expect(res.map((r) => r.edited)).toEqual([true, true]);
    await single.process('x', a1, 0, 'add glasses', 1);
    await single.process('y', b1, 0, 'long hair', 1);
    let maxDiff = 0;
    for (let k = 0; k < a.data.length; k++) maxDiff = Math.max(maxDiff, Math.abs(a.data[k]! - a1.data[k]!), Math.abs(b.data[k]! - b1.data[k]!));
    expect(maxDiff).toBeLessThanOrEqual(1); // batch-2 vs batch-1 convs differ only in rounding
    await expect(batched.processBatch([{ id: 'x', frame: a, timestampMs: 1, command: null, strength: 1 }, { id: 'x', frame: b, timestampMs: 1, command: null, strength: 1 }])).rejects.toThrow(TypeError);
    batched.dispose();
    single.dispose();
    editor.dispose();
  });

  it('with modelEvery 2, runs the model on every other frame and re-pastes the last face at the new alignment in between', async () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir);
    const live = new LiveFaceEditor(editor, { rampMs: 0, modelEvery: 2 });
    const ran: boolean[] = [];
    const followed: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await live.process('m', frameAt(10 + i), i * 33, 'add glasses', 1);
      expect(r.edited).toBe(true);
      ran.push(r.stages.generate > 0);
      followed.push(r.followed);
    }
    expect(ran).toEqual([true, false, true, false, true, false]);
    // The frames that re-paste follow the face instead of running the landmark net.
    expect(followed).toEqual([false, true, false, true, false, true]);
    // A new command runs the model at once.
    const r = await live.process('m', frameAt(20), 7 * 33, 'long hair', 1);
    expect(r.stages.generate).toBeGreaterThan(0);
    live.dispose();
    editor.dispose();
  });

  it("composite 'delta' (default) adds only what the edit changes: strength 0 leaves the frame exactly as it was; 'replace' pastes the reconstruction", async () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir);
    const delta = new LiveFaceEditor(editor, { rampMs: 0 });
    const replace = new LiveFaceEditor(editor, { rampMs: 0, composite: 'replace' });
    const f = frameAt(5);
    const orig = Uint8Array.from(f.data);
    const r = await delta.process('d', f, 0, 'add glasses', 0);
    expect(r.face && r.edited).toBe(true);
    expect(f.data).toEqual(orig);
    const g = frameAt(5);
    await replace.process('r', g, 0, 'add glasses', 0);
    expect(g.data).not.toEqual(orig);
    expect(() => new LiveFaceEditor(editor, { composite: 'blend' as 'delta' })).toThrow(/composite/);
    delta.dispose();
    replace.dispose();
    editor.dispose();
  });

  it('fades an edit in over the ramp', async () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir);
    const live = new LiveFaceEditor(editor, { rampMs: 300 });
    const diff = async (t: number): Promise<number> => {
      const f = frameAt(3);
      const orig = Uint8Array.from(f.data);
      await live.process('s', f, t, 'long hair', 1);
      let d = 0;
      for (let k = 0; k < f.data.length; k++) d += Math.abs(f.data[k]! - orig[k]!);
      return d;
    };
    const start = await diff(1000);
    const mid = await diff(1150);
    const end = await diff(1400);
    expect(start).toBe(0);
    expect(mid).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(mid);
    live.dispose();
    editor.dispose();
  });
});

describe('EditWorker (inference off the event loop)', () => {
  it('edits frames in a worker thread, recovers after the thread dies, and reports a bad bundle clearly', async () => {
    const w = new EditWorker({ editorDir: bundle.editorDir, generatorDir: bundle.generatorDir, backend: 'wasm', options: { rampMs: 0 } });
    const info = await w.start();
    expect(info.resolution).toBe(32);
    const f = frameAt(4);
    const out = await w.process('a', f, 0, 'add glasses', 1);
    expect(out.result.edited).toBe(true);
    expect(out.data.length).toBe(f.data.length);
    expect(Buffer.from(out.data).equals(Buffer.from(f.data))).toBe(false);
    const pending = w.process('a', f, 33, 'add glasses', 1);
    await w.kill();
    await expect(pending).rejects.toBeInstanceOf(EditWorkerError);
    const again = await w.process('a', f, 66, 'add glasses', 1);
    expect(again.result.edited).toBe(true);
    expect(w.starts).toBe(2);
    w.endSession('a');
    expect((await w.memory()).sessions).toBe(0);
    await w.close();

    const bad = new EditWorker({ editorDir: join(dir, 'nowhere'), generatorDir: bundle.generatorDir, backend: 'wasm' });
    await expect(bad.start()).rejects.toThrow(/editor\.json/);
    await bad.close();
  }, 60_000);
});
