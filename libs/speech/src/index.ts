/** Public API of @lfe/speech: offline voice commands on Debian pocketsphinx. */
export { BadAudioError, InvalidStateError, MissingPronunciationError, RecognizerStartError, ToolError, UnsupportedError } from './errors';
export type { RecognizedWord, SpeechRecognizer, SpeechRecognizerEvents, Utterance } from './recognizer/speech-recognizer';
export {
  PocketsphinxRecognizer,
  POCKETSPHINX_BIN_ENV,
  POCKETSPHINX_HMM_ENV,
  SPEECH_DIR_PREFIX,
  cleanStaleSpeechDirs,
  type PocketsphinxOptions,
} from './recognizer/pocketsphinx-recognizer';
export { createCommandRecognizer, type CommandRecognizerOptions } from './command-recognizer';
export { ProcessRecognizer, SPEECH_COMMAND_ENV, splitCommandLine, type ProcessRecognizerOptions } from './recognizer/process-recognizer';
export { PushToTalkGate } from './gating/push-to-talk-gate';
export { ScoreGate } from './gating/score-gate';
export { WakeWordGate } from './gating/wake-word-gate';
export { decodeWav, encodeWav, type DecodedAudio } from './audio/wav';
export { Resampler, resample } from './audio/resampler';
export { Pcm16Assembler } from './audio/pcm16-assembler';
export { SPEECH_SAMPLE_RATE, downmix, floatToInt16, int16ToBytes, int16ToFloat, wavTo16kMono } from './audio/pcm';
export { transcribePcm, transcribeWavFile } from './transcribe';
export {
  intentOf,
  loadVocabulary,
  recognizerResources,
  withWakeWord,
  type RecognizerResources,
  type SpeechVocabulary,
} from './vocabulary/vocabulary';
