/**
 * One data-parallel judge replica in a worker thread (see parallel-judge.ts): a full JudgeTrainer
 * that computes the gradients of its rows of each batch and applies the mean the main thread sends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initRuntime } from '@lfe/face-pipeline';
import { JudgeTrainer, type JudgeTrainConfig } from './judge-trainer';
import type { JudgeMainToWorker, JudgeWorkerToMain } from './parallel-judge';

const port = parentPort!;
const { config, index, count } = workerData as { config: JudgeTrainConfig; index: number; count: number };
const post = (m: JudgeWorkerToMain, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
let trainer: JudgeTrainer | null = null;

async function handle(m: JudgeMainToWorker): Promise<unknown> {
  const t = trainer!;
  switch (m.type) {
    case 'gradients': {
      const rows = t.config.batchSize / count;
      return t.gradients(m.step, index * rows, rows);
    }
    case 'apply':
      t.applyGradients(m.step, new Float32Array(m.buffer));
      return t.step;
    case 'restore':
      await t.restore(m.dir);
      return t.step;
    case 'checksum':
      return t.checksum();
    case 'memory':
      return tf.memory().numTensors;
  }
}

port.on('message', (m: JudgeMainToWorker) => {
  handle(m).then(
    (result) => {
      const flat = (result as { flat?: Float32Array } | null)?.flat;
      post({ type: 'done', id: m.id, result }, flat instanceof Float32Array ? [flat.buffer as ArrayBuffer] : []);
    },
    (e: unknown) => post({ type: 'error', id: m.id, message: e instanceof Error ? e.message : String(e) }),
  );
});

try {
  await initRuntime();
  trainer = new JudgeTrainer(config);
  post({ type: 'ready' });
} catch (e) {
  post({ type: 'fatal', message: e instanceof Error ? e.message : String(e) });
}
