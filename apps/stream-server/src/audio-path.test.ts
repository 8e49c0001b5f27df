import { FakeRecognizer } from '@lfe/speech/testing';
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
});
