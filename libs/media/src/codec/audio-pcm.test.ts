import { describe, expect, it } from 'vitest';
import { opusTonePackets } from '../testing/opus-source';
import { silentMediaLogger } from '../logger';
import { AudioPcmStream } from './audio-pcm';

const packets = opusTonePackets(1);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Feed packets until the stream has a running decoder that produced PCM; then kill it. */
async function runThenKill(s: AudioPcmStream, pcm: { bytes: number }): Promise<void> {
  const start = pcm.bytes;
  for (let i = 0; i < 200 && pcm.bytes === start; i++) {
    s.pushOpus(packets[i % packets.length]!);
    await sleep(10);
  }
  expect(pcm.bytes).toBeGreaterThan(start);
  const pid = s.process?.pid;
  expect(pid).toBeDefined();
  process.kill(pid!, 'SIGKILL');
  for (let i = 0; i < 100 && s.process?.pid === pid; i++) await sleep(20);
}

describe('AudioPcmStream restarts', () => {
  it('restarts a decoder that dies now and then, and gives up (fatal) only on too many deaths within the window', async () => {
    const spread = new AudioPcmStream(silentMediaLogger, undefined, 1, 200);
    const fatal: Error[] = [];
    const pcm = { bytes: 0 };
    spread.on('pcm', (b) => (pcm.bytes += b.length));
    spread.on('fatal', (e) => fatal.push(e));
    await runThenKill(spread, pcm);
    await sleep(300); // the first death leaves the 200 ms window
    await runThenKill(spread, pcm);
    await runThenKill(spread, pcm); // decodes again after two deaths…
    await sleep(100);
    expect(fatal).toHaveLength(1); // …but the last two came within the window
    await spread.close();
  }, 30_000);
});
