import type * as tf from '@tensorflow/tfjs';
import { loadCheckpoint, saveCheckpoint, type NamedArray, type ParamStore, type Provenance } from '@lfe/face-pipeline';
import { restoreAdamState, saveAdamState, takePrefix } from './adam-state';

/**
 * What a trainer's resumable state is made of: parameter sets saved under `name/…` and Adam
 * optimizers saved under their own names (moments and running β products, for a bit-exact resume).
 */
export interface TrainerStateParts {
  kind: string;
  params: Readonly<Record<string, ParamStore>>;
  optimizers: Readonly<Record<string, tf.AdamOptimizer>>;
  /** Names (of params or optimizers) a checkpoint may lack: they keep their fresh values on restore. */
  optional?: readonly string[];
}

/** Save parameters, optimizer state, the step count and any `extra` arrays as one checkpoint folder. */
export async function saveTrainerState(
  dir: string,
  parts: TrainerStateParts,
  opts: { config: object; step: number; provenance: Omit<Provenance, 'steps'>; extra?: ReadonlyMap<string, NamedArray> },
): Promise<void> {
  const tensors = new Map<string, NamedArray>();
  for (const [name, store] of Object.entries(parts.params)) {
    for (const [k, v] of store.toArrays()) tensors.set(`${name}/${k}`, v);
  }
  for (const [name, opt] of Object.entries(parts.optimizers)) await saveAdamState(opt, name, tensors);
  for (const [k, v] of opts.extra ?? []) tensors.set(k, v);
  saveCheckpoint(dir, {
    architecture: { kind: parts.kind, config: { ...opts.config } as Record<string, unknown> },
    tensors,
    provenance: { ...opts.provenance, steps: opts.step } as Provenance,
  });
}

/**
 * Load what `saveTrainerState` wrote into freshly constructed parameters and optimizers.
 * `mismatch(savedConfig)` names what differs from this run's configuration (e.g. "model"), or
 * returns null; a mismatch is a clear error before anything is loaded. Returns the step count and
 * all arrays (for a trainer's own extras).
 */
export async function restoreTrainerState(
  dir: string,
  parts: TrainerStateParts,
  mismatch: (savedConfig: Record<string, unknown>) => string | null,
): Promise<{ step: number; tensors: ReadonlyMap<string, NamedArray> }> {
  const { manifest, tensors } = loadCheckpoint(dir, { kind: parts.kind });
  const differs = mismatch(manifest.architecture.config);
  if (differs !== null) throw new TypeError(`resume: the checkpoint's ${differs} config differs from this run's (${dir})`);
  const present = (name: string): boolean => !(parts.optional ?? []).includes(name) || [...tensors.keys()].some((k) => k.startsWith(`${name}/`));
  for (const [name, store] of Object.entries(parts.params)) if (present(name)) store.fromArrays(takePrefix(tensors, name));
  for (const [name, opt] of Object.entries(parts.optimizers)) if (present(name)) await restoreAdamState(opt, name, tensors, dir);
  return { step: manifest.provenance.steps, tensors };
}

/** `mismatch` helper: the first of `keys` whose saved value differs from `current`'s, or null. */
export function differingKey(saved: Record<string, unknown>, current: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const k of keys) if (JSON.stringify(saved[k]) !== JSON.stringify(current[k])) return k;
  return null;
}
