import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { BackendUnavailableError } from './errors';
import { registerResizeBilinearGradFix } from './resize-bilinear-grad';
import { CONV_EPILOGUE_BACKENDS, registerConvEpilogueKernel } from './wasm-kernels/conv-epilogue';
import { registerTrainingKernels, type KernelRegistrationReport } from './wasm-kernels/register';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export interface RuntimeAttempt {
  backend: BackendName;
  /** Package tried for this backend, when there is one. */
  package?: string;
  ok: boolean;
  /** Why it was skipped or failed (one line), or how it was used. */
  detail: string;
}

export interface RuntimeReport {
  backend: BackendName;
  /** One sentence: why this backend was chosen. */
  reason: string;
  attempts: RuntimeAttempt[];
  /** Training kernels we registered (wasm only). */
  trainingKernels: KernelRegistrationReport | null;
  tfjsVersion: string;
}

export interface InitRuntimeOptions {
  /** Force a backend. Default: `FACE_BACKEND` env, else the first that works of tensorflow, wasm, cpu. */
  backend?: BackendName;
  /** Register our wasm training kernels (default true). */
  trainingKernels?: boolean;
  /** Environment to read `FACE_BACKEND` from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

const require = createRequire(import.meta.url);
let current: RuntimeReport | null = null;

function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]?.slice(0, 200) ?? '';
}

/** tfjs-node(-gpu) register the 'tensorflow' backend on import; the GPU build is tried first. */
function tryTensorflowPackages(attempts: RuntimeAttempt[]): boolean {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require(pkg);
      attempts.push({ backend: 'tensorflow', package: pkg, ok: true, detail: `loaded ${pkg}` });
      return true;
    } catch (e) {
      const missing = (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && firstLine(e).includes(pkg);
      attempts.push({
        backend: 'tensorflow',
        package: pkg,
        ok: false,
        detail: missing ? `${pkg} is not installed (optional; its install downloads libtensorflow)` : `${pkg} failed to load: ${firstLine(e)}`,
      });
    }
  }
  return false;
}

async function trySetBackend(name: BackendName, attempts: RuntimeAttempt[]): Promise<boolean> {
  try {
    if (name === 'wasm') require('@tensorflow/tfjs-backend-wasm');
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    const detail = ok ? `initialised ${name}` : `tf.setBackend('${name}') returned false`;
    if (name !== 'tensorflow' || !ok) attempts.push({ backend: name, ok, detail });
    return ok;
  } catch (e) {
    attempts.push({ backend: name, ok: false, detail: `failed to initialise: ${firstLine(e)}` });
    return false;
  }
}

function parseBackend(v: string, source: string): BackendName {
  if ((BACKEND_ORDER as readonly string[]).includes(v)) return v as BackendName;
  throw new TypeError(`${source}: backend must be one of ${BACKEND_ORDER.join(', ')}, got "${v}"`);
}

/**
 * Choose and initialise the tfjs backend. Order unless told: tensorflow (tfjs-node-gpu, then
 * tfjs-node), wasm, cpu. A forced backend that cannot start is an error, not a silent fallback.
 * Calling again with the same request returns the current report.
 */
export async function initRuntime(options: InitRuntimeOptions = {}): Promise<RuntimeReport> {
  const env = options.env ?? process.env;
  const fromEnv = env['FACE_BACKEND'];
  const forced =
    options.backend !== undefined
      ? parseBackend(options.backend, 'initRuntime')
      : fromEnv !== undefined && fromEnv !== ''
        ? parseBackend(fromEnv, 'FACE_BACKEND')
        : undefined;
  const wantKernels = options.trainingKernels ?? true;
  if (current !== null && (forced === undefined || forced === current.backend)) {
    if (wantKernels && current.backend === 'wasm' && current.trainingKernels === null) {
      current.trainingKernels = registerTrainingKernels('wasm');
    }
    return current;
  }

  const attempts: RuntimeAttempt[] = [];
  const order = forced !== undefined ? [forced] : BACKEND_ORDER;
  let chosen: BackendName | undefined;
  for (const name of order) {
    if (name === 'tensorflow' && !tryTensorflowPackages(attempts)) continue;
    if (await trySetBackend(name, attempts)) {
      chosen = name;
      break;
    }
  }
  if (chosen === undefined) {
    const why = attempts.map((a) => `${a.package ?? a.backend}: ${a.detail}`).join('; ');
    throw new BackendUnavailableError(
      forced !== undefined ? `backend '${forced}' was requested but cannot start: ${why}` : `no tfjs backend could start: ${why}`,
    );
  }
  const skipped = attempts.filter((a) => !a.ok).map((a) => a.package ?? a.backend);
  const reason =
    forced !== undefined
      ? `${chosen} was requested (${options.backend !== undefined ? 'initRuntime option' : 'FACE_BACKEND'})`
      : skipped.length === 0
        ? `${chosen} is the first choice and it started`
        : `${chosen} is the first that started; unavailable: ${skipped.join(', ')}`;
  const trainingKernels = chosen === 'wasm' && wantKernels ? registerTrainingKernels('wasm') : null;
  // A core (backend-independent) gradient bug: fix it whatever the backend.
  registerResizeBilinearGradFix();
  // The generator's fused conv epilogue (a forward kernel for wasm and cpu, registered on both so a
  // test that switches to cpu has it too; other backends use the stock ops).
  for (const name of CONV_EPILOGUE_BACKENDS) registerConvEpilogueKernel(name);
  current = { backend: chosen, reason, attempts, trainingKernels, tfjsVersion: tf.version.tfjs };
  return current;
}

/** The report of the last successful `initRuntime`, or null before it ran. */
export function runtimeReport(): RuntimeReport | null {
  return current;
}
