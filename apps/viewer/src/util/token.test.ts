import { describe, expect, it } from 'vitest';
import { TOKEN_KEY, takeToken } from './token';

function store(initial: Record<string, string> = {}) {
  const m = new Map(Object.entries(initial));
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
}

describe('takeToken', () => {
  it('takes ?token= and stores it for the tab', () => {
    const s = store();
    expect(takeToken('?session=a&token=T1', s)).toEqual({ token: 'T1', search: '?session=a' });
    expect(s.m.get(TOKEN_KEY)).toBe('T1');
  });

  it('falls back to the stored token', () => {
    expect(takeToken('', store({ [TOKEN_KEY]: 'T2' }))).toEqual({ token: 'T2', search: '' });
    expect(takeToken('?token=', store())).toEqual({ token: undefined, search: '' });
  });

  it('works when storage throws (disabled storage)', () => {
    const broken = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
    };
    expect(takeToken('?token=T3', broken).token).toBe('T3');
    expect(takeToken('', broken).token).toBeUndefined();
  });
});
