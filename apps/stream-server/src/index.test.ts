import { describe, expect, it } from 'vitest';
import { StreamServer } from './index';

describe('public API: StreamServer in-process', () => {
  it('starts with defaults on a free loopback port and stops cleanly', async () => {
    const server = await StreamServer.start({ viewerDist: '/nonexistent' });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.auth.required).toBe(false);
    const res = await fetch(`${server.url}/healthz`);
    expect(await res.json()).toEqual({ ok: true, sessions: 0 });
    await server.stop();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });

  it('takes a token and requires it when asked', async () => {
    const server = await StreamServer.start({ token: 't0k', requireToken: true, viewerDist: '/nonexistent' });
    try {
      expect((await fetch(`${server.url}/whip`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: 'v=0' })).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});
