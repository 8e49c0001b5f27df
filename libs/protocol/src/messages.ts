/**
 * The WebSocket / data-channel messages of docs/protocol.md: one definition for the server and the
 * page. Both parsers treat their input as untrusted: they parse into fresh objects, copy only the
 * protocol's fields and throw a `ProtocolError` naming the field.
 */
import { type ErrorCode, ProtocolError } from './errors';

/** Largest ws / data channel message either side accepts (bytes of UTF-8 JSON); the server answers larger ones with an error and drops them. */
export const MAX_MESSAGE_BYTES = 4096;
/** Longest command text the server parses (edit-language's `MAX_COMMAND_LENGTH`). */
export const MAX_COMMAND_CHARS = 500;

export type MicMode = 'off' | 'push-to-talk' | 'wake-word';
export const MIC_MODES: readonly MicMode[] = ['off', 'push-to-talk', 'wake-word'];

// ---- client → server ----

export type ClientMessage =
  | { type: 'command'; text: string; id?: string }
  | { type: 'strength'; value: number; id?: string }
  | { type: 'remove-edit'; index: number; id?: string }
  | { type: 'mic'; mode: MicMode; id?: string }
  | { type: 'ptt'; down: boolean; id?: string };

// ---- server → client, as the server sends them ----

/** An active edit as the protocol shows it: edit-language's `Edit` plus the words that asked for it. */
export interface ActiveEdit {
  readonly attribute: string;
  readonly op: string;
  readonly level?: number;
  readonly degree: number;
  readonly text: string;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
}

/** Largest `model.supported` list either side accepts. */
export const MAX_MODEL_LEVELS = 256;

/**
 * The model that edits the session's video, as `state` tells the page: its name (`synthetic`,
 * `real`) and, when its world is limited, the edits it can do as edit-language's `attribute=level`
 * keys (`hairColor=blond`, `eyeSize=big`); no `supported` means every edit of the vocabulary.
 */
export interface ModelInfo {
  readonly name: string;
  readonly supported?: readonly string[];
}

export interface StateMessage {
  readonly type: 'state';
  readonly edits: readonly ActiveEdit[];
  readonly strength: number;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** The server's model (absent: a server without one, `--effect none`, or an older server). */
  readonly model?: ModelInfo;
}

export interface AckMessage {
  readonly type: 'ack';
  readonly id: string;
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly id?: string;
  readonly code: ErrorCode;
  readonly message: string;
  readonly suggestions?: readonly string[];
}

export interface TranscriptMessage {
  readonly type: 'transcript';
  readonly text: string;
  readonly final: boolean;
  readonly latencyMs: number;
}

export interface StatsMessage {
  readonly type: 'stats';
  readonly fpsIn: number;
  readonly fpsOut: number;
  readonly procMs: Percentiles;
  readonly dropped: number;
  readonly backend: string;
  readonly effect: string;
  /** Server-side frame-in → RTP-out (compressed frame arrival to packets written), ms. */
  readonly pipelineMs: Percentiles;
}

export type ServerMessage = StateMessage | AckMessage | ErrorMessage | TranscriptMessage | StatsMessage;

// ---- server → client, as `parseServerMessage` returns them ----
// The reader is lenient where a server of another version may differ: an error code it does not
// know yet, and optional measurements; `suggestions` is always there (empty when none were sent).

export interface ParsedErrorMessage extends Omit<ErrorMessage, 'code' | 'suggestions'> {
  /** One of `ErrorCode`, or a code a newer server added. */
  readonly code: string;
  readonly suggestions: readonly string[];
}

export interface ParsedTranscriptMessage extends Omit<TranscriptMessage, 'latencyMs'> {
  readonly latencyMs?: number;
}

export interface ParsedStatsMessage extends Omit<StatsMessage, 'procMs' | 'pipelineMs'> {
  readonly procMs?: Percentiles;
  readonly pipelineMs?: Percentiles;
}

export type ParsedServerMessage = StateMessage | AckMessage | ParsedErrorMessage | ParsedTranscriptMessage | ParsedStatsMessage;

