import { describe, expect, it } from 'vitest';
import { CommandClient, MAX_TRANSCRIPT_LINES, ReconnectingSocket, type SocketLike, type SocketStatus } from './command-client';

function client(): { c: CommandClient; sent: unknown[] } {
  const sent: unknown[] = [];
  const c = new CommandClient((json) => {
    sent.push(JSON.parse(json));
    return true;
  });
  return { c, sent };
}

describe('CommandClient', () => {
  it('sends protocol messages with ids for commands', () => {
    const { c, sent } = client();
    expect(c.command('add glasses')).toBe('c1');
    c.strength(1.7);
    c.removeEdit(2);
    c.mic('wake-word');
    c.ptt(true);
    expect(sent).toEqual([
      { type: 'command', text: 'add glasses', id: 'c1' },
      { type: 'strength', value: 1 },
      { type: 'remove-edit', index: 2 },
      { type: 'mic', mode: 'wake-word' },
      { type: 'ptt', down: true },
    ]);
  });

  it('returns undefined when the channel is closed', () => {
    const c = new CommandClient(() => false);
    expect(c.command('undo')).toBeUndefined();
  });

  it('ties an error to the command that caused it', () => {
    const { c } = client();
    const id = c.command('add glases') as string;
    expect(c.handle(JSON.stringify({ type: 'error', id, code: 'unknown-word', message: 'unknown word', suggestions: ['glasses'] }), 0)).toBe('error');
    expect(c.lastError).toMatchObject({ code: 'unknown-word', commandText: 'add glases', suggestions: ['glasses'] });
    // The same id again is not ours any more.
    c.handle(JSON.stringify({ type: 'error', id, code: 'unknown-word', message: 'x' }), 0);
    expect(c.lastError?.commandText).toBeUndefined();
  });

  it('keeps the latest state and stats', () => {
    const { c } = client();
    c.handle('{"type":"state","edits":[],"strength":0.5,"canUndo":false,"canRedo":true}', 0);
    c.handle('{"type":"stats","fpsIn":30,"fpsOut":30,"dropped":0,"backend":"wasm","effect":"none"}', 0);
    expect(c.state?.strength).toBe(0.5);
    expect(c.stats?.fpsOut).toBe(30);
  });

  it('keeps the model the server said (state.model) and drops a state whose model is malformed', () => {
    const { c } = client();
    expect(c.handle('{"type":"state","edits":[],"strength":1,"canUndo":false,"canRedo":false,"model":{"name":"real","supported":["eyewear=glasses"]}}', 0)).toBe('state');
    expect(c.state?.model).toEqual({ name: 'real', supported: ['eyewear=glasses'] });
    expect(c.handle('{"type":"state","edits":[],"strength":1,"canUndo":false,"canRedo":false,"model":{"name":"real","supported":[1]}}', 0)).toBeUndefined();
    expect(c.badMessages).toBe(1);
    expect(c.state?.model?.name).toBe('real');
  });

  it('replaces a partial transcript line by the next, keeps the last lines only', () => {
    const { c } = client();
    c.handle('{"type":"transcript","text":"long","final":false}', 1);
    c.handle('{"type":"transcript","text":"long hair","final":true,"latencyMs":300}', 2);
    expect(c.transcript).toEqual([{ text: 'long hair', final: true, latencyMs: 300, atMs: 2 }]);
    for (let i = 0; i < 20; i++) c.handle(JSON.stringify({ type: 'transcript', text: `t${i}`, final: true }), i);
    expect(c.transcript).toHaveLength(MAX_TRANSCRIPT_LINES);
    expect(c.transcript.at(-1)?.text).toBe('t19');
  });

  it('counts and drops malformed messages without throwing', () => {
    const { c } = client();
    expect(c.handle('{"type":"state"}', 0)).toBeUndefined();
    expect(c.handle('garbage', 0)).toBeUndefined();
    expect(c.badMessages).toBe(2);
  });
});

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: string[] = [];
  onopen: ((ev: Event) => unknown) | null = null;
  onclose: ((ev: CloseEvent) => unknown) | null = null;
  onmessage: ((ev: MessageEvent) => unknown) | null = null;
  onerror: ((ev: Event) => unknown) | null = null;
  closedWith: number | undefined;
  send(data: string): void {
    this.sent.push(data);
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({} as CloseEvent);
  }
}

function harness(stableMs = 5000) {
  const sockets: FakeSocket[] = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const statuses: Array<[SocketStatus, number | undefined]> = [];
  const messages: string[] = [];
  let now = 0;
  const rs = new ReconnectingSocket({
    url: 'ws://x/ws/s',
    create: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    backoff: { initialMs: 100, maxMs: 800, factor: 2, jitter: 0 },
    stableMs,
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => undefined,
    now: () => now,
    onMessage: (m) => messages.push(m),
    onStatus: (s, ms) => statuses.push([s, ms]),
  });
  return { rs, sockets, timers, statuses, messages, advance: (ms: number) => (now += ms) };
}

describe('ReconnectingSocket', () => {
  it('reconnects with growing delays and resets after a stable connection', () => {
    const h = harness();
    h.sockets[0]?.drop();
    h.sockets[0]?.drop(); // a second close of the same socket is ignored
    expect(h.timers.map((t) => t.ms)).toEqual([100]);
    h.timers[0]?.fn();
    h.sockets[1]?.drop();
    h.timers[1]?.fn();
    h.sockets[2]?.drop();
    expect(h.timers.map((t) => t.ms)).toEqual([100, 200, 400]);
    h.timers[2]?.fn();
    h.sockets[3]?.open();
    h.advance(6000);
    h.sockets[3]?.drop();
    expect(h.timers.at(-1)?.ms).toBe(100);
    expect(h.statuses.map((s) => s[0])).toContain('open');
  });

  it('sends only while open and delivers text messages', () => {
    const h = harness();
    expect(h.rs.send('x')).toBe(false);
    h.sockets[0]?.open();
    expect(h.rs.send('y')).toBe(true);
    expect(h.sockets[0]?.sent).toEqual(['y']);
    h.sockets[0]?.onmessage?.({ data: '{"type":"ack","id":"c1"}' } as MessageEvent);
    h.sockets[0]?.onmessage?.({ data: new ArrayBuffer(2) } as MessageEvent);
    expect(h.messages).toEqual(['{"type":"ack","id":"c1"}']);
  });

  it('close() stops for good', () => {
    const h = harness();
    h.sockets[0]?.open();
    h.rs.close();
    h.rs.close();
    expect(h.sockets[0]?.closedWith).toBe(1000);
    expect(h.rs.send('z')).toBe(false);
    expect(h.timers).toHaveLength(0);
    expect(h.statuses.filter((s) => s[0] === 'closed')).toHaveLength(1);
  });
});
