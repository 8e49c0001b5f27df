import { request } from 'node:http';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressClass, candidatePolicy, filterCandidates, MAX_REMOTE_CANDIDATES } from '../peer/sdp-check';
import { startTestServer } from '../testing/server-fixture';
import { TestPublisher, offerSdp } from '../testing/werift-client';
import { isLoopbackHost } from './auth';
import { OriginPolicy } from './origin';
import type { StreamServer } from './server';


/** A raw HTTP request (fetch cannot set Host). */
function raw(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

function wsOpen(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws, status: 101 }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ws, status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('error', () => undefined);
  });
}

describe('address rules', () => {
  it('treats only real loopback addresses as loopback', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['127.evil.example', '127.0.0.1.nip.io', '0.0.0.0', '10.0.0.1', '128.0.0.1', '']) expect(isLoopbackHost(h)).toBe(false);
  });

  it('answers only to its own names on loopback, and allows only its own origin', () => {
    const p = new OriginPolicy('127.0.0.1');
    expect(p.hostAllowed('127.0.0.1:8080', 8080)).toBe(true);
    expect(p.hostAllowed('localhost:8080', 8080)).toBe(true);
    expect(p.hostAllowed('[::1]:8080', 8080)).toBe(true);
    expect(p.hostAllowed('evil.example:8080', 8080)).toBe(false); // DNS rebinding
    expect(p.hostAllowed('127.0.0.1:9999', 8080)).toBe(false);
    expect(p.hostAllowed(undefined, 8080)).toBe(false);
    expect(p.originAllowed('http://127.0.0.1:8080', '127.0.0.1:8080', 8080)).toBe(true);
    expect(p.originAllowed('http://localhost:8080', '127.0.0.1:8080', 8080)).toBe(true);
    expect(p.originAllowed('http://evil.example', '127.0.0.1:8080', 8080)).toBe(false);
    expect(p.originAllowed('null', '127.0.0.1:8080', 8080)).toBe(false);
    const open = new OriginPolicy('0.0.0.0', [], ['https://studio.example']);
    expect(open.hostAllowed('192.168.1.5:8080', 8080)).toBe(true);
    expect(open.originAllowed('http://192.168.1.5:8080', '192.168.1.5:8080', 8080)).toBe(true);
    expect(open.originAllowed('https://studio.example/', '192.168.1.5:8080', 8080)).toBe(true);
    expect(open.originAllowed('http://evil.example', '192.168.1.5:8080', 8080)).toBe(false);
    expect(new OriginPolicy('127.0.0.1', ['mybox.lan']).hostAllowed('mybox.lan:8080', 8080)).toBe(true);
  });

  it('classifies candidate addresses, caps and filters them by how the server is bound', async () => {
    expect(['127.0.0.1', '::1'].map(addressClass)).toEqual(['loopback', 'loopback']);
    expect(['10.1.2.3', '172.20.0.1', '192.168.0.9', '169.254.1.1', '100.64.0.1', 'fd00::1', 'fe80::1'].map(addressClass)).toEqual(Array(7).fill('private'));
    expect(['8.8.8.8', '192.0.2.2', '2001:db8::1', '172.32.0.1'].map(addressClass)).toEqual(Array(4).fill('public'));
    expect(addressClass('0b7a4f3c-1d2e.local')).toBe('name');
    expect([...candidatePolicy('127.0.0.1')].sort()).toEqual(['loopback', 'private', 'public']);
    expect([...candidatePolicy('0.0.0.0')].sort()).toEqual(['private', 'public']);
    expect([...candidatePolicy('203.0.113.7')]).toEqual(['public']);
    expect([...candidatePolicy('203.0.113.7', true)].sort()).toEqual(['loopback', 'private', 'public']);
    const offer = await offerSdp('sendrecv');
    const cand = (addr: string, i: number): string => `a=candidate:${i} 1 udp 2130706431 ${addr} ${5000 + i} typ host`;
    const withCands = (addrs: string[]): string => offer.replace(/a=candidate:[^\r\n]*\r\n/g, '').replace(/(m=video[^\r\n]*\r\n)/, `$1${addrs.map(cand).join('\r\n')}\r\n`);
    const f = filterCandidates(withCands(['127.0.0.1', '10.0.0.2', '8.8.8.8', 'x.local']), candidatePolicy('0.0.0.0'));
    expect(f.dropped).toEqual(['127.0.0.1', 'x.local']);
    expect(f.kept).toBe(2);
    expect(f.sdp).toContain('10.0.0.2');
    expect(f.sdp).not.toContain('127.0.0.1 5000');
    expect(() => filterCandidates(withCands(Array.from({ length: MAX_REMOTE_CANDIDATES + 1 }, (_, i) => `8.8.${i}.1`)), candidatePolicy('0.0.0.0'))).toThrow(/17 ICE candidates, at most 16/);
  });
});