// ---- parsing and encoding ----

/** Bytes of `s` in UTF-8 (a lone surrogate counts as U+FFFD, 3 bytes), without encoding it. */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

// `ignoreBOM` keeps a leading BOM in the text (as Node's `Buffer#toString` does), so JSON.parse refuses it.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * Parse and validate one client message (the server's side). Untrusted input: the raw bytes are
 * size-checked, parsed into a fresh object, and only the protocol's fields are copied out. Throws
 * `ProtocolError` naming the field; the caller replies with `code: "bad-message"` and keeps the
 * socket open.
 */
export function parseClientMessage(raw: string | Uint8Array): ClientMessage {
  const size = typeof raw === 'string' ? utf8Length(raw) : raw.length;
  if (size > MAX_MESSAGE_BYTES) throw new ProtocolError(`message: ${size} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : utf8.decode(raw));
  } catch {
    throw new ProtocolError('message: not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ProtocolError('message: must be a JSON object');
  const o = value as Record<string, unknown>;
  const id = o['id'];
  if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > 64)) {
    throw new ProtocolError('message.id: must be a string of 1–64 characters');
  }
  const withId = <T extends object>(m: T): T & { id?: string } => (id === undefined ? m : { ...m, id });
  switch (o['type']) {
    case 'command': {
      const text = o['text'];
      if (typeof text !== 'string') throw new ProtocolError('command.text: must be a string');
      return withId({ type: 'command', text });
    }
    case 'strength': {
      const v = o['value'];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw new ProtocolError('strength.value: must be a number in [0, 1]');
      return withId({ type: 'strength', value: v });
    }
    case 'remove-edit': {
      const index = o['index'];
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) throw new ProtocolError('remove-edit.index: must be a non-negative integer');
      return withId({ type: 'remove-edit', index });
    }
    case 'mic': {
      const mode = o['mode'];
      if (typeof mode !== 'string' || !(MIC_MODES as readonly string[]).includes(mode)) {
        throw new ProtocolError(`mic.mode: must be one of ${MIC_MODES.join(', ')}`);
      }
      return withId({ type: 'mic', mode: mode as MicMode });
    }
    case 'ptt': {
      const down = o['down'];
      if (typeof down !== 'boolean') throw new ProtocolError('ptt.down: must be true or false');
      return withId({ type: 'ptt', down });
    }
    default:
      throw new ProtocolError(`message.type: unknown type ${JSON.stringify(o['type'] ?? null).slice(0, 40)}`);
  }
}

type Obj = Record<string, unknown>;

function str(o: Obj, key: string, where: string, max = 4096): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ProtocolError(`${where}.${key}: must be a string`);
  return v.length > max ? v.slice(0, max) : v;
}

function num(o: Obj, key: string, where: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ProtocolError(`${where}.${key}: must be a finite number`);
  return v;
}

function bool(o: Obj, key: string, where: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw new ProtocolError(`${where}.${key}: must be true or false`);
  return v;
}

function obj(v: unknown, where: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ProtocolError(`${where}: must be an object`);
  return v as Obj;
}

function percentiles(v: unknown, where: string): Percentiles | undefined {
  if (v === undefined || v === null) return undefined;
  const o = obj(v, where);
  return { p50: num(o, 'p50', where), p95: num(o, 'p95', where) };
}

function edit(v: unknown, where: string): ActiveEdit {
  const o = obj(v, where);
  const level = o['level'];
  if (level !== undefined && (typeof level !== 'number' || !Number.isFinite(level))) throw new ProtocolError(`${where}.level: must be a number`);
  const base = { attribute: str(o, 'attribute', where, 64), op: str(o, 'op', where, 32), degree: num(o, 'degree', where), text: str(o, 'text', where, 600) };
  return level === undefined ? base : { ...base, level };
}

const LEVEL_KEY = /^[a-zA-Z]{1,32}=[a-zA-Z]{1,32}$/;

/** `state.model`: strict (a name of 1–64 characters; `supported`, when there, an array of `attribute=level` keys). */
function modelInfo(v: unknown, where: string): ModelInfo {
  const o = obj(v, where);
  const name = str(o, 'name', where, 64);
  if (name.length === 0) throw new ProtocolError(`${where}.name: must not be empty`);
  const s = o['supported'];
  if (s === undefined) return { name };
  if (!Array.isArray(s)) throw new ProtocolError(`${where}.supported: must be an array`);
  if (s.length > MAX_MODEL_LEVELS) throw new ProtocolError(`${where}.supported: more than ${MAX_MODEL_LEVELS} entries`);
  const supported = s.map((k, i) => {
    if (typeof k !== 'string' || !LEVEL_KEY.test(k)) throw new ProtocolError(`${where}.supported[${i}]: must be an "attribute=level" string`);
    return k;
  });
  return { name, supported };
}

/** Parse one server message (the page's side). Unknown `type`s are a ProtocolError (the caller counts and drops it). */
export function parseServerMessage(raw: string): ParsedServerMessage {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ProtocolError('message: not valid JSON');
  }
  const o = obj(value, 'message');
  switch (o['type']) {
    case 'state': {
      const edits = o['edits'];
      if (!Array.isArray(edits)) throw new ProtocolError('state.edits: must be an array');
      const model = o['model'];
      return {
        type: 'state',
        edits: edits.map((e, i) => edit(e, `state.edits[${i}]`)),
        strength: num(o, 'strength', 'state'),
        canUndo: bool(o, 'canUndo', 'state'),
        canRedo: bool(o, 'canRedo', 'state'),
        ...(model !== undefined ? { model: modelInfo(model, 'state.model') } : {}),
      };
    }
    case 'ack':
      return { type: 'ack', id: str(o, 'id', 'ack', 64) };
    case 'error': {
      const s = o['suggestions'];
      const suggestions = Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string').slice(0, 10) : [];
      const id = o['id'];
      const base = { type: 'error' as const, code: str(o, 'code', 'error', 64), message: str(o, 'message', 'error', 1000), suggestions };
      return typeof id === 'string' ? { ...base, id } : base;
    }
    case 'transcript': {
      const base = { type: 'transcript' as const, text: str(o, 'text', 'transcript', 1000), final: bool(o, 'final', 'transcript') };
      const l = o['latencyMs'];
      return typeof l === 'number' && Number.isFinite(l) ? { ...base, latencyMs: l } : base;
    }
    case 'stats': {
      const procMs = percentiles(o['procMs'], 'stats.procMs');
      const pipelineMs = percentiles(o['pipelineMs'], 'stats.pipelineMs');
      return {
        type: 'stats',
        fpsIn: num(o, 'fpsIn', 'stats'),
        fpsOut: num(o, 'fpsOut', 'stats'),
        dropped: num(o, 'dropped', 'stats'),
        backend: str(o, 'backend', 'stats', 64),
        effect: str(o, 'effect', 'stats', 64),
        ...(procMs ? { procMs } : {}),
        ...(pipelineMs ? { pipelineMs } : {}),
      };
    }
    default:
      throw new ProtocolError(`message.type: unknown type ${JSON.stringify(o['type'] ?? null).slice(0, 40)}`);
  }
}

/** Serialise a client message (the page's side), refusing what the server would refuse (so the user hears it first). */
export function encodeClientMessage(message: ClientMessage): string {
  if (message.type === 'command') {
    const length = [...message.text].length;
    if (length > MAX_COMMAND_CHARS) throw new RangeError(`command: text longer than ${MAX_COMMAND_CHARS} characters (${length})`);
  }
  if (message.type === 'strength' && !(message.value >= 0 && message.value <= 1)) throw new RangeError('strength: value must be in [0, 1]');
  const json = JSON.stringify(message);
  if (utf8Length(json) > MAX_MESSAGE_BYTES) throw new RangeError(`message: over ${MAX_MESSAGE_BYTES} bytes`);
  return json;
}
