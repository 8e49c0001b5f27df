import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initRuntime, ParamStore, type Provenance } from '@lfe/face-pipeline';
import { differingKey, restoreTrainerState, saveTrainerState, type TrainerStateParts } from './trainer-state';

const PROV: Omit<Provenance, 'steps'> = { command: 'test', seed: 1, dataManifestSha256: null, date: '2026-11-27T00:00:00Z' };

function parts(seed: number): TrainerStateParts & { store: ParamStore; opt: tf.AdamOptimizer } {
  const store = new ParamStore('state-test');
  store.add('w', tf.randomNormal([3, 4], 0, 1, 'float32', seed));
  const opt = tf.train.adam(0.01);
  return { kind: 'test-state', params: { net: store }, optimizers: { opt }, store, opt };
}

/** One Adam step on sum(w²), so the optimizer has moments to save. */
function step(p: { store: ParamStore; opt: tf.AdamOptimizer }): void {
  const w = p.store.get('w');
  p.opt.minimize(() => tf.sum(tf.square(w)), false, [w]);
}

describe('trainer state checkpoints', () => {
  let dir = '';
  beforeAll(async () => {
    await initRuntime();
    dir = mkdtempSync(join(tmpdir(), 'trainer-state-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips parameters, Adam state, step and extras: resumed steps equal uninterrupted ones', async () => {
    const a = parts(1);
    step(a);
    const extra = new Map([['loop/x', { shape: [2], values: Float32Array.of(1.5, -2) }]]);
    await saveTrainerState(join(dir, 's'), a, { config: { model: { width: 4 } }, step: 7, provenance: PROV, extra });
    const b = parts(2);
    const { step: restoredStep, tensors } = await restoreTrainerState(join(dir, 's'), b, (saved) => differingKey(saved, { model: { width: 4 } }, ['model']));
    expect(restoredStep).toBe(7);
    expect(Array.from(tensors.get('loop/x')!.values)).toEqual([1.5, -2]);
    step(a);
    step(b);
    expect(Array.from(b.store.get('w').dataSync())).toEqual(Array.from(a.store.get('w').dataSync()));
    for (const p of [a, b]) {
      p.store.dispose();
      p.opt.dispose();
    }
  });

  it('refuses a checkpoint made with another configuration, naming what differs, before loading anything', async () => {
    const a = parts(3);
    await saveTrainerState(join(dir, 't'), a, { config: { model: { width: 4 }, lr: 1 }, step: 1, provenance: PROV });
    const b = parts(4);
    const before = Array.from(b.store.get('w').dataSync());
    await expect(restoreTrainerState(join(dir, 't'), b, (saved) => differingKey(saved, { model: { width: 8 }, lr: 1 }, ['lr', 'model']))).rejects.toThrow(
      /checkpoint's model config differs/,
    );
    expect(Array.from(b.store.get('w').dataSync())).toEqual(before);
    for (const p of [a, b]) {
      p.store.dispose();
      p.opt.dispose();
    }
  });
});
