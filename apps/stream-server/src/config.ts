import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BadInputError } from './errors';
import { DEFAULT_MODEL, MODEL_ENV, UnknownModelError, selectModel, type LiveComposite, type ModelName } from '@lfe/face-pipeline';
import { splitCommandLine } from '@lfe/speech';
import type { LogLevel } from './util/log';

export const HELP = `stream-server — live face editing over WebRTC (WHIP in, WHEP/ws out)

Usage: npx nx run stream-server:serve -- [options]

  --port N              listen port (default 8080, env PORT)
  --host ADDR           listen address (default 127.0.0.1; 0.0.0.0 for OBS on another machine)
  --token T             bearer token (env LFE_TOKEN; generated and printed when unset)
  --require-token       require the token on loopback too (always required elsewhere)
  --effect none|edit    edit (default): the face editor with the bundled model; none: frames pass
                        through unchanged (the latency baseline)
  --model NAME          which model edits: synthetic (models/default, face-synth's world) or real
                        (models/real, real faces; it can do CelebA's labels + eye size + hair length
                        and refuses other edits, e.g. "red hair", with an error to the client)
                        (default ${DEFAULT_MODEL}; env ${MODEL_ENV})
  --editor DIR          editor bundle (default the model's editor/; overrides --model's)
  --generator DIR       generator it was trained for (default the model's generator/)
  --fusion NAME         fusion variant of the bundle (residual | patent; default: the bundle's)
  --detect-every N      run the face detector every N frames, track landmarks between (default 5)
  --schedule S          async (default): no frame waits for the model: it runs in its own (lower
                        priority) thread on the newest face crop and every frame gets the newest
                        generated face pasted at its own tracked position; inline: a frame waits for
                        invert → fuse → generate every --model-every N frames (env LFE_SCHEDULE)
  --model-every N       inline schedule: run the model every N frames (default 2; 1 = every frame)
  --composite MODE      delta (default): add only what the edit changes to the camera's own face;
                        replace: paste the regenerated face itself (the method's paste-back);
                        local-replace: the regenerated face only where the edited attributes live,
                        the camera's own face elsewhere (shows more of an edit, keeps less identity
                        there; env LFE_COMPOSITE)
  --no-localize         delta: add the change everywhere under the face mask, not only where the
                        edited attributes live (eyes for glasses, mouth for a smile, …)
  --refine-edit N       edit refinement: per person and command, N captioner-guided steps, one per
                        model job, on top of the fused edit (live edit accuracy 22-28 % -> 57-60 %,
                        identity kept -5 points; default 10, 0 = off; env LFE_REFINE_EDIT)
  --captioner DIR       captioner for --refine-edit (default the model's captioner/)
  --max-sessions N      concurrent publishers (default 4); more get 503 (with Retry-After)
  --max-viewers N       WHEP viewers over all sessions (default 32) --max-viewers-per-session N (default 8)
  --allow-host NAMES    more Host names to answer to, comma-separated (default: on loopback only
                        127.0.0.1 / localhost / [::1] at the port, against DNS rebinding; the
                        bound address otherwise; any name when bound to 0.0.0.0)
  --allow-origin LIST   more page origins that may call the server (CORS, WebSocket), comma-
                        separated, e.g. https://studio.example; * for any (default: its own origin)
  --ice-server URLS     STUN/TURN servers for the peers, comma-separated stun:/turn:/turns: URLs
                        (env LFE_ICE_SERVERS; default none: no traffic to anyone but the client)
  --ice-credential U:P  TURN username:credential (env LFE_ICE_CREDENTIAL)
  --ice-allow-private   send ICE checks to loopback/private candidate addresses also when bound to
                        a public address (always allowed on loopback / private binds; private
                        only on 0.0.0.0)
  --voice / --no-voice  voice commands via pocketsphinx (default: on when it is installed)
  --speech-command CMD  listen with another recogniser instead of pocketsphinx (e.g. a Mandarin
                        model): a program that reads 16 kHz mono s16le PCM on stdin and writes a
                        line per utterance (JSON {"text": …} or plain text); quoted like a shell
                        command line, no expansion (env LFE_SPEECH_COMMAND)
  --width W --height H  processing size (default 640x480) --fps N (default 30)
  --viewer-dist DIR     static viewer files (default apps/viewer/dist)
  --v4l2 /dev/videoN    also write one session's processed video to a v4l2loopback device
  --v4l2-session ID     the session for --v4l2 (publish with ?session=ID); required with --v4l2
  --log-level L         debug|info|warn|error (default info; logs are JSON lines on stderr)
  --config FILE         JSON object of these options without the dashes, e.g.
                        {"port": 8080, "schedule": "async", "no-voice": true} (env LFE_CONFIG);
                        precedence: flags, then environment, then the file, then the defaults
  --help
`;

