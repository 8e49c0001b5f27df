import { describe, expect, it } from 'vitest';
import { LatestFrameScheduler } from './latest-frame-scheduler';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('LatestFrameScheduler', () => {
  it('runs the newest waiting item next and counts the ones it skipped', async () => {
    const started: number[] = [];
    const gates: Array<() => void> = [];
    const dropped: number[] = [];
    const s = new LatestFrameScheduler<number>(
      (n) => {
        started.push(n);
        const d = deferred();
        gates.push(d.resolve);
        return d.promise;
      },
      undefined,
      (n) => dropped.push(n),
    );
    for (let i = 1; i <= 5; i++) s.push(i);
    expect(started).toEqual([1]);
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
    expect(started).toEqual([1, 5]);
    expect(dropped).toEqual([2, 3, 4]);
    expect(s.dropped).toBe(3);
    gates.shift()?.();
    await s.idle();
    expect(s.toJSON()).toEqual({ dropped: 3, processed: 2, busy: false });
  });

  it('keeps going after a failing item and ignores pushes after close', async () => {
    const errors: unknown[] = [];
    const seen: number[] = [];
    const s = new LatestFrameScheduler<number>(
      (n) => {
        seen.push(n);
        return n === 1 ? Promise.reject(new Error('boom')) : Promise.resolve();
      },
      (e) => errors.push(e),
    );
    s.push(1);
    s.push(2);
    await s.idle();
    await new Promise((r) => setImmediate(r));
    await s.idle();
    expect(seen).toEqual([1, 2]);
    expect(errors).toHaveLength(1);
    s.close();
    s.push(3);
    await s.idle();
    expect(seen).toEqual([1, 2]);
  });
});
