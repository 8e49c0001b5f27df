import { describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from './log';

const capture = (): { lines: string[]; write: (l: string) => void } => {
  const lines: string[] = [];
  return { lines, write: (l) => void lines.push(l) };
};

describe('createLogger (pino)', () => {
  it('writes one JSON object per line: level name, ISO time, base fields, msg, fields', () => {
    const c = capture();
    const log = createLogger({ app: 'test' }, { level: 'info', write: c.write });
    log.info('listening', { url: 'http://127.0.0.1:1', n: 2 });
    expect(c.lines).toHaveLength(1);
    expect(c.lines[0]!.endsWith('\n')).toBe(true);
    expect(c.lines[0]!.trimEnd().includes('\n')).toBe(false);
    const rec = JSON.parse(c.lines[0]!) as Record<string, unknown>;
    expect(rec).toMatchObject({ level: 'info', app: 'test', msg: 'listening', url: 'http://127.0.0.1:1', n: 2 });
    expect(new Date(rec['time'] as string).toISOString()).toBe(rec['time']);
    expect(Object.keys(rec).sort()).toEqual(['app', 'level', 'msg', 'n', 'time', 'url']);
  });

  it('filters by level; child loggers add their fields and keep the level', () => {
    const c = capture();
    const log = createLogger({ app: 'a' }, { level: 'warn', write: c.write });
    log.debug('d');
    log.info('i');
    log.warn('w');
    const child = log.child({ session: 's1' });
    child.info('ci');
    child.error('ce', { code: 7 });
    const recs = c.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs.map((r) => [r['level'], r['msg']])).toEqual([
      ['warn', 'w'],
      ['error', 'ce'],
    ]);
    expect(recs[1]).toMatchObject({ app: 'a', session: 's1', code: 7 });
  });

  it('logs an Error field as { name, message } without the stack', () => {
    const c = capture();
    createLogger({}, { level: 'debug', write: c.write }).error('failed', { err: new RangeError('boom') });
    const rec = JSON.parse(c.lines[0]!) as Record<string, unknown>;
    expect(rec['err']).toEqual({ name: 'RangeError', message: 'boom' });
  });

  it('silent writes nothing, and a failing sink does not throw', () => {
    const c = capture();
    const log = createLogger({}, { level: 'silent', write: c.write });
    log.error('x');
    expect(c.lines).toEqual([]);
    silentLogger.error('nothing');
    const broken = createLogger({}, {
      level: 'info',
      write: () => {
        throw new Error('EPIPE');
      },
    });
    expect(() => broken.info('still fine')).not.toThrow();
  });
});
