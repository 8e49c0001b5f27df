import { parseCommand } from '@lfe/edit-language';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../errors';
import { EditState } from './edit-state';

function say(s: EditState, text: string): boolean {
  return s.apply(parseCommand(text), text);
}

describe('EditState', () => {
  it('adds edits from commands, keeping the words that asked for them', () => {
    const s = new EditState();
    expect(say(s, 'add glasses')).toBe(true);
    expect(say(s, 'long hair and big eyes')).toBe(true);
    const snap = s.snapshot();
    expect(snap.edits.map((e) => [e.attribute, e.op, e.text])).toEqual([
      ['eyewear', 'set', 'add glasses'],
      ['hairLength', 'set', 'long hair and big eyes'],
      ['eyeSize', 'set', 'long hair and big eyes'],
    ]);
    expect(snap.canUndo).toBe(true);
    expect(snap.canRedo).toBe(false);
  });

  it('replaces a set of the same attribute and stacks increases', () => {
    const s = new EditState();
    say(s, 'long hair');
    say(s, 'short hair');
    expect(s.snapshot().edits.map((e) => e.text)).toEqual(['short hair']);
    say(s, 'bigger eyes');
    say(s, 'a bit bigger eyes');
    expect(s.snapshot().edits.filter((e) => e.attribute === 'eyeSize')).toHaveLength(2);
  });

  it('undoes and redoes every kind of change, and a new change clears redo', () => {
    const s = new EditState();
    say(s, 'add glasses');
    s.setStrength(0.5);
    s.removeEdit(0);
    expect(s.snapshot()).toMatchObject({ edits: [], strength: 0.5 });
    expect(say(s, 'undo')).toBe(true);
    expect(s.snapshot().edits).toHaveLength(1);
    expect(s.undo()).toBe(true);
    expect(s.snapshot()).toMatchObject({ strength: 1, canRedo: true });
    expect(say(s, 'redo')).toBe(true);
    expect(s.snapshot().strength).toBe(0.5);
    say(s, 'add a hat');
    expect(s.snapshot().canRedo).toBe(false);
    expect(say(s, 'reset')).toBe(true);
    expect(s.snapshot().edits).toEqual([]);
    expect(s.reset()).toBe(false);
    expect(s.undo()).toBe(true);
    expect(s.snapshot().edits.length).toBe(2);
  });

  it('reports no change for undo/redo at the ends of history', () => {
    const s = new EditState();
    expect(s.undo()).toBe(false);
    expect(s.redo()).toBe(false);
    expect(s.setStrength(1)).toBe(false);
  });

  it('validates strength and remove-edit index with errors naming the field', () => {
    const s = new EditState();
    for (const v of [-0.1, 1.5, Number.NaN, Infinity]) expect(() => s.setStrength(v)).toThrow(/strength/);
    expect(() => s.removeEdit(0)).toThrow(BadInputError);
    say(s, 'add glasses');
    expect(() => s.removeEdit(1.5)).toThrow(/index/);
    expect(() => s.removeEdit(-1)).toThrow(/index/);
  });

  it('bounds the active edits and the history', () => {
    const s = new EditState(2, 3);
    say(s, 'add glasses');
    say(s, 'long hair');
    say(s, 'big eyes');
    expect(s.snapshot().edits.map((e) => e.text)).toEqual(['long hair', 'big eyes']);
    for (let i = 0; i < 10; i++) s.setStrength(i % 2 === 0 ? 0.5 : 0.6);
    let undos = 0;
    while (s.undo()) undos++;
    expect(undos).toBe(3);
  });
});
