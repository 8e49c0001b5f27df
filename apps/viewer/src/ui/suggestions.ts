/**
 * Suggested commands, written by @lfe/edit-language's own realiser from the attribute schema, so
 * they always match what the server parses (a test parses every one back), and only those the
 * server's model can do (`levels`, from `state.model`).
 */
import {
  EDITABLE_ATTRIBUTES,
  IDENTITY_TRAIT_NAMES,
  canonicalEdit,
  editCommandFor,
  seededRandom,
  valueOfLevel,
  type EditableAttributeName,
  type FaceDescription,
  type Lang,
} from '@lfe/edit-language';
import { canDo } from './model-filter';

export interface Suggestion {
  readonly text: string;
  readonly lang: Lang;
}

/** The edits people try first; one suggestion each. */
const PICKS: ReadonlyArray<readonly [EditableAttributeName, string]> = [
  ['eyewear', 'glasses'],
  ['hairLength', 'long'],
  ['eyeSize', 'big'],
  ['expression', 'smile'],
  ['hairColor', 'blond'],
  ['beard', 'beard'],
  ['hat', 'hat'],
];

function neutralFace(): FaceDescription {
  const attributes = Object.fromEntries(EDITABLE_ATTRIBUTES.map((a) => [a.name, valueOfLevel(a.name, a.defaultLevel)])) as FaceDescription['attributes'];
  const identity = Object.fromEntries(IDENTITY_TRAIT_NAMES.map((n) => [n, 0])) as FaceDescription['identity'];
  return { attributes, identity };
}

/**
 * The shortest phrasing the realiser produces over a few seeds (drops fillers like "please"), but
 * in English at least two words: a bare "long" parses, yet does not teach what can be said.
 */
function shortest(face: FaceDescription, attribute: EditableAttributeName, level: number, lang: Lang): string {
  let best: string | undefined;
  let fallback: string | undefined;
  for (let seed = 1; seed <= 12; seed++) {
    const text = editCommandFor(face, [canonicalEdit({ attribute, op: 'set', level, degree: 0.6 })], seededRandom(seed), lang);
    if (fallback === undefined || text.length < fallback.length) fallback = text;
    if (lang === 'en' && text.split(' ').length < 2) continue;
    if (best === undefined || text.length < best.length) best = text;
  }
  return (best ?? fallback) as string;
}

/** The suggestions; with `levels` (the model's `attribute=level` edits) only those it can do. */
export function suggestedCommands(levels?: ReadonlySet<string>): Suggestion[] {
  const face = neutralFace();
  const out: Suggestion[] = [];
  for (const lang of ['en', 'zh'] as const) {
    const picks = lang === 'en' ? PICKS : PICKS.slice(0, 4);
    for (const [attribute, levelName] of picks) {
      const spec = EDITABLE_ATTRIBUTES.find((a) => a.name === attribute);
      const level = spec?.levels.indexOf(levelName) ?? -1;
      if (level < 0) continue;
      out.push({ text: shortest(face, attribute, level, lang), lang });
    }
  }
  out.push({ text: 'a bit bigger eyes', lang: 'en' }, { text: 'no glasses', lang: 'en' }, { text: '大眼睛长头发', lang: 'zh' });
  return levels === undefined ? out : out.filter((s) => canDo(s.text, levels));
}
