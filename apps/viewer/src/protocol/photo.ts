/**
 * `POST /v1/edit` (docs/protocol.md): send a photo and a command, get the edited photo back.
 */
import type { HttpErrorBody } from '@lfe/protocol';
import { AuthError, CapacityError, HttpError, UnreachableError } from './errors';
import { type FetchLike, authHeaders } from './http';

/** The server read the photo but would not edit it: no face, or a command it cannot carry out. */
export class PhotoRefusedError extends Error {
  override readonly name = 'PhotoRefusedError';
  constructor(
    readonly reason: 'no-face' | 'unknown-word' | 'unsupported-edit' | 'not-an-image' | 'too-large',
    message: string,
    readonly suggestions: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface EditedPhoto {
  image: Blob;
  facesFound: number;
  facesEdited: number;
}

export async function editPhoto(fetchFn: FetchLike, base: string, photo: Blob, text: string, token?: string): Promise<EditedPhoto> {
  const form = new FormData();
  form.set('image', photo, 'photo');
  form.set('text', text);
  const url = new URL('/v1/edit', base).toString();
  let res: Response;
  try {
    res = await fetchFn(url, { method: 'POST', headers: authHeaders(token), body: form });
  } catch (err) {
    throw new UnreachableError(`photo: cannot reach ${new URL(url).host} (${err instanceof Error ? err.message : String(err)})`);
  }
  if (res.ok) return { image: await res.blob(), facesFound: Number(res.headers.get('x-faces-found') ?? 0), facesEdited: Number(res.headers.get('x-faces-edited') ?? 0) };
  let body: Partial<HttpErrorBody> = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // not JSON: the status says enough
  }
  const message = body.message ?? `HTTP ${res.status}`;
  if (res.status === 401) throw new AuthError(`photo: not authorised: ${message}`);
  if (res.status === 503) throw new CapacityError(`photo: ${message}`);
  if (res.status === 422) throw new PhotoRefusedError(body.error === 'no-face' ? 'no-face' : body.error === 'unsupported-edit' ? 'unsupported-edit' : 'unknown-word', message, body.suggestions ?? []);
  if (res.status === 415) throw new PhotoRefusedError('not-an-image', message);
  if (res.status === 413) throw new PhotoRefusedError('too-large', message);
  throw new HttpError(res.status, `photo: ${message}`);
}
