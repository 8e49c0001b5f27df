/**
 * The inference thread of the live editor (started by `EditWorker`): loads the runtime, the editor
 * and face-api once, then edits frames one at a time as they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { Editor } from '../editor/editor';
import { initRuntime } from '../runtime/init-runtime';
import { loadFaceApi } from '../face/tracker';
import { LiveFaceEditor } from './live-editor';
import type { WorkerInit, WorkerReply, WorkerRequest } from './edit-worker-protocol';

const port = parentPort!;
const post = (m: WorkerReply, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const init = (workerData as { init: WorkerInit }).init;

let live: LiveFaceEditor;
let editor: Editor;
try {
  const rt = await initRuntime(init.backend !== undefined ? { backend: init.backend } : {});
  editor = Editor.load(init.editorDir, init.generatorDir, init.fusion !== undefined ? { fusion: init.fusion } : {});
  await loadFaceApi();
  live = new LiveFaceEditor(editor, init.options ?? {});
  post({ type: 'ready', backend: rt.backend, resolution: editor.resolution });
} catch (e) {
  post({ type: 'fatal', message: (e as Error).message });
  process.exit(1);
}

// One frame at a time, in arrival order (the server already drops stale frames per session).
let chain = Promise.resolve();
port.on('message', (m: WorkerRequest) => {
  chain = chain.then(async () => {
    if (m.type === 'end') {
      live.endSession(m.session);
      return;
    }
    if (m.type === 'memory') {
      post({ type: 'memory', id: m.id, numTensors: tf.memory().numTensors, sessions: live.sessions });
      return;
    }
    const frame = { width: m.width, height: m.height, data: new Uint8Array(m.buffer) };
    try {
      const result = await live.process(m.session, frame, m.timestampMs, m.command, m.strength);
      post({ type: 'frame', id: m.id, buffer: m.buffer, result }, [m.buffer]);
    } catch (e) {
      post({ type: 'frame-error', id: m.id, buffer: m.buffer, message: (e as Error).message }, [m.buffer]);
    }
  });
});
