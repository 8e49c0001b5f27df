import { PocketsphinxRecognizer, type PocketsphinxOptions } from './recognizer/pocketsphinx-recognizer';
import { loadVocabulary, recognizerResources, type SpeechVocabulary } from './vocabulary/vocabulary';

export interface CommandRecognizerOptions extends Omit<PocketsphinxOptions, 'grammar' | 'dictionary'> {
  /** Default: the vocabulary of @lfe/edit-language. */
  vocabulary?: Pick<SpeechVocabulary, 'grammar' | 'words'>;
  /** Accept an optional wake phrase before each command (pair with `WakeWordGate`). */
  wakeWord?: string;
}

/** The default recogniser: pocketsphinx with the command grammar and dictionary generated now. */
export async function createCommandRecognizer(options: CommandRecognizerOptions = {}): Promise<PocketsphinxRecognizer> {
  const { vocabulary, wakeWord, ...rest } = options;
  const res = recognizerResources(vocabulary ?? (await loadVocabulary()), wakeWord === undefined ? {} : { wakeWord });
  return PocketsphinxRecognizer.start({ ...rest, ...res });
}
