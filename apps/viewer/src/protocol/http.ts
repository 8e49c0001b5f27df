/**
 * WHIP publish and WHEP watch over fetch (docs/protocol.md). The server gathers every candidate
 * before it answers, so one POST is the whole negotiation (no trickle PATCH).
 */
import { AuthError, CapacityError, HttpError, UnreachableError } from './errors';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface Negotiated {
  readonly answer: string;
  /** Absolute URL of the resource to DELETE when done. */
  readonly resource: string;
  /** The session id (WHIP: from the Location path; WHEP: the one asked for). */
  readonly session: string;
}

/** `/whip/<session>` or `/whep/<session>/<viewer>` → the session id; undefined if it does not fit. */
export function sessionFromLocation(location: string): string | undefined {
  const path = new URL(location, 'http://x').pathname;
  const m = /^\/(?:whip|whep)\/([a-z0-9-]{1,40})(?:\/|$)/.exec(path);
  return m?.[1];
}

export function authHeaders(token: string | undefined): Record<string, string> {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** Turn a failed response into the error class the UI knows, reading the JSON body when present. */
export async function errorForResponse(res: Response, what: string): Promise<Error> {
  let detail = '';
  try {
    const text = await res.text();
    try {
      const body = JSON.parse(text) as unknown;
      if (typeof body === 'object' && body !== null && typeof (body as { message?: unknown }).message === 'string') {
        detail = (body as { message: string }).message;
      }
    } catch {
      detail = text.slice(0, 200);
    }
  } catch {
    // body unreadable: the status says enough
  }
  const suffix = detail ? `: ${detail}` : '';
  if (res.status === 401) return new AuthError(`${what}: not authorised${suffix}`);
  if (res.status === 503) return new CapacityError(`${what}: server is at its session limit${suffix}`);
  return new HttpError(res.status, `${what}: HTTP ${res.status}${suffix}`);
}

async function post(fetchFn: FetchLike, url: string, sdp: string, token: string | undefined, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url, { method: 'POST', headers: { 'Content-Type': 'application/sdp', ...authHeaders(token) }, body: sdp });
  } catch (err) {
    throw new UnreachableError(`${what}: cannot reach ${new URL(url).host} (${err instanceof Error ? err.message : String(err)})`);
  }
  if (res.status !== 201 && res.status !== 200) throw await errorForResponse(res, what);
  return res;
}

async function negotiated(res: Response, url: string, fallbackSession: string | undefined, what: string): Promise<Negotiated> {
  const answer = await res.text();
  if (!answer.startsWith('v=0')) throw new HttpError(res.status, `${what}: answer is not SDP`);
  const location = res.headers.get('Location');
  const resource = location ? new URL(location, url).toString() : undefined;
  const session = (location ? sessionFromLocation(location) : undefined) ?? fallbackSession;
  if (resource === undefined || session === undefined) throw new HttpError(res.status, `${what}: answer has no usable Location header`);
  return { answer, resource, session };
}

/** POST /whip (optionally `?session=`) with an SDP offer. */
export async function whipPublish(base: string, offer: string, options: { token?: string; session?: string; fetch?: FetchLike } = {}): Promise<Negotiated> {
  const url = new URL('/whip', base);
  if (options.session) url.searchParams.set('session', options.session);
  const f = options.fetch ?? ((i, init) => fetch(i, init));
  const res = await post(f, url.toString(), offer, options.token, 'publish');
  return negotiated(res, url.toString(), options.session, 'publish');
}

/** POST /whep/<session> with a recvonly offer. */
export async function whepWatch(base: string, session: string, offer: string, options: { token?: string; fetch?: FetchLike } = {}): Promise<Negotiated> {
  const url = new URL(`/whep/${encodeURIComponent(session)}`, base).toString();
  const f = options.fetch ?? ((i, init) => fetch(i, init));
  const res = await post(f, url, offer, options.token, 'watch');
  return negotiated(res, url, session, 'watch');
}

/** DELETE a WHIP/WHEP resource; best effort (the page may be closing). */
export async function deleteResource(resource: string, token: string | undefined, fetchFn: FetchLike = (i, init) => fetch(i, init)): Promise<void> {
  try {
    await fetchFn(resource, { method: 'DELETE', headers: authHeaders(token), keepalive: true });
  } catch {
    // the server drops the session when the peer connection goes away anyway
  }
}

/** ws(s)://host/ws/<session>?token= for an http(s) page base. */
export function commandSocketUrl(base: string, session: string, token: string | undefined): string {
  const url = new URL(`/ws/${encodeURIComponent(session)}`, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) url.searchParams.set('token', token);
  return url.toString();
}
