import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gflops, table, time } from './timing';

describe('bench timing helpers', () => {
  it('times real work, reads results, and disposes what it made', async () => {
    await tf.setBackend('cpu');
    const before = tf.memory().numTensors;
    const small = await time(() => tf.matMul(tf.ones([8, 8]), tf.ones([8, 8])), { warmup: 0, runs: 3 });
    const big = await time(() => tf.matMul(tf.ones([160, 160]), tf.ones([160, 160])), { warmup: 0, runs: 3 });
    expect(tf.memory().numTensors).toBe(before);
    expect(small.runs).toBe(3);
    expect(small.minMs).toBeGreaterThan(0);
    expect(small.minMs).toBeLessThanOrEqual(small.medianMs);
    // 8000× the arithmetic must not time as faster: the timer measures the work, not a constant.
    expect(big.medianMs).toBeGreaterThan(small.medianMs);
  });

  it('converts flop and ms to GFLOP/s', () => {
    expect(gflops(2e9, 1000)).toBeCloseTo(2);
  });

  it('aligns table columns and shows missing values as a dash', () => {
    const t = table(['a', 'bb'], [
      ['x', 1.234],
      ['yyy', null],
    ]).split('\n');
    expect(t).toHaveLength(4);
    expect(new Set(t.map((l) => l.length)).size).toBe(1);
    expect(t[3]).toContain('—');
  });
});
