import { REAL_WORLD_LEVELS } from '@lfe/edit-language';
import { FakeRecognizer } from '@lfe/speech/testing';
import { WebSocket } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import type { StreamServer } from './http/server';
import { oggPackets, opusTonePackets } from '@lfe/media/testing';
import { startTestServer } from './testing/server-fixture';
import { TestPublisher } from './testing/werift-client';

describe('the microphone path (a real Opus track from the test publisher)', () => {
  let server: StreamServer | undefined;
  let pub: TestPublisher | undefined;
  afterAll(async () => {
    await pub?.close();
    await server?.close();
  });

  it('splits Ogg into Opus packets', () => {
    const packets = opusTonePackets(1);
    expect(packets.length).toBeGreaterThanOrEqual(49); // 20 ms each
    expect(packets.length).toBeLessThanOrEqual(51);
    expect(packets.every((p) => p.length > 0 && p.length < 400)).toBe(true);
    expect(() => oggPackets(Buffer.from('not ogg at all, not even close to it'))).toThrow(/no page at byte 0/);
  });

  it('reaches the session recogniser as 16 kHz PCM through the server\'s Opus decoder', async () => {
    const fake = new FakeRecognizer();
    server = await startTestServer({ recognizer: () => Promise.resolve(fake) });
    pub = new TestPublisher({ baseUrl: server.url, width: 160, height: 120, fps: 10, audio: opusTonePackets(2) });
    await pub.publish('mic');
    pub.start();
    const deadline = Date.now() + 8000;
    while (fake.samplesWritten < 16_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(fake.samplesWritten).toBeGreaterThanOrEqual(16_000); // ≥ 1 s of 16 kHz audio
  }, 20_000);

  it('a spoken edit the real model cannot do reaches every client as unsupported-edit; one it can do is applied', async () => {
    const fake = new FakeRecognizer();
    const srv = await startTestServer({ recognizer: () => Promise.resolve(fake), model: { name: 'real', levels: REAL_WORLD_LEVELS } });
    const p = new TestPublisher({ baseUrl: srv.url, width: 160, height: 120, fps: 10, audio: opusTonePackets(3) });
    try {
      await p.publish('voice-real');
      p.start();
      const got: Array<Record<string, unknown>> = [];
      const ws = new WebSocket(`${srv.url.replace('http', 'ws')}/ws/voice-real`);
      ws.on('message', (d: Buffer) => got.push(JSON.parse(d.toString('utf8')) as Record<string, unknown>));
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      const until = async (pred: () => boolean, ms = 8000): Promise<void> => {
        const deadline = Date.now() + ms;
        while (!pred() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      };
      await until(() => fake.samplesWritten >= 3200);
      ws.send(JSON.stringify({ type: 'ptt', down: true }));
      await new Promise((r) => setTimeout(r, 300));
      fake.say('red hair');
      await until(() => got.some((m) => m['type'] === 'error'));
      expect(got.find((m) => m['type'] === 'error')).toMatchObject({ code: 'unsupported-edit' });
      expect(String(got.find((m) => m['type'] === 'error')?.['message'])).toMatch(/this model cannot do hairColor=red/);
      fake.say('long hair');
      await until(() => srv.sessions.get('voice-real')?.edits.snapshot().edits.length === 1);
      expect(srv.sessions.get('voice-real')?.edits.snapshot().edits.map((e) => e.text)).toEqual(['long hair']);
      ws.close();
    } finally {
      await p.close();
      await srv.close();
    }
  }, 30_000);
});
