import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { render, sample, hashInts } from '@lfe/face-synth';
import { initRuntime } from '../runtime/init-runtime';
import { TEMPLATE, alignmentFromLandmarks, cropToFrame } from '../align/align';
import { FaceDescriptor, descriptorDistance } from './descriptor';
import { loadFraming } from '../align/photo-face';
import { alignmentFromFix } from './tracker';

const dirs: string[] = [];
beforeAll(async () => {
  await initRuntime();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('FaceDescriptor', () => {
  it('gives 128-d descriptors, nearer for a face and its mirror than for another face, and leaks nothing', async () => {
    const d = await FaceDescriptor.load();
    const faces = [0, 1].map((k) => render(sample(hashInts(5, k)), 64).data);
    const x = tf.tensor4d(Float32Array.from([...faces[0]!, ...faces[1]!], (v) => v / 127.5 - 1), [2, 64, 64, 3]);
    const mirror = tf.reverse(x, 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const [a, b] = await d.describe(x);
    const [am] = await d.describe(mirror);
    expect(tf.memory().numTensors).toBe(before);
    expect(a).toHaveLength(128);
    expect(descriptorDistance(a!, am!)).toBeLessThan(descriptorDistance(a!, b!));
    expect(descriptorDistance(a!, a!)).toBe(0);
    expect(() => descriptorDistance(a!, new Float32Array(3))).toThrow(/lengths/);
    await expect(FaceDescriptor.load({ crop: 0 })).rejects.toThrow(/crop/);
    x.dispose();
    mirror.dispose();
  }, 60_000);
});

describe('model framing', () => {
  it('maps the landmarks onto the template it is given', () => {
    const t = { eyeMid: { x: 0.5, y: 0.47 }, eyeDistance: 0.245, mouthDistance: 0.27 };
    const a = alignmentFromLandmarks({ x: 100, y: 200 }, { x: 149, y: 200 }, { x: 124.5, y: 254 }, t);
    expect(a.scale).toBeCloseTo(200, 6);
    const eye = cropToFrame(a, 0.5 - 0.245 / 2, 0.47);
    expect(eye.x).toBeCloseTo(100, 6);
    expect(eye.y).toBeCloseTo(200, 6);
    // without a template: the synthetic framing, as before
    expect(alignmentFromLandmarks({ x: 100, y: 200 }, { x: 149, y: 200 }, { x: 124.5, y: 254 }).template).toBeUndefined();
    expect(TEMPLATE.eyeDistance).toBeLessThan(t.eyeDistance);
    // a tracked face: a measured framing is used as is (it was measured with the same landmarks)
    const fix = { leftEye: { x: 100, y: 200 }, rightEye: { x: 149, y: 200 }, mouth: { x: 124.5, y: 254 }, box: { x: 0, y: 0, width: 300, height: 300 }, detected: true };
    expect(alignmentFromFix(fix, t)).toEqual(a);
    expect(alignmentFromFix(fix).scale).not.toBeCloseTo(a.scale, 1);
  });

  it('reads a model folder framing file, and refuses a broken one naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'framing-'));
    dirs.push(dir);
    expect(loadFraming(dir)).toBeUndefined();
    writeFileSync(join(dir, 'framing.json'), JSON.stringify({ eyeMid: { x: 0.5, y: 0.47 }, eyeDistance: 0.245, mouthDistance: 0.27 }));
    expect(loadFraming(dir)?.eyeDistance).toBe(0.245);
    writeFileSync(join(dir, 'framing.json'), JSON.stringify({ eyeMid: { x: 0.5 }, eyeDistance: 2 }));
    expect(() => loadFraming(dir)).toThrow(/framing\.json: needs eyeMid/);
  });
});
