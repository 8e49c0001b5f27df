import { describe, expect, it } from 'vitest';
import { AuthError, CapacityError, UnreachableError } from './errors';
import { PhotoRefusedError, editPhoto } from './photo';

describe('editPhoto', () => {
  it('posts the photo and the command as a form with the token, and returns the edited image', async () => {
    let seen: { url: string; init?: RequestInit } | undefined;
    const fetchFn = (url: string, init?: RequestInit): Promise<Response> => {
      seen = { url, ...(init ? { init } : {}) };
      return Promise.resolve(new Response(new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }), { status: 200, headers: { 'X-Faces-Found': '2', 'X-Faces-Edited': '1' } }));
    };
    const r = await editPhoto(fetchFn, 'http://127.0.0.1:8080', new Blob([new Uint8Array([9])], { type: 'image/jpeg' }), 'add glasses', 'tok');
    expect(seen!.url).toBe('http://127.0.0.1:8080/v1/edit');
    expect(seen!.init!.method).toBe('POST');
    expect((seen!.init!.headers as Record<string, string>)['Authorization']).toBe('Bearer tok');
    const form = seen!.init!.body as FormData;
    expect(form.get('text')).toBe('add glasses');
    expect(form.get('image')).toBeInstanceOf(Blob);
    expect(r.facesFound).toBe(2);
    expect(r.facesEdited).toBe(1);
    expect(r.image.size).toBe(3);
  });

  it('turns refusals into errors the panel can explain', async () => {
    const answer = (status: number, body: object) => (): Promise<Response> => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
    const blob = new Blob([new Uint8Array([1])]);
    const unknown = await editPhoto(answer(422, { error: 'unknown-word', message: 'command: unknown word "glases"', suggestions: ['glasses'] }), 'http://h', blob, 'add glases').catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(PhotoRefusedError);
    expect((unknown as PhotoRefusedError).reason).toBe('unknown-word');
    expect((unknown as PhotoRefusedError).suggestions).toEqual(['glasses']);
    const noFace = await editPhoto(answer(422, { error: 'no-face', message: 'no face found' }), 'http://h', blob, 'smile').catch((e: unknown) => e);
    expect((noFace as PhotoRefusedError).reason).toBe('no-face');
    expect(await editPhoto(answer(415, { error: 'content-type', message: 'x' }), 'http://h', blob, 'smile').catch((e: unknown) => (e as PhotoRefusedError).reason)).toBe('not-an-image');
    await expect(editPhoto(answer(401, { error: 'auth', message: 'auth: wrong token' }), 'http://h', blob, 'smile')).rejects.toBeInstanceOf(AuthError);
    await expect(editPhoto(answer(503, { error: 'capacity', message: 'off' }), 'http://h', blob, 'smile')).rejects.toBeInstanceOf(CapacityError);
    await expect(editPhoto(() => Promise.reject(new Error('ECONNREFUSED')), 'http://h', blob, 'smile')).rejects.toBeInstanceOf(UnreachableError);
  });
});
