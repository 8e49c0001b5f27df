/**
 * The model thread of the live editor's async schedule (started by `ThreadFaceModel`): loads the
 * runtime and the editor once, then runs batches of jobs as they arrive. Jobs that queue while a
 * batch runs go in the next batch together (micro-batching across sessions; one job per session:
 * the newest wins, an older one is answered as superseded).
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { Editor } from '../editor/editor';
import { initRuntime } from '../runtime/init-runtime';
import { LocalFaceModel, type ModelJob } from './face-model';
import type { ModelWorkerInit, ModelWorkerReply, ModelWorkerRequest } from './face-model-protocol';

const port = parentPort!;
const post = (m: ModelWorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const init = (workerData as { init: ModelWorkerInit }).init;

let model: LocalFaceModel;
try {
  // Lowering one's own priority needs no privilege; setpriority(2) on Linux affects only this thread.
  if (init.nice !== undefined && init.nice !== 0) setPriority(init.nice);
  const rt = await initRuntime(init.backend !== undefined ? { backend: init.backend } : {});
  const editor = Editor.load(init.editorDir, init.generatorDir, {
    ...(init.fusion !== undefined ? { fusion: init.fusion } : {}),
    ...((init.refineEdit ?? 0) > 0 && init.captioner !== undefined ? { captioner: init.captioner } : {}),
  });
  model = new LocalFaceModel(editor, { ...(init.refineEdit !== undefined ? { refineEdit: init.refineEdit } : {}), ...(init.latentFilter !== undefined ? { latentFilter: init.latentFilter } : {}), ...(init.composite !== undefined ? { composite: init.composite } : {}), ...(init.localize !== undefined ? { localize: init.localize } : {}) });
  post({ type: 'ready', backend: rt.backend, resolution: editor.resolution });
} catch (e) {
  post({ type: 'fatal', message: (e as Error).message });
  process.exit(1);
}

type RunRequest = Extract<ModelWorkerRequest, { type: 'run' }>;
const queue: ModelWorkerRequest[] = [];
let busy = false;

function pump(): void {
  if (busy) return;
  busy = true;
  try {
    while (queue.length > 0) {
      // Control messages run in arrival order; the run requests before one form a batch.
      const batch: RunRequest[] = [];
      while (queue.length > 0 && queue[0]!.type === 'run') batch.push(queue.shift() as RunRequest);
      if (batch.length === 0) {
        const m = queue.shift()!;
        if (m.type === 'end') model.endSession(m.session);
        else if (m.type === 'memory') post({ type: 'memory', id: m.id, numTensors: tf.memory().numTensors, sessions: model.sessions });
        continue;
      }
      // Newest request per session; the others are superseded.
      const newest = new Map<string, RunRequest>();
      for (const m of batch) {
        const old = newest.get(m.job.id);
        if (old !== undefined) post({ type: 'superseded', id: old.id });
        newest.set(m.job.id, m);
      }
      const reqs = [...newest.values()];
      try {
        const jobs: ModelJob[] = reqs.map((m) => ({ ...m.job, crop: new Float32Array(m.crop) }));
        const out = model.runSync(jobs);
        reqs.forEach((m, i) => {
          const face = out.faces[i]!;
          const buffer = face.buffer.byteLength === face.byteLength ? (face.buffer as ArrayBuffer) : (face.slice().buffer as ArrayBuffer);
          post({ type: 'done', id: m.id, face: buffer, stages: out.stages, batch: reqs.length }, [buffer]);
        });
      } catch (e) {
        for (const m of reqs) post({ type: 'error', id: m.id, message: (e as Error).message });
      }
    }
  } finally {
    busy = false;
  }
}

port.on('message', (m: ModelWorkerRequest) => {
  queue.push(m);
  // Let the messages that already arrived join this batch before it starts.
  setImmediate(pump);
});
