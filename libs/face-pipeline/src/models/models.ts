/**
 * Which model the product runs: one place that maps a model name to its folders under the repo's
 * `models/` and to the edits its world can do. Node only (paths, `fs`), no tfjs: the server's
 * config and every CLI with a model option read it before anything is loaded.
 *
 * To make the real-face model the product's default, change `DEFAULT_MODEL` below (and nothing else).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REAL_WORLD_LEVELS, checkSupported, parseCommand, type ParsedCommand } from '@lfe/edit-language';

/** `synthetic`: face-synth's world (models/default, exact ground truth); `real`: the real-face model (models/real). */
export type ModelName = 'synthetic' | 'real';
export const MODEL_NAMES: readonly ModelName[] = ['synthetic', 'real'];

/** The model the server and the CLIs use when neither `--model` nor `LFE_MODEL` says otherwise. */
export const DEFAULT_MODEL: ModelName = 'real';

/** The environment variable that picks the model where no `--model` flag is given. */
export const MODEL_ENV = 'LFE_MODEL';

/** The repo's `models/` folder (absolute, whatever the working directory). */
export const MODELS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../models');

/** Folder of each model under `models/`. */
const FOLDER: Readonly<Record<ModelName, string>> = { synthetic: 'default', real: 'real' };

/** How to get a model's folders when they are missing (said in the error). */
const HOW_TO_MAKE: Readonly<Record<ModelName, string>> = {
  synthetic: 'it is committed with the repository: restore it with `git checkout -- models/default`',
  real: 'make it with `bash scripts/real-editor.sh` (it writes models/real/{generator,captioner,editor})',
};

export type ModelPart = 'editor' | 'generator' | 'captioner';

export interface ModelFolders {
  readonly name: ModelName;
  /** `models/default` or `models/real`. */
  readonly root: string;
  readonly editor: string;
  readonly generator: string;
  readonly captioner: string;
  /** `framing.json` of the model (the live crop's framing), when it has one (read beside the generator's folder). */
  readonly framing?: string;
  /**
   * The `attribute=level` edits the model's world can do (edit-language's keys), or undefined when
   * it can do every level of the vocabulary (the synthetic world renders them all).
   */
  readonly levels: ReadonlySet<string> | undefined;
}

/** A `--model` / `LFE_MODEL` value that names no model. */
export class UnknownModelError extends RangeError {
  override readonly name = 'UnknownModelError';
}

/** A folder the chosen model needs is not there; the message names it and how to make it. */
export class MissingModelError extends Error {
  override readonly name = 'MissingModelError';
  constructor(
    readonly model: ModelName,
    readonly path: string,
  ) {
    super(`model "${model}": ${path} is missing; ${HOW_TO_MAKE[model]}`);
  }
}

/** `synthetic` | `real` → itself; anything else is an UnknownModelError naming the choices. */
export function parseModelName(value: string, where = '--model'): ModelName {
  if ((MODEL_NAMES as readonly string[]).includes(value)) return value as ModelName;
  throw new UnknownModelError(`${where}: must be ${MODEL_NAMES.join(' or ')} (got ${JSON.stringify(value)})`);
}

/** The model asked for: the flag, else `LFE_MODEL` (when set and not empty), else DEFAULT_MODEL. */
export function selectModel(flag: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): ModelName {
  if (flag !== undefined) return parseModelName(flag, '--model');
  const fromEnv = env[MODEL_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return parseModelName(fromEnv, MODEL_ENV);
  return DEFAULT_MODEL;
}

/** What a model's world can do (`undefined`: everything). */
export function modelLevels(name: ModelName): ReadonlySet<string> | undefined {
  return name === 'real' ? REAL_WORLD_LEVELS : undefined;
}

/** A model's folders under `root` (default: the repo's `models/`); nothing is checked. */
export function modelFolders(name: ModelName, root: string = MODELS_ROOT): ModelFolders {
  const dir = join(root, FOLDER[name]);
  const framing = join(dir, 'framing.json');
  return {
    name,
    root: dir,
    editor: join(dir, 'editor'),
    generator: join(dir, 'generator'),
    captioner: join(dir, 'captioner'),
    ...(existsSync(framing) ? { framing } : {}),
    levels: modelLevels(name),
  };
}

export interface ResolveModelOptions {
  /** Folders given explicitly (`--editor`, `--generator`, `--captioner`): they win and are not checked here (their loader says what is wrong). */
  editor?: string | undefined;
  generator?: string | undefined;
  captioner?: string | undefined;
  /** The parts this caller will load (default editor and generator); only the model's own folders among them are checked. */
  need?: readonly ModelPart[];
  /** The `models/` folder (tests). */
  root?: string;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The folders to load for model `name`, explicit ones overriding the model's. Throws
 * MissingModelError when a needed folder of the model itself does not exist, naming the path and
 * how to make it (the real model: `bash scripts/real-editor.sh`).
 */
export function resolveModel(name: ModelName, o: ResolveModelOptions = {}): ModelFolders {
  const m = modelFolders(name, o.root);
  const chosen = { editor: o.editor ?? m.editor, generator: o.generator ?? m.generator, captioner: o.captioner ?? m.captioner };
  for (const part of o.need ?? (['editor', 'generator'] as const)) {
    if (o[part] !== undefined) continue;
    if (!isDir(chosen[part])) throw new MissingModelError(name, chosen[part]);
  }
  return { ...m, ...chosen };
}

/**
 * Parse a command for a model whose world can do `levels` (undefined: everything): edit-language's
 * `parseCommand`, then `checkSupported` for edits, so a command outside the world is an
 * `UnsupportedEditError` (a `CommandError` naming what the model can do), never a silent no-op.
 */
export function parseForModel(text: string, levels: ReadonlySet<string> | undefined): ParsedCommand {
  const parsed = parseCommand(text);
  if (levels !== undefined && parsed.kind === 'edit') checkSupported(parsed.edits, levels);
  return parsed;
}
