import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { TestClip, faceLandmarks, hashInts, sample } from '@lfe/face-synth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Editor } from '../editor/editor';
import { alignmentFromLandmarks } from '../align/align';
import { FaceTracker, alignmentFromFix } from '../detect/tracker';
import { initRuntime } from '../runtime/init-runtime';
import { writeTinyEditorBundle } from '../testing/tiny-editor';
import { EditWorker, EditWorkerError } from './edit-worker';
import { LocalFaceModel } from './face-model';
import { ThreadFaceModel } from './face-model-worker';
import { LiveFaceEditor } from './live-editor';
import type { LiveResult } from './live-options';

let dir: string;
let bundle: { generatorDir: string; editorDir: string; captionerDir: string };
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

  it("composite 'local-replace' pastes the regenerated face only in the edited attributes' region, inline and async (and cross-fades the regions)", async () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir);
    const st = clip.stateAt(5);
    const gt = faceLandmarks(face, st.placement, st.nuisance);
    // A 3×3 patch's summed change around a frame point.
    const patch = (a: Uint8Array, b: Uint8Array, p: { x: number; y: number }): number => {
      let d = 0;
      for (let y = Math.round(p.y) - 1; y <= Math.round(p.y) + 1; y++) {
        for (let x = Math.round(p.x) - 1; x <= Math.round(p.x) + 1; x++) for (let k = 0; k < 3; k++) d += Math.abs(a[(y * 320 + x) * 3 + k]! - b[(y * 320 + x) * 3 + k]!);
      }
      return d;
    };
    const orig = frameAt(5).data;
    const replace = new LiveFaceEditor(editor, { rampMs: 0, composite: 'replace' });
    const g = frameAt(5);
    await replace.process('r', g, 0, 'add glasses', 1);
    expect(patch(g.data, orig, gt.mouth)).toBeGreaterThan(0);
    const local = new LiveFaceEditor(editor, { rampMs: 0, composite: 'local-replace' });
    const f = frameAt(5);
    expect((await local.process('l', f, 0, 'add glasses', 1)).edited).toBe(true);
    expect(patch(f.data, orig, gt.leftEye)).toBeGreaterThan(0); // glasses live around the eyes
    expect(patch(f.data, orig, gt.mouth)).toBe(0); // the mouth stays the camera's
    expect(sumDiff(f.data, orig)).toBeLessThan(sumDiff(g.data, orig));

    // Async: the glasses face arrives, then "a smile" cross-fades in over the ramp: mid-fade both
    // regions show, at the end only the mouth's.
    const live = new LiveFaceEditor(editor, { rampMs: 100, schedule: 'async', composite: 'local-replace' });
    let t = 0;
    const step = async (command: string): Promise<Uint8Array> => {
      const h = frameAt(5);
      await live.process('a', h, (t += 33), command, 1);
      return h.data;
    };
    let last = orig;
    for (let i = 0; i < 6; i++) last = await step('add glasses');
    expect(patch(last, orig, gt.leftEye)).toBeGreaterThan(0);
    expect(patch(last, orig, gt.mouth)).toBe(0);
    await step('a smile'); // submits the smile's crop; its face arrives for the next frame
    await step('a smile'); // the cross-fade starts on the first frame the smile's face could show
    const mid = await step('a smile'); // a third of the way
    expect(patch(mid, orig, gt.leftEye)).toBeGreaterThan(0);
    expect(patch(mid, orig, gt.mouth)).toBeGreaterThan(0);
    for (let i = 0; i < 6; i++) last = await step('a smile');
    // At most the smile region's feathered edge reaches the eyes (this test face's eyes sit close to it).
    expect(patch(last, orig, gt.leftEye)).toBeLessThan(0.02 * patch(mid, orig, gt.leftEye));
    expect(patch(last, orig, gt.mouth)).toBeGreaterThan(0);

    // It needs a model that generates faces, not changes.
    expect(() => new LiveFaceEditor(new LocalFaceModel(editor, { composite: 'delta' }), { composite: 'local-replace' })).toThrow(/local-replace/);
    for (const l of [replace, local, live]) l.dispose();
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

  it('refineEdit: starts one refinement per person and command, steps it once per job up to N, drops it when the face is lost, the command changes or the session ends', () => {
    const editor = Editor.load(bundle.editorDir, bundle.generatorDir, { captioner: bundle.captionerDir });
    const plainModel = new LocalFaceModel(editor);
    const model = new LocalFaceModel(editor, { refineEdit: 3 });
    const r = model.resolution;
    const crop = new Float32Array(r * r * 3).map((_, k) => Math.sin(k * 0.7) * 0.5);
    const job = (command: string, t: number, reset = false): Parameters<LocalFaceModel['runSync']>[0][0] => ({ id: 's', crop, timestampMs: t, targets: [{ command, strength: 1, weight: 1 }], reset });
    const plain = plainModel.runSync([job('add glasses', 0)]).faces[0]!;
    plainModel.dispose();
    const spy = vi.spyOn(editor, 'editRefiner');
    const before = tf.memory().numTensors;
    const maxDiff = (x: Float32Array, y: Float32Array): number => x.reduce((m, v, k) => Math.max(m, Math.abs(v - y[k]!)), 0);
    // Same crop and time every job: the latent stays put, so only the refinement changes the face.
    const faces = [0, 1, 2, 3, 4].map(() => model.runSync([job('add glasses', 0)]).faces[0]!);
    expect(spy).toHaveBeenCalledTimes(1);
    expect(maxDiff(faces[0]!, plain)).toBeGreaterThan(1e-4); // one step already on the first job
    expect(maxDiff(faces[1]!, faces[0]!)).toBeGreaterThan(1e-5); // step 2
    expect(maxDiff(faces[2]!, faces[1]!)).toBeGreaterThan(1e-5); // step 3
    expect(maxDiff(faces[3]!, faces[2]!)).toBeLessThan(1e-5); // no more steps: the offset is reused
    expect(maxDiff(faces[4]!, faces[2]!)).toBeLessThan(1e-5);
    const held = tf.memory().numTensors; // the text code and the refinement's state
    model.runSync([job('add glasses', 33, true)]); // the face was lost: another person may be there
    expect(spy).toHaveBeenCalledTimes(2);
    model.runSync([job('long hair', 66)]);
    expect(spy).toHaveBeenCalledTimes(3);
    expect(tf.memory().numTensors).toBe(held); // the old command's code and refinement are gone
    model.endSession('s');
    expect(tf.memory().numTensors).toBe(before);
    spy.mockRestore();
    editor.dispose();
    const bare = Editor.load(bundle.editorDir, bundle.generatorDir);
    expect(() => new LocalFaceModel(bare, { refineEdit: 3 })).toThrow(/needs an editor loaded with a captioner/);
    expect(() => new LocalFaceModel(bare, { refineEdit: -1 })).toThrow(/refineEdit/);
    bare.dispose();
  });

  it('refineEdit runs in the model thread too (the server path)', async () => {
    const model = new ThreadFaceModel({ editorDir: bundle.editorDir, generatorDir: bundle.generatorDir, captioner: bundle.captionerDir, refineEdit: 2, backend: 'wasm' });
    await model.start();
    const r = model.resolution;
    const out = await model.run([{ id: 't', crop: new Float32Array(r * r * 3).fill(0.1), timestampMs: 0, targets: [{ command: 'add glasses', strength: 1, weight: 1 }] }]);
    expect(out.faces[0]!.length).toBe(r * r * 3);
    model.dispose();
    const noCaptioner = new ThreadFaceModel({ editorDir: bundle.editorDir, generatorDir: bundle.generatorDir, refineEdit: 2, backend: 'wasm' });
    await expect(noCaptioner.start()).rejects.toThrow(/captioner/);
    noCaptioner.dispose();
  }, 60_000);

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
