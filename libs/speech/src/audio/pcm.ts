import { BadAudioError } from '../errors';
import { resample } from './resampler';
import { decodeWav } from './wav';

/** The only format the recognisers accept: 16 kHz, mono, signed 16-bit. */
export const SPEECH_SAMPLE_RATE = 16_000;

/** Averages channels into one. */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0];
  if (first === undefined) throw new BadAudioError('pcm: no channels');
  if (channels.length === 1) return first.slice();
  const out = new Float32Array(first.length);
  for (const ch of channels) for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) + (ch[i] ?? 0);
  const g = 1 / channels.length;
  for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) * g;
  return out;
}

/** Float samples in [-1, 1] → Int16 with rounding and clipping. */
export function floatToInt16(x: Float32Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = Math.round((x[i] ?? 0) * 32768);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return out;
}

export function int16ToFloat(x: Int16Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (x[i] ?? 0) / 32768;
  return out;
}

/** Little-endian bytes of 16-bit PCM (what pocketsphinx and ffmpeg's s16le expect). */
export function int16ToBytes(pcm: Int16Array): Buffer {
  const out = Buffer.alloc(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] ?? 0, i * 2);
  return out;
}

/** Any WAV (any rate, channel count, sample format) → 16 kHz mono Int16. Throws `BadAudioError`. */
export function wavTo16kMono(bytes: Uint8Array): Int16Array {
  const decoded = decodeWav(bytes);
  const mono = downmix(decoded.channels);
  if (mono.length === 0) throw new BadAudioError('wav: no samples (empty audio)');
  return floatToInt16(resample(mono, decoded.sampleRate, SPEECH_SAMPLE_RATE));
}

/** Root-mean-square level in dBFS (−Infinity for silence). */
export function rmsDbfs(x: Int16Array, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = (x[i] ?? 0) / 32768;
    sum += v * v;
  }
  const n = Math.max(1, end - start);
  return 10 * Math.log10(sum / n);
}

/** Samples of the first and one past the last 10 ms frame whose RMS exceeds `thresholdDbfs`. */
export function activeRange(x: Int16Array, sampleRate: number, thresholdDbfs = -45): { start: number; end: number } | undefined {
  const frame = Math.round(sampleRate / 100);
  let start = -1;
  let end = -1;
  for (let i = 0; i + frame <= x.length; i += frame) {
    if (rmsDbfs(x, i, i + frame) > thresholdDbfs) {
      if (start < 0) start = i;
      end = i + frame;
    }
  }
  return start < 0 ? undefined : { start, end };
}
