import { findBackend, getKernel, registerKernel, unregisterKernel, type KernelFunc } from '@tensorflow/tfjs';
import { makeConv2DBackpropFilter } from './conv2d-backprop-filter';
import { makeConv2DBackpropInput } from './conv2d-backprop-input';
import type { KernelFunction } from './kernel-ops';
import { makeBatchMatMul, makeFusedMatMul } from './matmul';
import { makeUnsortedSegmentSum } from './unsorted-segment-sum';

type Factory = (backendName: string, stock: ReadonlyMap<string, KernelFunction>) => KernelFunction;

/** The training kernels we provide, and whether each adds a missing kernel or replaces a slow one. */
export const TRAINING_KERNELS: ReadonlyArray<{ name: string; kind: 'new' | 'replacement'; make: Factory }> = [
  { name: 'Conv2DBackpropFilter', kind: 'new', make: makeConv2DBackpropFilter },
  { name: 'Conv2DBackpropInput', kind: 'replacement', make: makeConv2DBackpropInput },
  { name: 'BatchMatMul', kind: 'replacement', make: makeBatchMatMul },
  { name: '_FusedMatMul', kind: 'replacement', make: makeFusedMatMul },
  { name: 'UnsortedSegmentSum', kind: 'new', make: makeUnsortedSegmentSum },
];

interface Registration {
  /** The backend's own kernels under the names we replace; ours call them, unregister restores them. */
  stock: Map<string, KernelFunction>;
}
const registrations = new Map<string, Registration>();

export interface KernelRegistrationReport {
  backend: string;
  kernels: Array<{ name: string; kind: 'new' | 'replacement' }>;
}

/**
 * Register our training kernels on `backendName` (normally 'wasm'). Idempotent. Returns what was
 * registered. The stock kernels are kept so `unregisterTrainingKernels` can restore them and so our
 * replacements can call them for the untransposed case.
 */
export function registerTrainingKernels(backendName = 'wasm'): KernelRegistrationReport {
  if (!registrations.has(backendName)) {
    // The stock kernels' setup functions run when the backend initialises; replacing them before
    // that would leave the wrapped stock kernels without their wasm bindings.
    if (findBackend(backendName) === null) {
      throw new Error(`registerTrainingKernels: initialise backend '${backendName}' first (await tf.setBackend)`);
    }
    const stock = new Map<string, KernelFunction>();
    for (const k of TRAINING_KERNELS) {
      const existing = getKernel(k.name, backendName);
      if (existing !== undefined) {
        stock.set(k.name, existing.kernelFunc);
        unregisterKernel(k.name, backendName);
      }
    }
    for (const k of TRAINING_KERNELS) {
      registerKernel({ kernelName: k.name, backendName, kernelFunc: k.make(backendName, stock) as unknown as KernelFunc });
    }
    registrations.set(backendName, { stock });
  }
  return { backend: backendName, kernels: TRAINING_KERNELS.map(({ name, kind }) => ({ name, kind })) };
}

/** Put the stock kernels back (benchmarks compare both). No-op when nothing is registered. */
export function unregisterTrainingKernels(backendName = 'wasm'): void {
  const reg = registrations.get(backendName);
  if (reg === undefined) return;
  for (const k of TRAINING_KERNELS) {
    unregisterKernel(k.name, backendName);
    const stockFn = reg.stock.get(k.name);
    if (stockFn !== undefined) registerKernel({ kernelName: k.name, backendName, kernelFunc: stockFn as unknown as KernelFunc });
  }
  registrations.delete(backendName);
}

/** Whether our training kernels are currently registered on `backendName`. */
export function trainingKernelsRegistered(backendName = 'wasm'): boolean {
  return registrations.has(backendName);
}
