import { parseCommand, speechGrammar, speechWords, type ParsedCommand } from '@lfe/edit-language';
import { loadCmudict, trimmedDictionary } from './dictionary';
import { grammarWords, parseJsgf } from '@lfe/edit-language/jsgf';

/** What speech needs from the vocabulary (exported by @lfe/edit-language). */
export interface SpeechVocabulary {
  /** JSGF grammar of every spoken command. */
  grammar: string;
  /** English words the grammar uses. */
  words: readonly string[];
  /** Parses a command; throws on unknown words. */
  parse(text: string): unknown;
}

/** The vocabulary of @lfe/edit-language, generated now (never a copy kept here). */
export function loadVocabulary(): Promise<SpeechVocabulary> {
  return Promise.resolve({ grammar: speechGrammar(), words: speechWords(), parse: (text: string) => parseCommand(text) });
}

/**
 * What a command does, as a canonical JSON string (same action or same edits ⇔ same string), or
 * undefined when the text does not parse. The tokens are left out: "glasses" and "eyeglasses", or
 * "very" and "really", say the same edit. Used to score intent accuracy.
 */
export function intentOf(vocabulary: Pick<SpeechVocabulary, 'parse'>, text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = vocabulary.parse(text);
  } catch {
    return undefined;
  }
  return canonicalJson(meaningOf(parsed));
}

function meaningOf(parsed: unknown): unknown {
  if (parsed === null || typeof parsed !== 'object' || !('kind' in parsed)) return parsed;
  const p = parsed as ParsedCommand;
  if (p.kind === 'control') return { kind: p.kind, action: p.action };
  return { kind: p.kind, edits: p.edits, identity: p.identity };
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
