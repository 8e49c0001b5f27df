import { describe, expect, it } from 'vitest';
import { AuthError, CapacityError, HttpError, MediaAccessError, UnreachableError } from '../protocol/errors';
import { applySuggestion, attributeName, commandErrorView, editLabel, noticeForError, statsRows, unknownWordIn } from './view-model';

describe('editLabel', () => {
  it('says what each kind of edit does', () => {
    expect(editLabel({ attribute: 'eyewear', op: 'set', level: 1, degree: 0.6, text: 'add glasses' })).toEqual({ what: 'eyewear: glasses', said: 'add glasses' });
    expect(editLabel({ attribute: 'hairLength', op: 'set', level: 2, degree: 0.6, text: 'long hair' }).what).toBe('hair length: long');
    expect(editLabel({ attribute: 'beard', op: 'set', level: 1, degree: 0.6, text: 'a beard' }).what).toBe('beard');
    expect(editLabel({ attribute: 'beard', op: 'remove', degree: 0.6, text: 'no beard' }).what).toBe('no beard');
    expect(editLabel({ attribute: 'eyewear', op: 'remove', degree: 0.6, text: 'no glasses' }).what).toBe('no eyewear');
    expect(editLabel({ attribute: 'eyeSize', op: 'increase', degree: 0.3, text: 'a bit bigger eyes' }).what).toBe('eye size: a bit more');
    expect(editLabel({ attribute: 'eyeSize', op: 'decrease', degree: 1, text: 'much smaller eyes' }).what).toBe('eye size: much less');
    expect(editLabel({ attribute: 'future', op: 'morph', degree: 1, text: 'x' }).what).toBe('future: morph');
  });

  it('splits camelCase attribute names', () => {
    expect(attributeName('curlyHair')).toBe('curly hair');
  });
});

describe('noticeForError', () => {
  it('has one clear message per failure class', () => {
    expect(noticeForError(new MediaAccessError('denied', 'x'), 'h').title).toBe('No camera access');
    expect(noticeForError(new MediaAccessError('denied', 'x'), 'h').detail).toMatch(/Allow/);
    expect(noticeForError(new AuthError('x'), 'h').title).toBe('Not authorised (401)');
    expect(noticeForError(new AuthError('x'), 'h').detail).toMatch(/\?token=/);
    expect(noticeForError(new CapacityError('x'), 'h').title).toBe('Server is full (503)');
    expect(noticeForError(new UnreachableError('x'), 'host:1').detail).toMatch(/host:1/);
    expect(noticeForError(new HttpError(400, 'publish: HTTP 400'), 'h').title).toBe('Server error (400)');
    expect(noticeForError('weird', 'h').detail).toBe('weird');
  });
});

describe('unknown words and suggestions', () => {
  it('finds the unknown word with the shared tokenizer', () => {
    expect(unknownWordIn('add glases')).toBe('glases');
    expect(unknownWordIn('add glasses')).toBeUndefined();
  });

  it('replaces the unknown word by the suggestion', () => {
    expect(applySuggestion('add glases please', 'glasses')).toBe('add glasses please');
    expect(applySuggestion('add glasses', 'hat')).toBe('add glasses');
  });

  it('shows distinct suggestions and the command that failed', () => {
    const v = commandErrorView({ type: 'error', code: 'unknown-word', message: 'unknown word "glases"', suggestions: ['glasses', 'glasses', 'close'], commandText: 'add glases' });
    expect(v).toEqual({ title: 'Unknown word', detail: '“add glases”: unknown word "glases"', suggestions: ['glasses', 'close'] });
    expect(commandErrorView({ type: 'error', code: 'new-code', message: 'm', suggestions: [] }).title).toBe('Error');
  });
});

describe('statsRows', () => {
  it('shows dashes before the first stats and numbers after', () => {
    expect(statsRows({})).toEqual([
      ['fps in / out', '–'],
      ['fps shown', '–'],
      ['latency p50 / p95', 'no stamp'],
      ['backend', '–'],
      ['dropped', '– server, – page'],
    ]);
    const rows = statsRows({
      server: { type: 'stats', fpsIn: 30, fpsOut: 29.5, dropped: 2, backend: 'wasm', effect: 'edit' },
      displayFps: 29.94,
      latency: { p50: 41.2, p95: 80.7, count: 100 },
      displayDropped: 1,
    });
    expect(Object.fromEntries(rows)).toEqual({
      'fps in / out': '30.0 / 29.5',
      'fps shown': '29.9',
      'latency p50 / p95': '41 / 81 ms',
      backend: 'wasm (edit)',
      dropped: '2 server, 1 page',
    });
  });
});
