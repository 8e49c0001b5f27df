import { describe, expect, it } from 'vitest';
import { BadAudioError } from '../errors';
import { activeRange, int16ToBytes, wavTo16kMono } from './pcm';
import { Pcm16Assembler } from './pcm16-assembler';
import { decodeWav, encodeWav } from './wav';

/** A WAV header + data written by hand for formats `encodeWav` does not write. */
function rawWav(format: number, channels: number, rate: number, bits: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(44 + data.length);
  const v = new DataView(out.buffer);
  const put = (o: number, s: string): void => {
    for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i));
  };
  put(0, 'RIFF');
  v.setUint32(4, 36 + data.length, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, format, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, (rate * channels * bits) / 8, true);
  v.setUint16(32, (channels * bits) / 8, true);
  v.setUint16(34, bits, true);
  put(36, 'data');
  v.setUint32(40, data.length, true);
  out.set(data, 44);
  return out;
}

describe('wav', () => {
  it('round-trips 16-bit PCM (decode(encode(x)) == x)', () => {
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768, 1234, -4321]);
    const d = decodeWav(encodeWav(pcm, 16_000));
    expect(d.sampleRate).toBe(16_000);
    expect(Array.from(d.channels[0] ?? [], (v) => Math.round(v * 32768))).toEqual(Array.from(pcm));
  });

  it('decodes 8-bit, 24-bit, 32-bit integer and float samples to the same values', () => {
    const values = [0, 0.5, -0.5];
    const u8 = Uint8Array.from(values.map((v) => 128 + v * 128));
    const i24 = new Uint8Array(9);
    const i32 = new Uint8Array(12);
    const f32 = new Uint8Array(12);
    values.forEach((v, i) => {
      const n = Math.round(v * 8388608);
      i24[i * 3] = n & 0xff;
      i24[i * 3 + 1] = (n >> 8) & 0xff;
      i24[i * 3 + 2] = (n >> 16) & 0xff;
      new DataView(i32.buffer).setInt32(i * 4, Math.round(v * 2147483648), true);
      new DataView(f32.buffer).setFloat32(i * 4, v, true);
    });
    for (const [fmt, bits, data] of [
      [1, 8, u8],
      [1, 24, i24],
      [1, 32, i32],
      [3, 32, f32],
    ] as const) {
      const d = decodeWav(rawWav(fmt, 1, 8000, bits, data));
      expect(Array.from(d.channels[0] ?? [])).toEqual(values);
    }
  });

  it('converts stereo 44.1 kHz to 16 kHz mono by averaging channels', () => {
    const n = 44_100;
    const inter = new Int16Array(n * 2);
    for (let i = 0; i < n; i++) {
      inter[2 * i] = 8000;
      inter[2 * i + 1] = -4000;
    }
    const out = wavTo16kMono(encodeWav(inter, 44_100, 2));
    expect(out.length).toBe(16_000);
    expect(out[8000]).toBeCloseTo(2000, -1);
  });

  it('rejects non-audio bytes, truncated files and empty audio with BadAudioError', () => {
    expect(() => decodeWav(new TextEncoder().encode('this is not a wav file at all'))).toThrow(BadAudioError);
    expect(() => decodeWav(new Uint8Array(5))).toThrow(BadAudioError);
    expect(() => decodeWav(encodeWav(new Int16Array(10), 16_000).subarray(0, 30))).toThrow(BadAudioError);
    expect(() => wavTo16kMono(encodeWav(new Int16Array(0), 16_000))).toThrow(/empty/);
    expect(() => decodeWav(rawWav(2, 1, 8000, 4, new Uint8Array(8)))).toThrow(/unsupported/);
  });

  it('finds the active range of a signal', () => {
    const x = new Int16Array(16_000);
    for (let i = 4000; i < 8000; i++) x[i] = i % 2 ? 5000 : -5000;
    expect(activeRange(x, 16_000)).toEqual({ start: 4000, end: 8000 });
    expect(activeRange(new Int16Array(1600), 16_000)).toBeUndefined();
  });
});

describe('Pcm16Assembler', () => {
  it('reassembles samples split at odd byte boundaries', () => {
    const pcm = Int16Array.from([1, -2, 300, -32768, 32767, 42]);
    const bytes = int16ToBytes(pcm);
    const a = new Pcm16Assembler();
    const got: number[] = [];
    for (const [s, e] of [
      [0, 1],
      [1, 4],
      [4, 9],
      [9, 12],
    ] as const)
      got.push(...a.push(bytes.subarray(s, e)));
    expect(got).toEqual(Array.from(pcm));
    expect(a.pending).toBe(false);
  });
});