export interface ServeConfig {
  port: number;
  host: string;
  token: string | undefined;
  requireToken: boolean;
  effect: 'none' | 'edit';
  /** `--model` / LFE_MODEL: whose folders and whose world (what it can be asked for). */
  model: ModelName;
  editorDir: string | undefined;
  generatorDir: string | undefined;
  fusion: string | undefined;
  detectEvery: number;
  modelEvery: number;
  schedule: 'inline' | 'async';
  composite: LiveComposite;
  localize: boolean;
  refineEdit: number;
  captionerDir: string | undefined;
  maxSessions: number;
  maxViewers: number;
  maxViewersPerSession: number;
  allowHosts: string[];
  allowOrigins: string[];
  iceServers: Array<{ urls: string; username?: string; credential?: string }>;
  iceAllowPrivate: boolean;
  voice: boolean | undefined;
  /** argv of an external recogniser (`--speech-command`), or undefined for pocketsphinx. */
  speechCommand: string[] | undefined;
  width: number;
  height: number;
  fps: number;
  viewerDist: string;
  v4l2: { target: string; session: string } | undefined;
  logLevel: LogLevel;
  help: boolean;
}

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_VIEWER_DIST = resolve(here, '../../viewer/dist');

function int(name: string, v: string | undefined, def: number, min: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new BadInputError(`--${name}: must be an integer in [${min}, ${max}] (got ${v})`);
  return n;
}

/** Flags over env over defaults. Throws BadInputError naming the flag. */
/** Options whose environment variable wins over the config file. */
const ENV_OF: Record<string, string> = { model: MODEL_ENV, 'ice-server': 'LFE_ICE_SERVERS', 'ice-credential': 'LFE_ICE_CREDENTIAL', port: 'PORT', token: 'LFE_TOKEN', effect: 'LFE_EFFECT', schedule: 'LFE_SCHEDULE', composite: 'LFE_COMPOSITE', 'refine-edit': 'LFE_REFINE_EDIT', 'log-level': 'LFE_LOG_LEVEL', 'speech-command': 'LFE_SPEECH_COMMAND' };

/**
 * The options of a `--config` JSON file as flag values: strings for string options (numbers are
 * accepted and stringified), booleans for switches. Unknown keys and wrong types are refused.
 */
function readConfigFile(path: string, options: Record<string, { type: 'string' | 'boolean' }>): Record<string, string | boolean> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInputError(`--config: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BadInputError(`--config: ${path} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new BadInputError(`--config: ${path} must hold a JSON object of options`);
  const out: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(data)) {
    const opt = options[k];
    if (opt === undefined || k === 'config' || k === 'help') {
      throw new BadInputError(`--config: unknown option "${k}" in ${path} (known: ${Object.keys(options).filter((o) => o !== 'config' && o !== 'help').join(', ')})`);
    }
    if (opt.type === 'boolean') {
      if (typeof v !== 'boolean') throw new BadInputError(`--config: "${k}" must be true or false in ${path}`);
      out[k] = v;
    } else {
      if (typeof v !== 'string' && typeof v !== 'number') throw new BadInputError(`--config: "${k}" must be a string or a number in ${path}`);
      out[k] = String(v);
    }
  }
  return out;
}

