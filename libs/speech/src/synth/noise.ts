import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SPEECH_SAMPLE_RATE, wavTo16kMono } from '../audio/pcm';
import { encodeWav } from '../audio/wav';
import { runTool, soxBinary } from './tools';

export type NoiseColour = 'white' | 'pink' | 'brown';

/** `seconds` of repeatable (`sox -R`) noise at an RMS level of `levelDbfs`, 16 kHz mono. */
export async function soxNoise(seconds: number, colour: NoiseColour, levelDbfs: number): Promise<Int16Array> {
  const args = ['-R', '-n', '-r', String(SPEECH_SAMPLE_RATE), '-c', '1', '-b', '16', '-t', 'wav', '-'];
  args.push('synth', seconds.toFixed(3), `${colour}noise`, 'vol', '0.25');
  const raw = wavTo16kMono(await runTool(soxBinary(), args));
  // sox's synth level depends on the colour: measure, then scale to the requested RMS.
  let sum = 0;
  for (const v of raw) sum += v * v;
  const rms = Math.sqrt(sum / Math.max(1, raw.length)) / 32768;
  const gain = rms > 0 ? 10 ** (levelDbfs / 20) / rms : 0;
  const out = new Int16Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round((raw[i] ?? 0) * gain)));
  return out;
}

/** Mixes two 16 kHz signals with sox (`-m -v 1 a -v 1 b`: a plain sum, not sox's default halving). */
export async function soxMix(a: Int16Array, b: Int16Array): Promise<Int16Array> {
  const dir = await mkdtemp(join(tmpdir(), 'lfe-mix-'));
  try {
    const pa = join(dir, 'a.wav');
    const pb = join(dir, 'b.wav');
    await writeFile(pa, encodeWav(a, SPEECH_SAMPLE_RATE));
    await writeFile(pb, encodeWav(b, SPEECH_SAMPLE_RATE));
    return wavTo16kMono(await runTool(soxBinary(), ['-m', '-v', '1', pa, '-v', '1', pb, '-t', 'wav', '-b', '16', '-']));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
