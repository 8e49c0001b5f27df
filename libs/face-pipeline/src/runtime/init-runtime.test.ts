import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError } from './errors';
import { initRuntime, runtimeReport } from './init-runtime';
import { trainingKernelsRegistered } from './wasm-kernels/register';

describe('initRuntime', () => {
  it('without a preference tries tensorflow first, then takes wasm here and registers our kernels', async () => {
    const r = await initRuntime({ env: {} });
    expect(r.attempts[0]?.backend).toBe('tensorflow');
    // tfjs-node(-gpu) cannot install on these machines; where it can, the tensorflow backend wins.
    expect(['tensorflow', 'wasm']).toContain(r.backend);
    if (r.backend === 'wasm') {
      expect(r.reason).toMatch(/first that started/);
      expect(r.attempts.filter((a) => a.backend === 'tensorflow').every((a) => !a.ok && a.detail.length > 0)).toBe(true);
      expect(r.trainingKernels?.kernels.map((k) => k.name)).toEqual(['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'BatchMatMul', '_FusedMatMul', 'UnsortedSegmentSum']);
      expect(trainingKernelsRegistered('wasm')).toBe(true);
    }
    expect(tf.getBackend()).toBe(r.backend);
    expect(runtimeReport()).toBe(r);
  });

  it('FACE_BACKEND forces a backend and says so', async () => {
    const r = await initRuntime({ env: { FACE_BACKEND: 'cpu' } });
    expect(r.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(r.reason).toMatch(/FACE_BACKEND/);
    expect(r.trainingKernels).toBeNull();
  });

  it('the option wins over the environment', async () => {
    const r = await initRuntime({ backend: 'wasm', env: { FACE_BACKEND: 'cpu' } });
    expect(r.backend).toBe('wasm');
    expect(r.reason).toMatch(/initRuntime option/);
  });

  it('a forced backend that cannot start is an error, not a silent fallback', async () => {
    let err: unknown;
    try {
      await initRuntime({ backend: 'tensorflow', env: {} });
    } catch (e) {
      err = e;
    }
    // Where tfjs-node is installed this starts; here it must fail with the reason named.
    if (err !== undefined) {
      expect(err).toBeInstanceOf(BackendUnavailableError);
      expect((err as Error).message).toMatch(/tfjs-node/);
      expect(tf.getBackend()).toBe('wasm'); // the previous backend is left in place
    }
  });

  it('rejects an unknown backend name with a TypeError naming the source', async () => {
    await expect(initRuntime({ env: { FACE_BACKEND: 'gpu' } })).rejects.toThrow(/FACE_BACKEND: backend must be one of tensorflow, wasm, cpu/);
  });
});
