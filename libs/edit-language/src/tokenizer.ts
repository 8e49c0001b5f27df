/**
 * Text → tokens, for both languages and mixed text. English: lower-case words (NFKC-folded, so
 * full-width letters work). Chinese: greedy longest match over the Chinese dictionary. Punctuation
 * folds onto "," (clause end), "." (sentence end) and 、 (enumeration, like "and"). Every token it
 * returns is in `VOCABULARY`; anything else throws `UnknownWordError` with suggestions.
 */
import { closestWords } from './edit-distance';
import { InputTooLongError, InvalidCommandError, UnknownWordError } from './errors';
import { EN_PHRASES, EN_WORDS, ZH_MAX_WORD_LENGTH, ZH_WORDS } from './lexicon';

/** Longest text (UTF-16 code units, as `String.length`) a command may have. */
export const MAX_COMMAND_LENGTH = 500;

const PUNCT: Readonly<Record<string, string>> = {
  ',': ',', ';': ',', ':': ',', '，': ',', '；': ',', '：': ',',
  '.': '.', '!': '.', '?': '.', '。': '.', '！': '.', '？': '.', '…': '.',
  '、': '、',
};

const HAN = /\p{Script=Han}/u;
const WORD_CHAR = /[\p{L}\p{N}\p{M}'’]/u;
const IGNORED = /[\s\p{Cc}\p{Cf}\p{Pd}\p{Ps}\p{Pe}\p{Pi}\p{Pf}"]/u;

/** Rejects what is not a string or is too long, before any other work (so 10,000 characters cost nothing). */
export function checkCommandText(text: unknown): string {
  if (typeof text !== 'string') throw new InvalidCommandError('command: text must be a string');
  if (text.length > MAX_COMMAND_LENGTH) throw new InputTooLongError(text.length, MAX_COMMAND_LENGTH);
  return text;
}

export function tokenize(text: string): string[] {
  const chars = [...checkCommandText(text).normalize('NFKC').toLowerCase()];
  const tokens: string[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i] as string;
    const punct = PUNCT[c];
    if (punct !== undefined) {
      if (tokens[tokens.length - 1] !== punct) tokens.push(punct); // "!!!" and "..." are one mark
      i++;
    } else if (HAN.test(c)) {
      let j = i;
      while (j < chars.length && HAN.test(chars[j] as string)) j++;
      segmentChinese(chars.slice(i, j), tokens);
      i = j;
    } else if (WORD_CHAR.test(c)) {
      let j = i;
      while (j < chars.length && WORD_CHAR.test(chars[j] as string) && !HAN.test(chars[j] as string)) j++;
      const word = chars.slice(i, j).join('');
      if (!EN_WORDS.has(word)) throw new UnknownWordError(word, closestWords(word, [...EN_WORDS, ...EN_PHRASES.keys()]));
      tokens.push(word);
      i = j;
    } else if (IGNORED.test(c) || c === '-') {
      i++;
    } else {
      throw new UnknownWordError(c, []);
    }
  }
  return tokens;
}

/** Greedy longest match; an unmatched run (up to where some word matches again) is the unknown word. */
function segmentChinese(run: readonly string[], out: string[]): void {
  const matchAt = (i: number): string | undefined => {
    for (let n = Math.min(ZH_MAX_WORD_LENGTH, run.length - i); n > 0; n--) {
      const w = run.slice(i, i + n).join('');
      if (ZH_WORDS.has(w)) return w;
    }
    return undefined;
  };
  let i = 0;
  while (i < run.length) {
    const w = matchAt(i);
    if (w !== undefined) {
      out.push(w);
      i += [...w].length;
      continue;
    }
    let j = i + 1;
    while (j < run.length && matchAt(j) === undefined) j++;
    throw unknownChinese(run.slice(i, j).join(''), i > 0 ? out[out.length - 1] : undefined);
  }
}

/**
 * A typo often hides behind a real word (眼境 reads as 眼 + 境), so the unknown run is also tried
 * together with the word before it. One character alone is "close" to every other character, so
 * it gets no suggestions of its own.
 */
function unknownChinese(unknown: string, previous: string | undefined): UnknownWordError {
  const candidates = [...ZH_WORDS.keys()];
  if (previous !== undefined) {
    const joined = previous + unknown;
    const near = closestWords(joined, candidates.filter((w) => [...w].length > 1));
    if (near.length > 0) return new UnknownWordError(joined, near);
  }
  return new UnknownWordError(unknown, [...unknown].length > 1 ? closestWords(unknown, candidates) : []);
}

/** Tokens back to readable text: English words spaced, Chinese joined, punctuation attached. */
export function joinTokens(tokens: readonly string[]): string {
  let out = '';
  let prev: 'none' | 'en' | 'zh' | 'punct' = 'none';
  let lastWord: 'en' | 'zh' = 'en';
  for (const t of tokens) {
    if (t === ',' || t === '.' || t === '、') {
      out += t;
      prev = 'punct';
      continue;
    }
    const kind = HAN.test(t) ? 'zh' : 'en';
    const space = prev === 'en' || (prev === 'zh' && kind === 'en') || (prev === 'punct' && (kind === 'en' || lastWord === 'en'));
    if (space) out += ' ';
    out += t;
    prev = kind;
    lastWord = kind;
  }
  return out;
}
