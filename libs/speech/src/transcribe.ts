import { readFile } from 'node:fs/promises';
import { SPEECH_SAMPLE_RATE, wavTo16kMono } from './audio/pcm';
import { BadAudioError } from './errors';
import { createCommandRecognizer, type CommandRecognizerOptions } from './command-recognizer';
import type { Utterance } from './recognizer/speech-recognizer';

/** Recognises a whole 16 kHz mono signal (one decoder, started and ended here). */
export async function transcribePcm(pcm: Int16Array, sampleRate: number, options: CommandRecognizerOptions = {}): Promise<Utterance[]> {
  if (sampleRate !== SPEECH_SAMPLE_RATE) {
    throw new BadAudioError(`transcribe: sample rate must be ${SPEECH_SAMPLE_RATE} Hz, got ${sampleRate} (use wavTo16kMono)`);
  }
  if (pcm.length === 0) throw new BadAudioError('transcribe: empty audio');
  const r = await createCommandRecognizer(options);
  const out: Utterance[] = [];
  r.on('utterance', (u) => out.push(u));
  try {
    for (let i = 0; i < pcm.length; i += 8000) r.write(pcm.subarray(i, i + 8000));
    await r.end();
  } finally {
    await r.close();
  }
  return out;
}

/** Any WAV file → its utterances. Throws `BadAudioError` for non-audio or empty files. */
export async function transcribeWavFile(path: string, options: CommandRecognizerOptions = {}): Promise<Utterance[]> {
  return transcribePcm(wavTo16kMono(await readFile(path)), SPEECH_SAMPLE_RATE, options);
}
