import { UnsupportedError } from '../errors';
import { loadCmudict, trimmedDictionary } from './dictionary';
import { grammarWords, parseJsgf } from './jsgf';

/** What speech needs from the vocabulary (exported by @lfe/edit-language). */
export interface SpeechVocabulary {
  /** JSGF grammar of every spoken command. */
  grammar: string;
  /** English words the grammar uses. */
  words: readonly string[];
  /** Parses a command; throws on unknown words. */
  parse(text: string): unknown;
}

interface EditLanguageSpeechApi {
  speechGrammar(): string;
  speechWords(): readonly string[];
  parseCommand(text: string): unknown;
}

/** The vocabulary from @lfe/edit-language, generated at start (never a copy kept here). */
export async function loadVocabulary(): Promise<SpeechVocabulary> {
  // Loaded lazily and typed as optional: speech builds (and runs with an explicit grammar) before
  // edit-language exports its speech API.
  const api = (await import('@lfe/edit-language')) as unknown as Partial<EditLanguageSpeechApi>;
  const { speechGrammar, speechWords, parseCommand } = api;
  if (typeof speechGrammar !== 'function' || typeof speechWords !== 'function' || typeof parseCommand !== 'function') {
    throw new UnsupportedError('speech: @lfe/edit-language does not export speechGrammar/speechWords/parseCommand yet');
  }
  return { grammar: speechGrammar(), words: speechWords(), parse: (text) => parseCommand(text) };
}

/** True when @lfe/edit-language provides the speech API. */
export async function vocabularyAvailable(): Promise<boolean> {
  try {
    await loadVocabulary();
    return true;
  } catch (error) {
    if (error instanceof UnsupportedError) return false;
    throw error;
  }
}

/**
 * The meaning of a text as a canonical JSON string (same edit ⇔ same string), or undefined when
 * it does not parse. Used to score intent accuracy.
 */
export function intentOf(vocabulary: SpeechVocabulary, text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = vocabulary.parse(text);
  } catch {
    return undefined;
  }
  return canonicalJson(parsed);
}

function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Wraps a grammar so that every command may be preceded by the wake phrase. */
export function withWakeWord(grammar: string, wakePhrase: string): string {
  const g = parseJsgf(grammar);
  const words = wakePhrase.trim().toLowerCase().split(/\s+/);
  if (words.some((w) => !/^[a-z']+$/.test(w))) throw new TypeError('wake word: phrase must be plain English words');
  const body = grammar.replace(/\bpublic\s+</g, '<');
  const roots = g.publicRules.map((r) => `<${r}>`).join(' | ');
  return `${body.trimEnd()}\npublic <lfe_wake_utterance> = [${words.join(' ')}] (${roots});\n`;
}

export interface RecognizerResources {
  grammar: string;
  dictionary: string;
}

/**
 * Grammar and trimmed dictionary for the decoder: every word of the grammar (and of the vocabulary's
 * word list) must have a pronunciation, or `MissingPronunciationError` names the missing ones.
 */
export function recognizerResources(vocabulary: Pick<SpeechVocabulary, 'grammar' | 'words'>, options: { wakeWord?: string } = {}): RecognizerResources {
  const grammar = options.wakeWord === undefined ? vocabulary.grammar : withWakeWord(vocabulary.grammar, options.wakeWord);
  const words = new Set([...vocabulary.words.map((w) => w.toLowerCase()), ...grammarWords(parseJsgf(grammar))]);
  return { grammar, dictionary: trimmedDictionary(words, loadCmudict()) };
}