describe('a loopback server without --require-token', () => {
  let server: StreamServer;
  let pub: TestPublisher;

  beforeAll(async () => {
    server = await startTestServer({ token: 'the-token', viewerConnectMs: 500, maxViewersPerSession: 3, maxViewers: 5 });
    pub = new TestPublisher({ baseUrl: server.url, width: 160, height: 120, fps: 10 });
    await pub.publish('s1');
  }, 30_000);
  afterAll(async () => {
    await pub?.close();
    await server?.close();
  });

  it('refuses a wrong token everywhere, though none is needed', async () => {
    const offer = await offerSdp('sendrecv');
    const whip = await fetch(`${server.url}/whip?session=w1`, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer wrong' }, body: offer });
    expect(whip.status).toBe(401);
    expect(await whip.json()).toMatchObject({ error: 'auth', message: 'auth: wrong token' });
    expect((await wsOpen(`${server.url.replace('http', 'ws')}/ws/s1?token=wrong`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics?token=wrong`)).status).toBe(401);
    const ok = await wsOpen(`${server.url.replace('http', 'ws')}/ws/s1?token=the-token`);
    expect(ok.status).toBe(101);
    ok.ws.close();
  });

  it('refuses other pages (Origin) and other host names (Host), answers its own with its own origin', async () => {
    const ws = server.url.replace('http', 'ws');
    expect((await wsOpen(`${ws}/ws/s1`, { Origin: 'http://evil.example' })).status).toBe(403);
    const own = await wsOpen(`${ws}/ws/s1`, { Origin: server.url });
    expect(own.status).toBe(101);
    own.ws.close();
    const evil = await raw(`${server.url}/whip`, { method: 'OPTIONS', headers: { Origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const post = await raw(`${server.url}/whip?session=w2`, { method: 'POST', headers: { Origin: 'http://evil.example', 'Content-Type': 'application/sdp' }, body: await offerSdp('sendrecv') });
    expect(post.status).toBe(403);
    expect(server.sessions.has('w2')).toBe(false);
    const rebound = await raw(`${server.url}/healthz`, { headers: { Host: `evil.example:${server.port}` } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body)).toMatchObject({ error: 'forbidden' });
    expect((await wsOpen(`${ws}/ws/s1`, { Host: `evil.example:${server.port}` })).status).toBe(403);
    const mine = await raw(`${server.url}/healthz`, { headers: { Host: `localhost:${server.port}`, Origin: `http://localhost:${server.port}` } });
    expect(mine.status).toBe(200);
    expect(mine.headers['access-control-allow-origin']).toBe(`http://localhost:${server.port}`);
  });

  it('lists session ids in /metrics only with the token', async () => {
    const anon = await (await fetch(`${server.url}/metrics`)).text();
    expect(anon).toContain('lfe_sessions 1');
    expect(anon).not.toContain('s1');
    expect(anon).toMatch(/^lfe_fps_in \d/m);
    const full = await (await fetch(`${server.url}/metrics`, { headers: { Authorization: 'Bearer the-token' } })).text();
    expect(full).toContain('lfe_fps_in{session="s1"}');
  });

  it('rate-limits commands per connection: a burst, then errors at most once a second, and the server stays responsive', async () => {
    const { ws } = await wsOpen(`${server.url.replace('http', 'ws')}/ws/s1`);
    const got: Array<Record<string, unknown>> = [];
    ws.on('message', (d: Buffer) => got.push(JSON.parse(d.toString('utf8')) as Record<string, unknown>));
    for (let i = 0; i < 500; i++) ws.send(JSON.stringify({ type: 'strength', value: 0.5, id: `m${i}` }));
    const t0 = performance.now();
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 400));
    const acks = got.filter((m) => m['type'] === 'ack' || (m['type'] === 'state' && got.indexOf(m) > 0));
    const limited = got.filter((m) => m['type'] === 'error' && m['code'] === 'rate-limited');
    expect(acks.length).toBeGreaterThanOrEqual(20); // the burst
    expect(acks.length).toBeLessThan(60);
    expect(limited).toHaveLength(1); // told once, not 480 times
    expect(String(limited[0]!['message'])).toMatch(/too many messages: \d+ dropped/);
    expect(server.sessions.get('s1')!.refusedMessages).toBeGreaterThan(400);
    // After a pause the connection is served again.
    await new Promise((r) => setTimeout(r, 1100));
    ws.send(JSON.stringify({ type: 'strength', value: 0.7, id: 'after' }));
    await new Promise((r) => setTimeout(r, 200));
    expect(got.some((m) => m['type'] === 'ack' && m['id'] === 'after')).toBe(true);
    ws.close();
  });

  it('caps WHEP viewers (503 with Retry-After) and removes viewers that never connect', async () => {
    const offers = await Promise.all(Array.from({ length: 4 }, () => offerSdp('recvonly')));
    const res = [];
    for (const o of offers) res.push(await fetch(`${server.url}/whep/s1`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: o }));
    expect(res.slice(0, 3).map((r) => r.status)).toEqual([201, 201, 201]);
    expect(res[3]!.status).toBe(503);
    expect(res[3]!.headers.get('retry-after')).toBe('5');
    const refused = (await res[3]!.json()) as { error: string; message: string };
    expect(refused.error).toBe('capacity');
    expect(refused.message).toMatch(/viewer limit of this session \(3\)/);
    expect(server.sessions.get('s1')!.viewerCount).toBe(3);
    // The offers' peers were closed before they connected: the connect timeout (500 ms here) reaps them.
    const deadline = Date.now() + 5000;
    while (server.sessions.get('s1')!.viewerCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(server.sessions.get('s1')!.viewerCount).toBe(0);
  }, 20_000);

  it('refuses an offer with more ICE candidates than the cap', async () => {
    const offer = await offerSdp('sendrecv');
    const many = Array.from({ length: 200 }, (_, i) => `a=candidate:${i} 1 udp 2130706431 10.9.${i >> 8}.${i & 255} 9 typ host`).join('\r\n');
    const body = offer.replace(/(m=video[^\r\n]*\r\n)/, `$1${many}\r\n`);
    const r = await fetch(`${server.url}/whip?session=c1`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { message: string }).message).toMatch(/^sdp: 20\d ICE candidates, at most 16$/);
  });
});
