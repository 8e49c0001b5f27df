/**
 * The inference thread of the live editor (started by `EditWorker`): loads the runtime, the editor
 * and face-api once, then edits frames one at a time as they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { Editor } from '../editor/editor';
import { initRuntime } from '../runtime/init-runtime';
import { loadFaceApi } from '../detect/tracker';
import { loadFraming } from '../align/photo-face';
import { dirname } from 'node:path';
import { ThreadFaceModel } from './face-model-worker';
import { LiveFaceEditor } from './live-editor';
import type { WorkerInit, WorkerReply, WorkerRequest } from './edit-worker-protocol';

const port = parentPort!;
const post = (m: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const init = (workerData as { init: WorkerInit }).init;

let live: LiveFaceEditor;
/** Async schedule: the model's own thread (this one only tracks and pastes). */
let modelThread: ThreadFaceModel | null = null;
try {
  const rt = await initRuntime(init.backend !== undefined ? { backend: init.backend } : {});
  // The model folder's framing (models/<name>/framing.json beside generator/), when it has one.
  const framing = init.options?.framing ?? loadFraming(dirname(init.generatorDir));
  const opts = { ...(init.options ?? {}), ...(framing !== undefined ? { framing } : {}) };
  let resolution: number;
  if (opts.schedule === 'async') {
    modelThread = new ThreadFaceModel({
      editorDir: init.editorDir,
      generatorDir: init.generatorDir,
      ...(init.fusion !== undefined ? { fusion: init.fusion } : {}),
      ...(init.captioner !== undefined ? { captioner: init.captioner } : {}),
      ...(opts.refineEdit !== undefined ? { refineEdit: opts.refineEdit } : {}),
      ...(init.backend !== undefined ? { backend: init.backend } : {}),
      ...(opts.latentFilter !== undefined ? { latentFilter: opts.latentFilter } : {}),
      composite: opts.composite === 'local-replace' ? 'replace' : (opts.composite ?? 'delta'),
      nice: opts.modelNice ?? 10,
      ...(opts.localize !== undefined ? { localize: opts.localize } : {}),
    });
    resolution = (await modelThread.start()).resolution;
    live = new LiveFaceEditor(modelThread, opts);
  } else {
    const editor = Editor.load(init.editorDir, init.generatorDir, {
      ...(init.fusion !== undefined ? { fusion: init.fusion } : {}),
      ...((opts.refineEdit ?? 0) > 0 && init.captioner !== undefined ? { captioner: init.captioner } : {}),
    });
    resolution = editor.resolution;
    live = new LiveFaceEditor(editor, opts);
  }
  await loadFaceApi();
  post({ type: 'ready', backend: rt.backend, resolution });
} catch (e) {
  post({ type: 'fatal', message: (e as Error).message });
  process.exit(1);
}

// Frames queue while a batch runs; the next batch takes every queued frame (one per session, the
// rest wait a round): micro-batching across sessions. Control messages run in arrival order.
type FrameRequest = Extract<WorkerRequest, { type: 'frame' }>;
const queue: WorkerRequest[] = [];
let busy = false;

async function pump(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    while (queue.length > 0) {
      const batch: FrameRequest[] = [];
      const sessions = new Set<string>();
      for (let i = 0; i < queue.length; ) {
        const m = queue[i]!;
        if (m.type === 'frame') {
          if (sessions.has(m.session)) {
            i++;
            continue;
          }
          sessions.add(m.session);
          batch.push(m);
          queue.splice(i, 1);
          continue;
        }
        if (batch.length > 0) break; // keep order: frames before this control message go first
        queue.splice(i, 1);
        if (m.type === 'end') live.endSession(m.session);
        else {
          // Tensors of both threads; sessions this thread tracks and the model thread holds state for.
          const model = modelThread === null ? { numTensors: 0, sessions: 0 } : await modelThread.memory();
          post({ type: 'memory', id: m.id, numTensors: tf.memory().numTensors + model.numTensors, sessions: Math.max(live.sessions, model.sessions) });
        }
      }
      if (batch.length === 0) continue;
      const frames = batch.map((m) => ({ width: m.width, height: m.height, data: new Uint8Array(m.buffer) }));
      try {
        const results = await live.processBatch(batch.map((m, i) => ({ id: m.session, frame: frames[i]!, timestampMs: m.timestampMs, command: m.command, strength: m.strength })));
        batch.forEach((m, i) => post({ type: 'frame', id: m.id, buffer: m.buffer, result: results[i]! }, [m.buffer]));
      } catch (e) {
        for (const m of batch) post({ type: 'frame-error', id: m.id, buffer: m.buffer, message: (e as Error).message }, [m.buffer]);
      }
    }
  } finally {
    busy = false;
  }
}

port.on('message', (m: WorkerRequest) => {
  queue.push(m);
  void pump();
});
