import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamServer } from './http/server';
import { meanAbsDiff, testPattern } from '@lfe/media/testing';
import { startTestServer } from './testing/server-fixture';
import { TestPublisher, TestViewer } from './testing/werift-client';

const W = 320;
const H = 240;

describe('media loop: werift client ⇄ server ⇄ ffmpeg (passthrough)', () => {
  let server: StreamServer;
  let pub: TestPublisher;

  beforeAll(async () => {
    server = await startTestServer();
    pub = new TestPublisher({ baseUrl: server.url, width: W, height: H });
    await pub.publish('loop');
    pub.start();
  });

  afterAll(async () => {
    await pub?.close();
    await server?.close();
  });

  it('returns the published frames to the publisher, unchanged within codec error', async () => {
    const deadline = Date.now() + 10_000;
    while (pub.frames.length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const frames = pub.frames.slice();
    expect(frames.length).toBeGreaterThanOrEqual(30);
    // Steady state (after the encoders' start-up keyframes): in order, no repeats, numbers really sent.
    const ns = frames.slice(-20).map((f) => f.n);
    for (let i = 1; i < ns.length; i++) expect(ns[i]).toBeGreaterThan(ns[i - 1] as number);
    for (const f of frames.slice(-10)) {
      expect(pub.sentAt.has(f.n)).toBe(true);
      expect(meanAbsDiff(f.frame, testPattern(W, H, f.n))).toBeLessThan(8);
    }
    const session = server.sessions.get('loop');
    const stats = session?.video.stats();
    expect(stats?.fpsOut).toBeGreaterThan(15);
    // The stage breakdown of the server pipeline: every stage measured; each stage's median lies
    // within the whole pipeline's spread (p95), as parts of it must.
    for (const stage of ['decode', 'wait', 'encode'] as const) {
      const st = stats!.stagesMs[stage];
      expect(st.p50).toBeGreaterThanOrEqual(0);
      expect(st.p50).toBeLessThanOrEqual(stats!.pipelineMs.p95);
    }
    expect(stats!.stagesMs.encode.p50).toBeGreaterThan(0);
  });

  it('sends the same processed video to a WHEP viewer', async () => {
    const viewer = new TestViewer({ baseUrl: server.url, width: W, height: H });
    try {
      await viewer.watch('loop');
      const deadline = Date.now() + 5000;
      while (viewer.frames.length < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(viewer.frames.length).toBeGreaterThanOrEqual(10);
      const last = viewer.frames.at(-1);
      expect(last && meanAbsDiff(last.frame, testPattern(W, H, last.n))).toBeLessThan(8);
      expect(server.sessions.get('loop')?.viewerCount).toBe(1);
    } finally {
      await viewer.close();
    }
  });
});

describe('keyframes and faults', () => {
  let server: StreamServer;
  let pub: TestPublisher;
  let other: TestPublisher;

  beforeAll(async () => {
    server = await startTestServer();
    pub = new TestPublisher({ baseUrl: server.url, width: W, height: H });
    other = new TestPublisher({ baseUrl: server.url, width: W, height: H });
    await pub.publish('faulty');
    await other.publish('healthy');
    pub.start();
    other.start();
    await pub.receiver?.waitFrames(5, 10_000);
  });

  afterAll(async () => {
    await Promise.allSettled([pub?.close(), other?.close()]);
    await server?.close();
  });

  it('answers a PLI with a keyframe within 1 s', async () => {
    const track = pub.pc.getTransceivers()[0];
    const ssrc = track?.receiver.track.ssrc;
    expect(ssrc).toBeDefined();
    const before = pub.receiver?.keyframeArrivals.length ?? 0;
    const t0 = performance.now();
    await track?.receiver.sendRtcpPLI(ssrc as number);
    const deadline = Date.now() + 2000;
    while ((pub.receiver?.keyframeArrivals.length ?? 0) <= before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const arrival = pub.receiver?.keyframeArrivals[before];
    expect(arrival).toBeDefined();
    expect((arrival as number) - t0).toBeLessThan(1000);
  });

  it('recovers from a killed decoder and a killed encoder while other sessions keep streaming', async () => {
    const session = server.sessions.get('faulty');
    expect(session).toBeDefined();
    const otherCount = other.frames.length;
    session?.video.decoder?.killForTest();
    await new Promise((r) => setTimeout(r, 300));
    session?.video.encoder?.killForTest();
    const t0 = Date.now();
    const before = pub.frames.length;
    // Recovery = the first frame sent after both kills that comes back (so it went through the new
    // decoder and the new encoder; issue target: < 1 s), then a steady stream.
    const sentBefore = Math.max(...pub.sentAt.keys());
    while (!pub.frames.some((f) => f.n > sentBefore) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    const firstBack = Date.now() - t0;
    console.log(`[faults] first frame sent after the kills is back ${firstBack} ms after killing the encoder (the decoder 300 ms earlier)`);
    expect(firstBack).toBeLessThan(1000);
    await pub.receiver?.waitFrames(10, 5000);
    expect(Date.now() - t0).toBeLessThan(2000);
    const stats = session?.video.stats();
    expect(stats?.decoderRestarts).toBeGreaterThanOrEqual(1);
    expect(stats?.encoderRestarts).toBeGreaterThanOrEqual(1);
    expect(pub.frames.length).toBeGreaterThan(before);
    const last = pub.frames.at(-1);
    expect(last && meanAbsDiff(last.frame, testPattern(W, H, last.n))).toBeLessThan(8);
    expect(other.frames.length).toBeGreaterThan(otherCount + 10);
    expect(server.sessions.has('healthy')).toBe(true);
  });
});

describe('shutdown', () => {
  it('leaves no ffmpeg children behind', async () => {
    const server = await startTestServer();
    const pub = new TestPublisher({ baseUrl: server.url, width: W, height: H });
    await pub.publish('bye');
    pub.start();
    await pub.receiver?.waitFrames(3, 10_000);
    const video = server.sessions.get('bye')?.video;
    const pids = [video?.decoder?.pid, video?.encoder?.pid].filter((p): p is number => p !== undefined);
    expect(pids).toHaveLength(2);
    await server.close();
    expect(server.sessions.size).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
    await pub.close();
  });
});
