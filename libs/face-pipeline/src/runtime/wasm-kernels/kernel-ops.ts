import { getKernel, type KernelBackend, type NamedAttrMap, type NamedTensorInfoMap, type TensorInfo } from '@tensorflow/tfjs';

/**
 * Runs backend kernels directly on `TensorInfo`s from inside another kernel and frees every
 * intermediate it made. Calling kernels (not tf ops) keeps nested work off the engine's tape and
 * out of the caller's tidy scope, and lets a replacement kernel call the stock kernel it replaced.
 */
export class KernelOps {
  readonly #backend: KernelBackend;
  readonly #backendName: string;
  readonly #stock: ReadonlyMap<string, KernelFunction>;
  #temps: TensorInfo[] = [];

  constructor(backend: KernelBackend, backendName: string, stock: ReadonlyMap<string, KernelFunction>) {
    this.#backend = backend;
    this.#backendName = backendName;
    this.#stock = stock;
  }

  /** Run kernel `name` (the stock one if we replaced it) and track its output for disposal. */
  run(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap = {}): TensorInfo {
    const fn = this.#stock.get(name) ?? getKernel(name, this.#backendName)?.kernelFunc;
    if (fn === undefined) throw new Error(`kernel ${name} is not registered for ${this.#backendName}`);
    const out = fn({ inputs, attrs, backend: this.#backend });
    if (Array.isArray(out)) throw new Error(`kernel ${name} returned several outputs; KernelOps expects one`);
    this.#temps.push(out);
    return out;
  }

  /** Hand `info` to the caller: it is no longer freed by `dispose()`. */
  keep(info: TensorInfo): TensorInfo {
    const i = this.#temps.indexOf(info);
    if (i >= 0) this.#temps.splice(i, 1);
    return info;
  }

  /** Free every intermediate not kept. Safe to call more than once. */
  dispose(): void {
    for (const t of this.#temps) this.#backend.disposeData(t.dataId);
    this.#temps = [];
  }
}

/** A kernel implementation as tfjs calls it. */
export type KernelFunction = (args: {
  inputs: NamedTensorInfoMap;
  attrs?: NamedAttrMap;
  backend: KernelBackend;
}) => TensorInfo | TensorInfo[];

/** Run `body` with a fresh `KernelOps`, keep what it returns, free the rest even on a throw. */
export function withOps(
  backend: KernelBackend,
  backendName: string,
  stock: ReadonlyMap<string, KernelFunction>,
  body: (ops: KernelOps) => TensorInfo,
): TensorInfo {
  const ops = new KernelOps(backend, backendName, stock);
  try {
    return ops.keep(body(ops));
  } finally {
    ops.dispose();
  }
}
