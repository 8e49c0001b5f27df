import { REAL_WORLD_LEVELS, spokenCommands } from '@lfe/edit-language';
import { parseServerMessage } from '@lfe/protocol';
import { describe, expect, it } from 'vitest';
import { canDo, levelsKey, spokenCommandsFor, supportedLevels } from './model-filter';
import { suggestedCommands } from './suggestions';

describe('what the server\'s model can do (state.model)', () => {
  const real = supportedLevels({ name: 'real', supported: [...REAL_WORLD_LEVELS] });

  it('no model, or a model without a supported list, can do everything', () => {
    expect(supportedLevels(undefined)).toBeUndefined();
    expect(supportedLevels({ name: 'synthetic' })).toBeUndefined();
    expect(canDo('red hair', undefined)).toBe(true);
    expect(canDo('add goggles', undefined)).toBe(false); // not a command at all
  });

  it('the real model: red hair and thin eyebrows are out, glasses, sunglasses, eye size and hair length in; control words always', () => {
    expect(canDo('red hair', real)).toBe(false);
    expect(canDo('thin eyebrows', real)).toBe(false);
    for (const t of ['add glasses', 'add sunglasses', 'long hair and big eyes', 'a bit bigger eyes', '大眼睛长头发', 'undo']) expect(canDo(t, real), t).toBe(true);
  });

  it('"What can I say?" lists only spoken commands the model can do', () => {
    const all = spokenCommands().map((c) => c.text);
    const shown = spokenCommandsFor(real).map((c) => c.text);
    expect(spokenCommandsFor(undefined).map((c) => c.text)).toEqual(all);
    expect(all).toContain('red hair');
    expect(shown).not.toContain('red hair');
    expect(shown).toContain('long hair');
    expect(shown).toContain('undo');
    for (const t of shown) expect(canDo(t, real), t).toBe(true);
    expect(shown.length).toBeLessThan(all.length);
  });

  it('the chips list only what the model can do, from the levels the server sent', () => {
    const m = parseServerMessage(JSON.stringify({ type: 'state', edits: [], strength: 1, canUndo: false, canRedo: false, model: { name: 'tiny', supported: ['eyewear=none', 'eyewear=glasses'] } }));
    const levels = supportedLevels(m.type === 'state' ? m.model : undefined);
    const chips = suggestedCommands(levels).map((s) => s.text);
    expect(chips).toContain('add glasses');
    expect(chips).toContain('no glasses');
    expect(chips).not.toContain('a bit bigger eyes');
    expect(chips.length).toBeLessThan(suggestedCommands().length);
    for (const t of suggestedCommands(real).map((s) => s.text)) expect(canDo(t, real), t).toBe(true);
  });

  it('levelsKey changes only with the set', () => {
    expect(levelsKey(undefined)).toBe('*');
    expect(levelsKey(new Set(['b=1', 'a=1']))).toBe(levelsKey(new Set(['a=1', 'b=1'])));
    expect(levelsKey(real)).not.toBe(levelsKey(undefined));
  });
});