export function parseServeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const options = {
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'require-token': { type: 'boolean' },
    effect: { type: 'string' },
    model: { type: 'string' },
    editor: { type: 'string' },
    generator: { type: 'string' },
    fusion: { type: 'string' },
    'detect-every': { type: 'string' },
    'model-every': { type: 'string' },
    schedule: { type: 'string' },
    composite: { type: 'string' },
    'no-localize': { type: 'boolean' },
    'refine-edit': { type: 'string' },
    captioner: { type: 'string' },
    'max-sessions': { type: 'string' },
    'max-viewers': { type: 'string' },
    'max-viewers-per-session': { type: 'string' },
    'allow-host': { type: 'string' },
    'allow-origin': { type: 'string' },
    'ice-server': { type: 'string' },
    'ice-credential': { type: 'string' },
    'ice-allow-private': { type: 'boolean' },
    voice: { type: 'boolean' },
    'no-voice': { type: 'boolean' },
    'speech-command': { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    fps: { type: 'string' },
    'viewer-dist': { type: 'string' },
    v4l2: { type: 'string' },
    'v4l2-session': { type: 'string' },
    'log-level': { type: 'string' },
    config: { type: 'string' },
    help: { type: 'boolean' },
  } as const;
  const { values: flags } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options });
  const values: typeof flags = { ...flags };
  const file = flags.config ?? (env['LFE_CONFIG'] !== undefined && env['LFE_CONFIG'] !== '' ? env['LFE_CONFIG'] : undefined);
  if (file !== undefined) {
    for (const [k, v] of Object.entries(readConfigFile(file, options))) {
      const envName = ENV_OF[k];
      if ((values as Record<string, unknown>)[k] !== undefined) continue; // a flag wins
      if (envName !== undefined && env[envName] !== undefined && env[envName] !== '') continue; // then the environment
      (values as Record<string, unknown>)[k] = v;
    }
  }
  const effect = values.effect ?? env['LFE_EFFECT'] ?? 'edit';
  if (effect !== 'none' && effect !== 'edit') throw new BadInputError(`--effect: must be none or edit (got ${effect})`);
  let model: ModelName;
  try {
    model = selectModel(values.model, env);
  } catch (err) {
    if (err instanceof UnknownModelError) throw new BadInputError(err.message);
    throw err;
  }
  const composite = values.composite ?? env['LFE_COMPOSITE'] ?? 'delta';
  if (composite !== 'delta' && composite !== 'replace' && composite !== 'local-replace') throw new BadInputError(`--composite: must be delta, replace or local-replace (got ${composite})`);
  const schedule = values.schedule ?? env['LFE_SCHEDULE'] ?? 'async';
  if (schedule !== 'inline' && schedule !== 'async') throw new BadInputError(`--schedule: must be inline or async (got ${schedule})`);
  const logLevel = values['log-level'] ?? env['LFE_LOG_LEVEL'] ?? 'info';
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new BadInputError(`--log-level: must be debug, info, warn or error`);
  const width = int('width', values.width, 640, 64, 1920);
  const height = int('height', values.height, 480, 64, 1080);
  if (width % 2 !== 0 || height % 2 !== 0) throw new BadInputError('--width/--height: must be even (yuv420p)');
  const v4l2Target = values.v4l2;
  const v4l2Session = values['v4l2-session'];
  if ((v4l2Target === undefined) !== (v4l2Session === undefined)) throw new BadInputError('--v4l2 and --v4l2-session: give both or neither');
  if (v4l2Target !== undefined && v4l2Target.trim() === '') throw new BadInputError('--v4l2: must name a device such as /dev/video10');
  if (v4l2Session !== undefined && !/^[a-z0-9-]{1,40}$/.test(v4l2Session)) throw new BadInputError('--v4l2-session: must match [a-z0-9-]{1,40}');
  const list = (v: string | undefined): string[] => (v ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');
  const iceUrls = list(values['ice-server'] ?? env['LFE_ICE_SERVERS']);
  for (const u of iceUrls) if (!/^(stun|turns?):[^\s]+$/.test(u)) throw new BadInputError(`--ice-server: "${u}" is not a stun:, turn: or turns: URL`);
  const cred = values['ice-credential'] ?? env['LFE_ICE_CREDENTIAL'];
  if (cred !== undefined && cred !== '' && !cred.includes(':')) throw new BadInputError('--ice-credential: must be username:credential');
  const [iceUser, ...iceRest] = (cred ?? '').split(':');
  const iceServers = iceUrls.map((urls) => (urls.startsWith('turn') && cred ? { urls, username: iceUser!, credential: iceRest.join(':') } : { urls }));
  const speechLine = values['speech-command'] ?? env['LFE_SPEECH_COMMAND'];
  let speechCommand: string[] | undefined;
  if (speechLine !== undefined && speechLine.trim() !== '') {
    try {
      speechCommand = splitCommandLine(speechLine);
    } catch (err) {
      throw new BadInputError(`--speech-command: ${(err as Error).message}`);
    }
  }
  const allowOrigins = list(values['allow-origin']);
  for (const o of allowOrigins) if (o !== '*' && !/^https?:\/\/[^/\s]+\/?$/.test(o)) throw new BadInputError(`--allow-origin: "${o}" is not an origin such as https://studio.example (or *)`);
  return {
    port: int('port', values.port ?? env['PORT'], 8080, 0, 65535),
    host: values.host ?? '127.0.0.1',
    token: values.token ?? (env['LFE_TOKEN'] !== undefined && env['LFE_TOKEN'] !== '' ? env['LFE_TOKEN'] : undefined),
    requireToken: values['require-token'] === true,
    effect,
    model,
    editorDir: values.editor,
    generatorDir: values.generator,
    fusion: values.fusion,
    detectEvery: int('detect-every', values['detect-every'], 5, 1, 120),
    modelEvery: int('model-every', values['model-every'], 2, 1, 30),
    schedule,
    composite,
    localize: values['no-localize'] !== true,
    refineEdit: int('refine-edit', values['refine-edit'] ?? env['LFE_REFINE_EDIT'], 10, 0, 200),
    captionerDir: values.captioner,
    maxSessions: int('max-sessions', values['max-sessions'], 4, 1, 64),
    maxViewers: int('max-viewers', values['max-viewers'], 32, 0, 1024),
    maxViewersPerSession: int('max-viewers-per-session', values['max-viewers-per-session'], 8, 0, 256),
    allowHosts: list(values['allow-host']),
    allowOrigins,
    iceServers,
    iceAllowPrivate: values['ice-allow-private'] === true,
    voice: values['no-voice'] === true ? false : values.voice === true ? true : undefined,
    speechCommand,
    width,
    height,
    fps: int('fps', values.fps, 30, 1, 60),
    viewerDist: values['viewer-dist'] ?? DEFAULT_VIEWER_DIST,
    v4l2: v4l2Target !== undefined && v4l2Session !== undefined ? { target: v4l2Target, session: v4l2Session } : undefined,
    logLevel: logLevel as LogLevel,
    help: values.help === true,
  };
}
