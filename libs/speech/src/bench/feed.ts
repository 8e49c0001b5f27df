import { SPEECH_SAMPLE_RATE } from '../audio/pcm';
import type { SpeechRecognizer, Utterance } from '../recognizer/speech-recognizer';

export interface FedResult {
  utterances: { u: Utterance; arrivedMs: number }[];
  /** Wall time (clock ms) at which each chunk was written; chunk k holds samples [k·chunk, (k+1)·chunk). */
  chunkWallMs: number[];
  chunkSamples: number;
  wallMs: number;
}

/** Fast feeding waits while this much audio is queued for the decoder (its own hang guard is 30 s). */
const MAX_BUFFERED_SAMPLES = 5 * SPEECH_SAMPLE_RATE;

/**
 * Feeds a signal to a recogniser in real time (20 ms chunks on a drift-corrected schedule), or as
 * fast as the recogniser takes it when `realtime` is false, then ends it and collects every utterance.
 */
export async function feed(r: SpeechRecognizer, pcm: Int16Array, realtime: boolean, clock: () => number = () => performance.now()): Promise<FedResult> {
  const chunkSamples = SPEECH_SAMPLE_RATE / 50;
  const utterances: FedResult['utterances'] = [];
  r.on('utterance', (u) => utterances.push({ u, arrivedMs: clock() }));
  const chunkWallMs: number[] = [];
  const t0 = clock();
  for (let k = 0; k * chunkSamples < pcm.length; k++) {
    if (realtime) {
      const due = t0 + (k * chunkSamples * 1000) / SPEECH_SAMPLE_RATE;
      const wait = due - clock();
      if (wait > 1) await new Promise((res) => setTimeout(res, wait));
    } else {
      while ((r.bufferedSamples ?? 0) > MAX_BUFFERED_SAMPLES) await new Promise((res) => setTimeout(res, 5));
    }
    chunkWallMs.push(clock());
    r.write(pcm.subarray(k * chunkSamples, (k + 1) * chunkSamples));
  }
  await r.end();
  return { utterances, chunkWallMs, chunkSamples, wallMs: clock() - t0 };
}
