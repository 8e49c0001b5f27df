import { BadAudioError } from '../errors';

/** Decoded audio: one Float32Array per channel, samples in [-1, 1]. */
export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

function ascii(view: DataView, offset: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(view.getUint8(offset + i));
  return s;
}

/**
 * Decodes a RIFF/WAVE file: integer PCM (8, 16, 24, 32 bit), IEEE float (32, 64 bit) and
 * WAVE_FORMAT_EXTENSIBLE holding either, any rate and channel count. A data chunk whose size is
 * 0 or 0xFFFFFFFF (written by a streaming encoder such as ffmpeg on a pipe) runs to the end.
 * Throws `BadAudioError` naming what is wrong.
 */
export function decodeWav(bytes: Uint8Array): DecodedAudio {
  if (bytes.byteLength < 12) throw new BadAudioError(`wav: ${bytes.byteLength} bytes is too short for a RIFF header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ascii(view, 0, 4) !== 'RIFF' || ascii(view, 8, 4) !== 'WAVE') {
    throw new BadAudioError('wav: not a RIFF/WAVE file');
  }
  let fmt: { format: number; channels: number; sampleRate: number; bits: number; blockAlign: number } | undefined;
  let dataOffset = -1;
  let dataLength = 0;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = ascii(view, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.byteLength) throw new BadAudioError('wav: truncated fmt chunk');
      let format = view.getUint16(body, true);
      if (format === FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 26 > bytes.byteLength) throw new BadAudioError('wav: truncated extensible fmt chunk');
        format = view.getUint16(body + 24, true); // first two bytes of the sub-format GUID
      }
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      dataOffset = body;
      const rest = bytes.byteLength - body;
      dataLength = size === 0 || size === 0xffffffff || size > rest ? rest : size;
      break;
    }
    offset = body + size + (size % 2);
  }
  if (fmt === undefined) throw new BadAudioError('wav: no fmt chunk');
  if (dataOffset < 0) throw new BadAudioError('wav: no data chunk');
  const { format, channels, sampleRate, bits } = fmt;
  if (channels < 1) throw new BadAudioError('wav: channel count is 0');
  if (sampleRate < 1000 || sampleRate > 384_000) throw new BadAudioError(`wav: sample rate ${sampleRate} Hz is out of range`);
  const bytesPerSample = bits / 8;
  const supported =
    (format === FORMAT_PCM && [8, 16, 24, 32].includes(bits)) || (format === FORMAT_FLOAT && (bits === 32 || bits === 64));
  if (!supported) throw new BadAudioError(`wav: unsupported encoding (format ${format}, ${bits} bit)`);
  const frameBytes = bytesPerSample * channels;
  const frames = Math.floor(dataLength / frameBytes);
  const out: Float32Array[] = [];
  for (let c = 0; c < channels; c++) out.push(new Float32Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < channels; c++) {
      const p = dataOffset + i * frameBytes + c * bytesPerSample;
      let v: number;
      if (format === FORMAT_FLOAT) v = bits === 32 ? view.getFloat32(p, true) : view.getFloat64(p, true);
      else if (bits === 8) v = (view.getUint8(p) - 128) / 128;
      else if (bits === 16) v = view.getInt16(p, true) / 32768;
      else if (bits === 24) {
        const u = view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getInt8(p + 2) << 16);
        v = u / 8388608;
      } else v = view.getInt32(p, true) / 2147483648;
      (out[c] as Float32Array)[i] = v;
    }
  }
  return { sampleRate, channels: out };
}

/** Encodes 16-bit PCM (interleaved when `channels` > 1) as a canonical 44-byte-header WAV file. */
export function encodeWav(pcm: Int16Array, sampleRate: number, channels = 1): Uint8Array {
  const dataBytes = pcm.length * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  const put = (o: number, s: string): void => {
    for (let i = 0; i < s.length; i++) view.setUint8(o + i, s.charCodeAt(i));
  };
  put(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  put(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < pcm.length; i++) view.setInt16(44 + i * 2, pcm[i] ?? 0, true);
  return bytes;
}
