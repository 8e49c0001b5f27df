import { readFileSync } from 'node:fs';
import { MissingPronunciationError } from '../errors';

export const CMUDICT_ENV = 'LFE_POCKETSPHINX_DICT';
const DEFAULT_CMUDICT = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';

/** word → its pronunciations (phone strings); variants `word(2)` fold into `word`. */
export type PronunciationDictionary = ReadonlyMap<string, readonly string[]>;

export function parseDictionary(text: string): Map<string, string[]> {
  const dict = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^(\S+?)(?:\(\d+\))?\s+(.+?)\s*$/.exec(line);
    if (m === null || line.startsWith(';;;')) continue;
    const word = (m[1] ?? '').toLowerCase();
    const phones = (m[2] ?? '').replace(/#.*$/, '').trim();
    if (phones === '') continue;
    const list = dict.get(word);
    if (list === undefined) dict.set(word, [phones]);
    else if (!list.includes(phones)) list.push(phones);
  }
  return dict;
}

let cached: { path: string; dict: Map<string, string[]> } | undefined;

/** The full CMU dictionary shipped with pocketsphinx-en-us (path overridable by env), parsed once. */
export function loadCmudict(path = process.env[CMUDICT_ENV] ?? DEFAULT_CMUDICT): PronunciationDictionary {
  if (cached?.path !== path) cached = { path, dict: parseDictionary(readFileSync(path, 'utf8')) };
  return cached.dict;
}

/**
 * The dictionary text pocketsphinx needs for `words`: every pronunciation variant of each word in
 * `source`, then those `extra` adds (accent variants), and nothing else (a small dictionary loads in
 * milliseconds). Throws `MissingPronunciationError` listing every word without one.
 */
export function trimmedDictionary(words: Iterable<string>, source: PronunciationDictionary, extra?: PronunciationDictionary): string {
  const lines: string[] = [];
  const missing: string[] = [];
  for (const w of [...new Set([...words].map((x) => x.toLowerCase()))].sort()) {
    const prons = [...new Set([...(source.get(w) ?? []), ...(extra?.get(w) ?? [])])];
    if (prons.length === 0) {
      missing.push(w);
      continue;
    }
    prons.forEach((p, i) => lines.push(`${i === 0 ? w : `${w}(${i + 1})`} ${p}`));
  }
  if (missing.length > 0) throw new MissingPronunciationError(missing);
  return `${lines.join('\n')}\n`;
}
