import { wavTo16kMono } from '../audio/pcm';
import { espeakBinary, runTool } from './tools';

export interface EspeakVoice {
  /** espeak-ng voice name, optionally with a variant: `en-us`, `en-gb+f3`. */
  voice: string;
  /** Words per minute (espeak default 175). */
  speed: number;
  /** Pitch 0–99 (default 50). */
  pitch?: number;
}

/** Speaks `text` with espeak-ng; returns 16 kHz mono PCM (espeak's own leading/trailing silence kept). */
export async function speak(text: string, v: EspeakVoice): Promise<Int16Array> {
  if (typeof text !== 'string' || text.trim() === '') throw new TypeError('speak: text must be non-empty');
  const args = ['-v', v.voice, '-s', String(Math.round(v.speed)), '--stdout'];
  if (v.pitch !== undefined) args.push('-p', String(Math.round(v.pitch)));
  // `--` so that text starting with '-' is never read as an option.
  args.push('--', text);
  return wavTo16kMono(await runTool(espeakBinary(), args));
}
