import { parentPort, workerData } from 'node:worker_threads';
import { CommandError, UnknownWordError, UnsupportedEditError } from '@lfe/edit-language';
import { initRuntime } from '../runtime/init-runtime';
import { ImageDecodeError, ImageTooLargeError, decodeImage, encodeImage } from './image-io';
import { NoFaceError, PhotoEditor } from './photo-editor';
import type { PhotoWorkerInit, PhotoWorkerReply, PhotoWorkerRequest } from './photo-worker-protocol';

const port = parentPort!;
const init = (workerData as { init: PhotoWorkerInit }).init;
const post = (m: PhotoWorkerReply | { type: 'ready'; backend: string; resolution: number } | { type: 'fatal'; message: string }, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let editor: PhotoEditor;
try {
  const rt = await initRuntime(init.backend !== undefined ? { backend: init.backend as 'wasm' } : {});
  editor = await PhotoEditor.load({
    editorDir: init.editorDir,
    generatorDir: init.generatorDir,
    ...(init.fusion !== undefined ? { fusion: init.fusion } : {}),
    ...(init.captioner !== undefined ? { captioner: init.captioner } : {}),
    ...(init.refineEdit !== undefined ? { refineEdit: init.refineEdit } : {}),
    ...(init.levels !== undefined ? { levels: new Set(init.levels) } : {}),
  });
  post({ type: 'ready', backend: rt.backend, resolution: editor.resolution });
} catch (e) {
  post({ type: 'fatal', message: (e as Error).message });
  process.exit(1);
}

// One photo at a time, in arrival order.
let chain = Promise.resolve();
port.on('message', (m: PhotoWorkerRequest) => {
  chain = chain.then(() => handle(m));
});

async function handle(m: PhotoWorkerRequest): Promise<void> {
  try {
    const img = await decodeImage(new Uint8Array(m.bytes), m.name);
    const r = await editor.edit(img, m.command, { faces: m.faces, strength: m.strength });
    const out = encodeImage(r.image, m.format);
    const bytes = out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
    post({ type: 'done', id: m.id, bytes, found: r.found, edited: r.faces.filter((f) => f.edited).length, ms: r.ms }, [bytes]);
  } catch (e) {
    const kind = e instanceof UnsupportedEditError ? 'unsupported' : e instanceof CommandError ? 'command' : e instanceof NoFaceError ? 'no-face' : e instanceof ImageTooLargeError ? 'too-large' : e instanceof ImageDecodeError ? 'not-an-image' : 'other';
    post({ type: 'error', id: m.id, kind, message: (e as Error).message, ...(e instanceof UnknownWordError ? { suggestions: [...e.suggestions] } : {}) });
  }
}
