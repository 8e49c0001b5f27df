import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PhotoWorker, decodeImage, encodeImage, initRuntime } from '@lfe/face-pipeline';
import { composePhoto, writeTinyEditorBundle } from '@lfe/face-pipeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/server-fixture';
import type { StreamServer } from './server';

let dir: string;
let server: StreamServer;
let photo: PhotoWorker;
let jpeg: Buffer;

beforeAll(async () => {
  await initRuntime({ backend: 'wasm' });
  dir = mkdtempSync(join(tmpdir(), 'photo-edit-'));
  const bundle = writeTinyEditorBundle(dir);
  photo = new PhotoWorker({ editorDir: bundle.editorDir, generatorDir: bundle.generatorDir, backend: 'wasm' });
  server = await startTestServer({ token: 'tok', photo });
  jpeg = encodeImage(await composePhoto(480, 360, [{ n: 28507, x: 140, y: 50, size: 200 }]), 'jpeg');
}, 60_000);
afterAll(async () => {
  await server?.close();
  await photo?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = (path: string, body: Buffer | string | FormData, type?: string, token = 'tok'): Promise<Response> =>
  fetch(`${server.url}${path}`, { method: 'POST', headers: { ...(type !== undefined ? { 'Content-Type': type } : {}), Authorization: `Bearer ${token}` }, body });

describe('POST /v1/edit', () => {
  it('edits a photo sent as raw bytes or as a form, and returns it at its own size', async () => {
    const raw = await post(`/v1/edit?text=${encodeURIComponent('add glasses')}`, jpeg, 'image/jpeg');
    expect(raw.status, await raw.clone().text()).toBe(200);
    expect(raw.headers.get('content-type')).toBe('image/jpeg');
    expect(raw.headers.get('x-faces-found')).toBe('1');
    const img = await decodeImage(new Uint8Array(await raw.arrayBuffer()), 'out');
    expect([img.width, img.height]).toEqual([480, 360]);
    const form = new FormData();
    form.set('image', new Blob([jpeg], { type: 'image/jpeg' }), 'me.jpg');
    form.set('text', 'blond hair');
    form.set('format', 'png');
    const viaForm = await post('/v1/edit', form);
    expect(viaForm.status).toBe(200);
    expect(viaForm.headers.get('content-type')).toBe('image/png');
    const png = await decodeImage(new Uint8Array(await viaForm.arrayBuffer()), 'out.png');
    expect([png.width, png.height]).toEqual([480, 360]);
  }, 60_000);

  it('answers bad input with the documented statuses', async () => {
    const noText = await post('/v1/edit', jpeg, 'image/jpeg');
    expect(noText.status).toBe(400);
    const notImage = await post('/v1/edit?text=smile', 'hello', 'text/plain');
    expect(notImage.status).toBe(415);
    const garbage = await post('/v1/edit?text=smile', Buffer.from('definitely not a jpeg'), 'image/jpeg');
    expect(garbage.status).toBe(415);
    const unknown = await post(`/v1/edit?text=${encodeURIComponent('add glases')}`, jpeg, 'image/jpeg');
    expect(unknown.status).toBe(422);
    const body = (await unknown.json()) as { error: string; suggestions?: string[] };
    expect(body.error).toBe('unknown-word');
    expect(body.suggestions).toContain('glasses');
    const blank = encodeImage({ width: 200, height: 160, data: new Uint8Array(200 * 160 * 3).fill(100) }, 'png');
    const noFace = await post('/v1/edit?text=smile', blank, 'image/png');
    expect(noFace.status).toBe(422);
    expect(((await noFace.json()) as { error: string }).error).toBe('no-face');
    expect((await post('/v1/edit?text=smile', jpeg, 'image/jpeg', 'wrong')).status).toBe(401);
    expect((await fetch(`${server.url}/v1/edit`)).status).toBe(405);
    // An announced body over 20 MB is refused before it is read.
    const status = await new Promise<number>((resolve, reject) => {
      const r = request(`${server.url}/v1/edit?text=smile`, { method: 'POST', headers: { 'Content-Type': 'image/png', 'Content-Length': String(30 * 1024 * 1024), Authorization: 'Bearer tok' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      r.on('error', reject);
      r.write(Buffer.alloc(1024));
    });
    expect(status).toBe(413);
  }, 60_000);

  it('says 503 where photo editing is off', async () => {
    const off = await startTestServer();
    try {
      const r = await fetch(`${off.url}/v1/edit?text=smile`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg' }, body: jpeg });
      expect(r.status).toBe(503);
      expect(((await r.json()) as { message: string }).message).toMatch(/photo editing is off/);
    } finally {
      await off.close();
    }
  });
});

describe('POST /v1/edit with a model that cannot do the command', () => {
  it('answers 422 unsupported-edit with the model\'s message (PhotoWorker kind "unsupported")', async () => {
    const refusing = {
      edit: () => Promise.reject(Object.assign(new Error('command: this model cannot do hairColor=red; it can do: hairColor=blond'), { kind: 'unsupported' })),
    };
    const s = await startTestServer({ token: 'tok', photo: refusing });
    try {
      const r = await fetch(`${s.url}/v1/edit?text=${encodeURIComponent('red hair')}`, { method: 'POST', headers: { 'Content-Type': 'image/jpeg', Authorization: 'Bearer tok' }, body: jpeg });
      expect(r.status).toBe(422);
      expect(await r.json()).toEqual({ error: 'unsupported-edit', message: 'command: this model cannot do hairColor=red; it can do: hairColor=blond' });
    } finally {
      await s.close();
    }
  });
});
