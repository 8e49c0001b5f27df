/**
 * The WebSocket / data-channel messages of docs/protocol.md, as the page sees them.
 * Apps may not import each other, so this is the viewer's own copy of the contract; the parser
 * validates untrusted server JSON into fresh objects and throws a `ProtocolError` naming the field.
 */
import { ProtocolError } from './errors';

export type MicMode = 'off' | 'push-to-talk' | 'wake-word';
export const MIC_MODES: readonly MicMode[] = ['off', 'push-to-talk', 'wake-word'];

/** Largest message either side accepts (bytes of UTF-8 JSON). */
export const MAX_MESSAGE_BYTES = 4096;
/** Longest command text the server parses. */
export const MAX_COMMAND_CHARS = 500;

export type ClientMessage =
  | { type: 'command'; text: string; id?: string }
  | { type: 'strength'; value: number; id?: string }
  | { type: 'remove-edit'; index: number; id?: string }
  | { type: 'mic'; mode: MicMode; id?: string }
  | { type: 'ptt'; down: boolean; id?: string };

export interface ActiveEdit {
  readonly attribute: string;
  readonly op: string;
  readonly level?: number;
  readonly degree: number;
  readonly text: string;
}

export interface StateMessage {
  readonly type: 'state';
  readonly edits: readonly ActiveEdit[];
  readonly strength: number;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

export interface AckMessage {
  readonly type: 'ack';
  readonly id: string;
}

export interface ErrorMessage {
  readonly type: 'error';
  readonly id?: string;
  /** 'unknown-word' | 'too-long' | 'bad-message' | 'capacity' | 'auth' | 'invalid-command' | future codes. */
  readonly code: string;
  readonly message: string;
  readonly suggestions: readonly string[];
}

export interface TranscriptMessage {
  readonly type: 'transcript';
  readonly text: string;
  readonly final: boolean;
  readonly latencyMs?: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
}

export interface StatsMessage {
  readonly type: 'stats';
  readonly fpsIn: number;
  readonly fpsOut: number;
  readonly procMs?: Percentiles;
  readonly pipelineMs?: Percentiles;
  readonly dropped: number;
  readonly backend: string;
  readonly effect: string;
}

export type ServerMessage = StateMessage | AckMessage | ErrorMessage | TranscriptMessage | StatsMessage;

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

/** Parse one server message. Unknown `type`s are a ProtocolError (the caller counts and drops it). */
export function parseServerMessage(raw: string): ServerMessage {
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
      return {
        type: 'state',
        edits: edits.map((e, i) => edit(e, `state.edits[${i}]`)),
        strength: num(o, 'strength', 'state'),
        canUndo: bool(o, 'canUndo', 'state'),
        canRedo: bool(o, 'canRedo', 'state'),
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

/** Serialise a client message, refusing what the server would refuse (so the user hears it first). */
export function encodeClientMessage(message: ClientMessage): string {
  if (message.type === 'command') {
    const length = [...message.text].length;
    if (length > MAX_COMMAND_CHARS) throw new RangeError(`command: text longer than ${MAX_COMMAND_CHARS} characters (${length})`);
  }
  if (message.type === 'strength' && !(message.value >= 0 && message.value <= 1)) throw new RangeError('strength: value must be in [0, 1]');
  const json = JSON.stringify(message);
  if (new TextEncoder().encode(json).length > MAX_MESSAGE_BYTES) throw new RangeError(`message: over ${MAX_MESSAGE_BYTES} bytes`);
  return json;
}
