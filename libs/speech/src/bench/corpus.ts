import { activeRange, rmsDbfs, SPEECH_SAMPLE_RATE } from '../audio/pcm';
import { speak, type EspeakVoice } from '../synth/espeak';
import { soxMix, soxNoise, type NoiseColour } from '../synth/noise';

export interface SpokenUtterance {
  text: string;
  voice: EspeakVoice;
  /** Clean speech, normalised to `SPEECH_LEVEL_DBFS` active RMS. */
  pcm: Int16Array;
}

export interface StreamUtterance {
  index: number;
  /** Sample offsets in the stream of the active speech. */
  speechStart: number;
  speechEnd: number;
}

export interface BenchStream {
  pcm: Int16Array;
  utterances: StreamUtterance[];
}

export interface NoiseCondition {
  name: string;
  colour: NoiseColour;
  levelDbfs: number;
}

/** Every utterance is normalised to this active-speech RMS, so one noise level is one SNR. */
export const SPEECH_LEVEL_DBFS = -20;

export async function speakAll(texts: readonly string[], voices: readonly EspeakVoice[]): Promise<SpokenUtterance[]> {
  const out: SpokenUtterance[] = [];
  for (let i = 0; i < texts.length; i++) {
    const voice = voices[i % voices.length]!;
    const raw = await speak(texts[i]!, voice);
    const r = activeRange(raw, SPEECH_SAMPLE_RATE) ?? { start: 0, end: raw.length };
    const gain = 10 ** ((SPEECH_LEVEL_DBFS - rmsDbfs(raw, r.start, r.end)) / 20);
    const pcm = new Int16Array(raw.length);
    for (let k = 0; k < raw.length; k++) pcm[k] = Math.max(-32768, Math.min(32767, Math.round((raw[k] ?? 0) * gain)));
    out.push({ text: texts[i]!, voice, pcm });
  }
  return out;
}

/** Splits utterances round-robin into `count` streams: 1 s gap, utterance, 1 s gap, … */
export function buildStreams(spoken: readonly SpokenUtterance[], count: number, gapMs = 1000): BenchStream[] {
  const gap = Math.round((gapMs * SPEECH_SAMPLE_RATE) / 1000);
  const streams: BenchStream[] = [];
  for (let s = 0; s < count; s++) {
    const items = spoken.map((u, i) => ({ u, i })).filter(({ i }) => i % count === s);
    const total = gap + items.reduce((n, { u }) => n + u.pcm.length + gap, 0);
    const pcm = new Int16Array(total);
    const utterances: StreamUtterance[] = [];
    let o = gap;
    for (const { u, i } of items) {
      pcm.set(u.pcm, o);
      const r = activeRange(u.pcm, SPEECH_SAMPLE_RATE) ?? { start: 0, end: u.pcm.length };
      utterances.push({ index: i, speechStart: o + r.start, speechEnd: o + r.end });
      o += u.pcm.length + gap;
    }
    streams.push({ pcm, utterances });
  }
  return streams;
}

/** The stream with sox noise mixed in. */
export async function withNoise(stream: BenchStream, c: NoiseCondition): Promise<BenchStream> {
  const noise = await soxNoise(stream.pcm.length / SPEECH_SAMPLE_RATE + 0.1, c.colour, c.levelDbfs);
  const mixed = await soxMix(stream.pcm, noise.subarray(0, stream.pcm.length));
  return { pcm: mixed.subarray(0, stream.pcm.length), utterances: stream.utterances };
}
