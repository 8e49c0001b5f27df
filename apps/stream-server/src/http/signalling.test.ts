import { readFileSync } from 'node:fs';
import { REAL_WORLD_LEVELS } from '@lfe/edit-language';
import { parseServerMessage } from '@lfe/protocol';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../testing/server-fixture';
import { TestPublisher, offerSdp } from '../testing/werift-client';
import type { StreamServer } from './server';

const FIXTURES = join(import.meta.dirname, 'fixtures');


function post(base: string, path: string, body: string | Buffer, type = 'application/sdp', token?: string): Promise<Response> {
  return fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': type, ...(token ? { Authorization: `Bearer ${token}` } : {}) }, body });
}

interface WsClient {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  next(pred: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

async function wsConnect(url: string): Promise<WsClient> {
  const ws = new WebSocket(url);
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d: Buffer) => {
    messages.push(JSON.parse(d.toString('utf8')) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let seen = 0;
  return {
    ws,
    messages,
    async next(pred, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (seen < messages.length) {
          const m = messages[seen++] as Record<string, unknown>;
          if (pred(m)) return m;
        }
        if (Date.now() > deadline) throw new Error(`no matching message in ${JSON.stringify(messages)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
  };
}

describe('WHIP / WHEP signalling and bad input', () => {
  let server: StreamServer;
  let offer: string;

  beforeAll(async () => {
    server = await startTestServer({ maxSessions: 2 });
    offer = await offerSdp('sendrecv', true);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers OPTIONS with Accept-Post and CORS, and /healthz', async () => {
    const res = await fetch(`${server.url}/whip`, { method: 'OPTIONS', headers: { Origin: server.url } });
    expect(res.status).toBe(204);
    expect(res.headers.get('accept-post')).toBe('application/sdp');
    expect(res.headers.get('access-control-allow-origin')).toBe(server.url); // its own origin, never *
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ ok: true, sessions: 0 });
  });

  it('creates, refuses PATCH with 405 + Allow, and deletes a session', async () => {
    const res = await post(server.url, '/whip?session=abc-1', offer);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/whip/abc-1');
    expect(res.headers.get('content-type')).toBe('application/sdp');
    const answer = await res.text();
    expect(answer).toMatch(/^v=0/);
    expect(answer).toMatch(/m=video[^]*a=sendrecv/);
    expect(answer).toMatch(/a=candidate:/);
    expect((await post(server.url, '/whip?session=abc-1', offer)).status).toBe(409);
    const patch = await fetch(`${server.url}/whip/abc-1`, { method: 'PATCH', headers: { 'Content-Type': 'application/trickle-ice-sdpfrag' }, body: 'a=end-of-candidates' });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toContain('DELETE');
    expect((await fetch(`${server.url}/whip/abc-1`, { method: 'DELETE' })).status).toBe(200);
    expect(server.sessions.has('abc-1')).toBe(false);
    expect((await fetch(`${server.url}/whip/abc-1`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${server.url}/whip/never-was`, { method: 'DELETE' })).status).toBe(404);
  });

  it('rejects the bad-SDP corpus with 400 and a reason, leaving no session behind', async () => {
    for (const f of ['sdp_invalid.txt', 'sdp_truncated.txt', 'sdp_no_video.txt', 'sdp_vp9_only.txt', 'sdp_binary.bin', 'sdp_empty.txt']) {
      const res = await post(server.url, '/whip', readFileSync(join(FIXTURES, f)));
      expect(res.status, f).toBe(400);
      const body = (await res.json()) as { error: string; message: string };
      expect(body.error, f).toBe('bad-request');
      expect(body.message, f).toMatch(/^sdp:/);
    }
    expect(server.sessions.size).toBe(0);
  });

  it('rejects wrong content type (415), oversize bodies (413), bad ids (400), unknown WHEP session (404)', async () => {
    expect((await post(server.url, '/whip', offer, 'application/json')).status).toBe(415);
    expect((await post(server.url, '/whip', offer, 'text/plain')).status).toBe(415);
    expect((await post(server.url, '/whip', 'v=0\r\n' + 'a=x\r\n'.repeat(20_000))).status).toBe(413);
    expect((await post(server.url, '/whip?session=Bad_ID!', offer)).status).toBe(400);
    expect((await post(server.url, '/whip?session=' + 'a'.repeat(41), offer)).status).toBe(400);
    expect((await post(server.url, '/whep/nope', offer)).status).toBe(404);
    expect((await fetch(`${server.url}/whip`, { method: 'GET' })).status).toBe(405);
  });

  it('refuses sessions beyond --max-sessions with 503 capacity', async () => {
    const a = await post(server.url, '/whip?session=cap-1', offer);
    const b = await post(server.url, '/whip?session=cap-2', offer);
    expect([a.status, b.status]).toEqual([201, 201]);
    const c = await post(server.url, '/whip?session=cap-3', offer);
    expect(c.status).toBe(503);
    expect(await c.json()).toMatchObject({ error: 'capacity' });
    await fetch(`${server.url}/whip/cap-1`, { method: 'DELETE' });
    await fetch(`${server.url}/whip/cap-2`, { method: 'DELETE' });
  });

  it('serves a placeholder page when the viewer is not built', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/viewer is not built/);
    expect((await fetch(`${server.url}/../../etc/passwd`)).status).toBe(404);
  });
});

