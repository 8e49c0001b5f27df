import { parseCommand } from '@lfe/edit-language';
import { describe, expect, it } from 'vitest';
import { suggestedCommands } from './suggestions';

describe('suggestedCommands', () => {
  const all = suggestedCommands();

  it('offers English and Chinese commands, each distinct', () => {
    expect(all.some((s) => s.lang === 'en')).toBe(true);
    expect(all.some((s) => s.lang === 'zh')).toBe(true);
    expect(new Set(all.map((s) => s.text)).size).toBe(all.length);
  });

  it('every suggestion parses to at least one edit (what the server will accept)', () => {
    for (const s of all) {
      const parsed = parseCommand(s.text);
      expect(parsed.kind, s.text).toBe('edit');
      if (parsed.kind === 'edit') expect(parsed.edits.length, s.text).toBeGreaterThan(0);
    }
  });

  it('English suggestions have at least two words', () => {
    for (const s of all.filter((x) => x.lang === 'en')) expect(s.text.split(' ').length, s.text).toBeGreaterThanOrEqual(2);
  });

  it('includes "add glasses" (the E2E and the README use it)', () => {
    expect(all.map((s) => s.text)).toContain('add glasses');
  });
});
