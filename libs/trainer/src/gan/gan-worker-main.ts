/**
 * One data-parallel GAN replica in a worker thread (see parallel-gan.ts): it owns a full
 * GanTrainer, computes gradients on its rows of each batch, and lets the main thread average them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '@lfe/face-pipeline';
import type { GanConfig } from './gan-config';
import { GanTrainer, type GradPhase } from './gan-trainer';
import { openImageSource } from './image-source';
import type { MainToWorker, WorkerToMain } from './parallel-gan';

const port = parentPort!;
const { config, index, count } = workerData as { config: GanConfig; index: number; count: number };
const post = (m: WorkerToMain, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let waiting: { phase: GradPhase; resolve: (a: Float32Array) => void } | null = null;
let trainer: GanTrainer | null = null;

function exchange(phase: GradPhase, flat: Float32Array): Promise<Float32Array> {
  return new Promise((resolve) => {
    waiting = { phase, resolve };
    post({ type: 'grads', phase, step: trainer!.step, buffer: flat.buffer as ArrayBuffer }, [flat.buffer as ArrayBuffer]);
  });
}

/** Sum of every parameter of G, G_ema, D (and E) (float64): replicas must agree exactly. */
function checksum(t: GanTrainer): number {
  let s = 0;
  for (const store of [t.G.params, t.Gema.params, t.D.params, ...(t.E === null ? [] : [t.E.params])]) {
    for (const name of store.names()) {
      const v = store.get(name).dataSync();
      for (let i = 0; i < v.length; i++) s += v[i]! * (1 + (i % 7) * 1e-3);
    }
  }
  return s;
}

async function handle(m: MainToWorker): Promise<unknown> {
  const t = trainer!;
  switch (m.type) {
    case 'step':
      return t.trainStep();
    case 'restore':
      await t.restore(m.dir);
      return t.step;
    case 'save':
      await t.save(m.dir, m.provenance);
      return null;
    case 'samples': {
      const u8 = await t.sampleImages(m.count);
      return u8;
    }
    case 'checksum':
      return checksum(t);
    case 'memory':
      return tf.memory().numTensors;
  }
}

port.on('message', (m: MainToWorker | { type: 'mean'; buffer: ArrayBuffer }) => {
  if (m.type === 'mean') {
    const w = waiting;
    waiting = null;
    w?.resolve(new Float32Array(m.buffer));
    return;
  }
  handle(m).then(
    (result) => post({ type: 'done', id: m.id, result }, result instanceof Uint8Array ? [result.buffer as ArrayBuffer] : []),
    (e: unknown) => post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) }),
  );
});

try {
  await initRuntime();
  const source = await openImageSource(config);
  trainer = new GanTrainer(config, source, { index, count, exchange });
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
}