describe('auth', () => {
  let server: StreamServer;
  beforeAll(async () => {
    server = await startTestServer({ token: 'secret-token', requireToken: true });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('requires the bearer token on WHIP, WHEP and ws when asked to', async () => {
    const offer = await offerSdp('sendrecv', true);
    const res = await post(server.url, '/whip', offer);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toMatchObject({ error: 'auth' });
    expect((await post(server.url, '/whip', offer, 'application/sdp', 'wrong')).status).toBe(401);
    const ok = await post(server.url, '/whip?session=s1', offer, 'application/sdp', 'secret-token');
    expect(ok.status).toBe(201);
    expect((await post(server.url, '/whep/s1', offer)).status).toBe(401);
    await expect(wsConnect(`${server.url.replace('http', 'ws')}/ws/s1`)).rejects.toThrow(/401/);
    const c = await wsConnect(`${server.url.replace('http', 'ws')}/ws/s1?token=secret-token`);
    await c.next((m) => m['type'] === 'state');
    c.ws.close();
    expect((await fetch(`${server.url}/whip/s1`, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(`${server.url}/whip/s1`, { method: 'DELETE', headers: { Authorization: 'Bearer secret-token' } })).status).toBe(200);
  });

  it('serves the pages without a token (they show their own 401 message), never media or state', async () => {
    for (const path of ['/', '/index.html', '/obs?session=s1', '/?token=wrong', '/obs?session=s1&token=wrong']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await post(server.url, '/whep/s1', await offerSdp('sendrecv', true), 'application/sdp', 'wrong')).status).toBe(401);
  });
});

describe('commands over WebSocket and the data channel', () => {
  let server: StreamServer;
  let pub: TestPublisher;
  beforeAll(async () => {
    server = await startTestServer();
    pub = new TestPublisher({ baseUrl: server.url, width: 160, height: 120 });
    await pub.publish('cmd', true);
  });
  afterAll(async () => {
    await pub?.close();
    await server?.close();
  });

  it('round-trips commands to state, with errors only to the sender', async () => {
    const base = `${server.url.replace('http', 'ws')}/ws/cmd`;
    const a = await wsConnect(base);
    const b = await wsConnect(base);
    expect(await a.next((m) => m['type'] === 'state')).toMatchObject({ edits: [], strength: 1, canUndo: false, canRedo: false });
    await b.next((m) => m['type'] === 'state');

    a.ws.send(JSON.stringify({ type: 'command', text: 'add glasses', id: 'c1' }));
    expect(await a.next((m) => m['type'] === 'ack')).toEqual({ type: 'ack', id: 'c1' });
    const state = await b.next((m) => m['type'] === 'state');
    expect(state).toMatchObject({ canUndo: true, edits: [{ attribute: 'eyewear', op: 'set', text: 'add glasses' }] });

    a.ws.send(JSON.stringify({ type: 'command', text: 'add glases', id: 'c2' }));
    const err = await a.next((m) => m['type'] === 'error');
    expect(err).toMatchObject({ id: 'c2', code: 'unknown-word' });
    expect(err['suggestions']).toContain('glasses');

    a.ws.send(JSON.stringify({ type: 'command', text: 'x'.repeat(600), id: 'c3' }));
    expect(await a.next((m) => m['type'] === 'error')).toMatchObject({ id: 'c3', code: 'too-long' });
    a.ws.send('{garbage');
    expect(await a.next((m) => m['type'] === 'error')).toMatchObject({ code: 'bad-message' });
    a.ws.send('x'.repeat(10_000));
    expect(await a.next((m) => m['type'] === 'error')).toMatchObject({ code: 'bad-message' });
    a.ws.send(JSON.stringify({ type: 'strength', value: 0.5, id: 's' }));
    await a.next((m) => m['type'] === 'state' && m['strength'] === 0.5);
    a.ws.send(JSON.stringify({ type: 'command', text: 'undo' }));
    await a.next((m) => m['type'] === 'state' && m['strength'] === 1);
    a.ws.send(JSON.stringify({ type: 'remove-edit', index: 0 }));
    await a.next((m) => m['type'] === 'state' && Array.isArray(m['edits']) && m['edits'].length === 0);
    a.ws.send(JSON.stringify({ type: 'remove-edit', index: 7, id: 'r' }));
    expect(await a.next((m) => m['type'] === 'error')).toMatchObject({ id: 'r', code: 'bad-message' });
    // b saw no errors: they go to the sender only. The socket stayed open through all of it.
    expect(b.messages.filter((m) => m['type'] === 'error')).toEqual([]);
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
    expect(await a.next((m) => m['type'] === 'stats', 2500)).toMatchObject({ effect: 'none', backend: 'none' });
    a.ws.close();
    b.ws.close();
  });

  it('accepts the same commands on the `commands` data channel', async () => {
    const dc = pub.commands;
    expect(dc).toBeDefined();
    const got: Array<Record<string, unknown>> = [];
    dc?.onMessage.subscribe((d) => got.push(JSON.parse(d.toString()) as Record<string, unknown>));
    const deadline = Date.now() + 5000;
    while (dc?.readyState !== 'open' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    dc?.send(JSON.stringify({ type: 'command', text: 'long hair', id: 'd1' }));
    while (!got.some((m) => m['type'] === 'ack') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(got).toContainEqual({ type: 'ack', id: 'd1' });
    expect(server.sessions.get('cmd')?.edits.snapshot().edits.map((e) => e.text)).toEqual(['long hair']);
  });

  it('refuses ws for unknown sessions', async () => {
    await expect(wsConnect(`${server.url.replace('http', 'ws')}/ws/nope`)).rejects.toThrow(/404/);
  });

  it('a server without a model (--effect none) names none in state and takes every edit', async () => {
    const a = await wsConnect(`${server.url.replace('http', 'ws')}/ws/cmd`);
    expect(await a.next((m) => m['type'] === 'state')).not.toHaveProperty('model');
    a.ws.send(JSON.stringify({ type: 'command', text: 'red hair', id: 'n1' }));
    expect(await a.next((m) => m['type'] === 'ack')).toEqual({ type: 'ack', id: 'n1' });
    a.ws.send(JSON.stringify({ type: 'command', text: 'undo' }));
    a.ws.close();
  });
});

describe('the real-face model: what it cannot do is refused, and the page is told what it can do', () => {
  let server: StreamServer;
  let pub: TestPublisher;
  beforeAll(async () => {
    server = await startTestServer({ model: { name: 'real', levels: REAL_WORLD_LEVELS } });
    pub = new TestPublisher({ baseUrl: server.url, width: 160, height: 120 });
    await pub.publish('real', true);
  });
  afterAll(async () => {
    await pub?.close();
    await server?.close();
  });

  it('state names the model and its levels (parsed by the page\'s strict parser); "red hair" → unsupported-edit, to the sender only, state unchanged', async () => {
    const base = `${server.url.replace('http', 'ws')}/ws/real`;
    const a = await wsConnect(base);
    const b = await wsConnect(base);
    const first = await a.next((m) => m['type'] === 'state');
    const parsed = parseServerMessage(JSON.stringify(first));
    expect(parsed.type === 'state' && parsed.model).toEqual({ name: 'real', supported: [...REAL_WORLD_LEVELS] });
    await b.next((m) => m['type'] === 'state');
    for (const [text, id] of [['red hair', 'u1'], ['thin eyebrows', 'u2'], ['add glasses and red hair', 'u3']] as const) {
      a.ws.send(JSON.stringify({ type: 'command', text, id }));
      const err = await a.next((m) => m['type'] === 'error' && m['id'] === id);
      expect(err).toMatchObject({ code: 'unsupported-edit' });
      expect(String(err['message'])).toMatch(/this model cannot do .*hairColor=red|eyebrows=thin/);
      expect(String(err['message'])).toMatch(/it can do: .*eyewear=glasses/);
    }
    expect(server.sessions.get('real')?.edits.snapshot().edits).toEqual([]);
    a.ws.send(JSON.stringify({ type: 'command', text: 'add sunglasses', id: 'ok' }));
    expect(await a.next((m) => m['type'] === 'ack')).toEqual({ type: 'ack', id: 'ok' });
    expect(await b.next((m) => m['type'] === 'state' && Array.isArray(m['edits']) && m['edits'].length === 1)).toHaveProperty('model.name', 'real');
    expect(b.messages.filter((m) => m['type'] === 'error')).toEqual([]);
    a.ws.close();
    b.ws.close();
  });

  it('the data channel gets the same refusal', async () => {
    const dc = pub.commands;
    const got: Array<Record<string, unknown>> = [];
    dc?.onMessage.subscribe((d) => got.push(JSON.parse(d.toString()) as Record<string, unknown>));
    const deadline = Date.now() + 5000;
    while (dc?.readyState !== 'open' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    dc?.send(JSON.stringify({ type: 'command', text: 'red hair', id: 'd1' }));
    while (!got.some((m) => m['type'] === 'error') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(got.find((m) => m['type'] === 'error')).toMatchObject({ id: 'd1', code: 'unsupported-edit' });
  });
});
