import type { Lang } from '@lfe/edit-language';

/**
 * Which kind of caption the decoder writes. Training captions mix full descriptions (every
 * non-default attribute) and partial ones (a random subset, with defaults and absences), in English
 * and Chinese; without being told which, greedy decoding would write an average of the four. The
 * style is a learned embedding fed to the LSTM at every step, so `full`/`en` asks for a complete
 * English description and the joint training can score a command as a `partial` caption.
 */
export interface CaptionStyle {
  mode: 'full' | 'partial';
  lang: Lang;
}

export const CAPTION_STYLES: readonly CaptionStyle[] = [
  { mode: 'full', lang: 'en' },
  { mode: 'full', lang: 'zh' },
  { mode: 'partial', lang: 'en' },
  { mode: 'partial', lang: 'zh' },
];

export function styleIndex(s: CaptionStyle): number {
  if ((s.mode !== 'full' && s.mode !== 'partial') || (s.lang !== 'en' && s.lang !== 'zh')) {
    throw new TypeError(`captioner: style must be {mode: 'full'|'partial', lang: 'en'|'zh'}, got ${JSON.stringify(s)}`);
  }
  return (s.mode === 'full' ? 0 : 2) + (s.lang === 'en' ? 0 : 1);
}

const HAN = /\p{Script=Han}/u;

/** 'zh' when any token is Chinese, else 'en' (punctuation and specials say nothing). */
export function languageOf(tokens: readonly string[]): Lang {
  return tokens.some((t) => HAN.test(t)) ? 'zh' : 'en';
}
