import { describe, expect, it } from 'vitest';
import { AuthError, CapacityError, HttpError, UnreachableError } from './errors';
import { commandSocketUrl, sessionFromLocation, whepWatch, whipPublish, type FetchLike } from './http';

const ANSWER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\n';

function fakeFetch(status: number, body: string, headers: Record<string, string> = {}): { fetch: FetchLike; calls: Array<{ url: string; init: RequestInit | undefined }> } {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  return {
    calls,
    fetch: (url, init) => {
      calls.push({ url, init });
      return Promise.resolve(new Response(body, { status, headers }));
    },
  };
}

describe('whipPublish', () => {
  it('posts the offer with the bearer token and reads session + resource from Location', async () => {
    const f = fakeFetch(201, ANSWER, { Location: '/whip/abc-1', 'Content-Type': 'application/sdp' });
    const r = await whipPublish('http://h:8080/', 'v=0 offer', { token: 'T', session: 'abc-1', fetch: f.fetch });
    expect(r).toEqual({ answer: ANSWER, resource: 'http://h:8080/whip/abc-1', session: 'abc-1' });
    expect(f.calls[0]?.url).toBe('http://h:8080/whip?session=abc-1');
    expect(f.calls[0]?.init?.headers).toEqual({ 'Content-Type': 'application/sdp', Authorization: 'Bearer T' });
    expect(f.calls[0]?.init?.method).toBe('POST');
  });

  it('maps 401, 503 and other statuses to error classes with the server message', async () => {
    await expect(whipPublish('http://h', 'o', { fetch: fakeFetch(401, '{"error":"auth","message":"auth: wrong token"}').fetch })).rejects.toThrow(AuthError);
    await expect(whipPublish('http://h', 'o', { fetch: fakeFetch(401, '{"error":"auth","message":"auth: wrong token"}').fetch })).rejects.toThrow(/wrong token/);
    await expect(whipPublish('http://h', 'o', { fetch: fakeFetch(503, '{"error":"capacity"}').fetch })).rejects.toThrow(CapacityError);
    const e = await whipPublish('http://h', 'o', { fetch: fakeFetch(400, 'bad sdp').fetch }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).status).toBe(400);
  });

  it('says "unreachable" when fetch itself fails', async () => {
    const f: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(whipPublish('http://h:1', 'o', { fetch: f })).rejects.toThrow(UnreachableError);
  });

  it('refuses an answer without SDP or Location', async () => {
    await expect(whipPublish('http://h', 'o', { fetch: fakeFetch(201, ANSWER).fetch })).rejects.toThrow(/Location/);
    await expect(whipPublish('http://h', 'o', { fetch: fakeFetch(201, '<html>', { Location: '/whip/a' }).fetch })).rejects.toThrow(/not SDP/);
  });
});

describe('whepWatch', () => {
  it('posts to /whep/<session> and keeps the viewer resource', async () => {
    const f = fakeFetch(201, ANSWER, { Location: '/whep/s1/v7' });
    const r = await whepWatch('http://h', 's1', 'o', { fetch: f.fetch });
    expect(f.calls[0]?.url).toBe('http://h/whep/s1');
    expect(r.resource).toBe('http://h/whep/s1/v7');
    expect(r.session).toBe('s1');
  });
});

describe('URLs', () => {
  it('parses session ids from Location paths', () => {
    expect(sessionFromLocation('/whip/ab-12')).toBe('ab-12');
    expect(sessionFromLocation('http://h/whep/ab/v1')).toBe('ab');
    expect(sessionFromLocation('/whip/')).toBeUndefined();
    expect(sessionFromLocation('/other/ab')).toBeUndefined();
  });

  it('builds the command socket URL from the page origin', () => {
    expect(commandSocketUrl('http://h:8080', 's1', 'a b')).toBe('ws://h:8080/ws/s1?token=a+b');
    expect(commandSocketUrl('https://h', 's1', undefined)).toBe('wss://h/ws/s1');
  });
});
