import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { resolveFfmpeg } from '../ffmpeg/ffmpeg-path';
import { OggOpusWriter, oggCrc } from './ogg-opus-writer';
import { opusPacketSamples } from './opus-toc';
import { oggPackets } from '../testing/opus-source';

describe('opusPacketSamples', () => {
  it('reads frame duration and count from the TOC byte', () => {
    expect(opusPacketSamples(Uint8Array.of((19 << 3) | 0))).toBe(960); // CELT 20 ms
    expect(opusPacketSamples(Uint8Array.of((1 << 3) | 1))).toBe(1920); // SILK 20 ms ×2
    expect(opusPacketSamples(Uint8Array.of((16 << 3) | 3, 4))).toBe(480); // CELT 2.5 ms ×4
    expect(() => opusPacketSamples(new Uint8Array(0))).toThrow(TypeError);
    expect(() => opusPacketSamples(Uint8Array.of((3 << 3) | 3, 3))).toThrow(/120 ms/);
  });
});

describe('OggOpusWriter', () => {
  it('computes the Ogg CRC of a known vector', () => {
    // CRC-32/MPEG-2 without the init/xorout: "123456789" → 0x89a1897f.
    expect(oggCrc(Buffer.from('123456789', 'ascii')).toString(16)).toBe('89a1897f');
  });

  it('writes a stream that ffmpeg decodes to the expected duration', () => {
    // Real Opus packets: encode 1 s of a tone with ffmpeg to Ogg, then rewrap its packets ourselves.
    const ffmpeg = resolveFfmpeg().path;
    const enc = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=1:r=48000', '-c:a', 'libopus', '-b:a', '32k', '-f', 'ogg', 'pipe:1'], {
      maxBuffer: 1 << 22,
    });
    expect(enc.status).toBe(0);
    const packets = oggPackets(enc.stdout).slice(2); // skip OpusHead / OpusTags
    expect(packets.length).toBeGreaterThan(40);
    const w = new OggOpusWriter(1);
    const ogg = Buffer.concat([w.headers(), ...packets.map((p) => w.packet(p))]);
    const dec = spawnSync(ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'ogg', '-i', 'pipe:0', '-ac', '1', '-ar', '16000', '-f', 's16le', 'pipe:1'], {
      input: ogg,
      maxBuffer: 1 << 22,
    });
    expect(dec.status, dec.stderr.toString()).toBe(0);
    const seconds = dec.stdout.length / 2 / 16000;
    expect(seconds).toBeGreaterThan(0.95);
    expect(seconds).toBeLessThan(1.05);
  });
});

