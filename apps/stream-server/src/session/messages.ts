import { BadMessageError } from '../errors';
import type { ActiveEdit } from './edit-state';

/** Largest ws / data channel message accepted (bytes); larger ones get an error and are dropped. */
export const MAX_MESSAGE_BYTES = 4096;

export type MicMode = 'off' | 'push-to-talk' | 'wake-word';
export const MIC_MODES: readonly MicMode[] = ['off', 'push-to-talk', 'wake-word'];

export type ClientMessage =
  | { type: 'command'; text: string; id?: string }
  | { type: 'strength'; value: number; id?: string }
  | { type: 'remove-edit'; index: number; id?: string }
  | { type: 'mic'; mode: MicMode; id?: string }
  | { type: 'ptt'; down: boolean; id?: string };

export type ErrorCode = 'unknown-word' | 'too-long' | 'bad-message' | 'capacity' | 'auth' | 'invalid-command' | 'rate-limited' | 'voice';

export type ServerMessage =
  | { type: 'state'; edits: readonly ActiveEdit[]; strength: number; canUndo: boolean; canRedo: boolean }
  | { type: 'ack'; id: string }
  | { type: 'error'; id?: string; code: ErrorCode; message: string; suggestions?: readonly string[] }
  | { type: 'transcript'; text: string; final: boolean; latencyMs: number }
  | {
      type: 'stats';
      fpsIn: number;
      fpsOut: number;
      procMs: { p50: number; p95: number };
      dropped: number;
      backend: string;
      effect: string;
      /** Server-side frame-in → RTP-out (compressed frame arrival to packets written), ms. */
      pipelineMs: { p50: number; p95: number };
    };

/**
 * Parse and validate one client message. Untrusted input: the raw bytes are size-checked, parsed
 * into a fresh object, and only the protocol's fields are copied out. Throws `BadMessageError`
 * naming the field; the caller replies with `code: "bad-message"` and keeps the socket open.
 */
export function parseClientMessage(raw: string | Buffer): ClientMessage {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (size > MAX_MESSAGE_BYTES) throw new BadMessageError(`message: ${size} bytes exceeds ${MAX_MESSAGE_BYTES}`);
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    throw new BadMessageError('message: not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadMessageError('message: must be a JSON object');
  const o = value as Record<string, unknown>;
  const id = o['id'];
  if (id !== undefined && (typeof id !== 'string' || id.length === 0 || id.length > 64)) {
    throw new BadMessageError('message.id: must be a string of 1–64 characters');
  }
  const withId = <T extends object>(m: T): T & { id?: string } => (id === undefined ? m : { ...m, id });
  switch (o['type']) {
    case 'command': {
      const text = o['text'];
      if (typeof text !== 'string') throw new BadMessageError('command.text: must be a string');
      return withId({ type: 'command', text });
    }
    case 'strength': {
      const v = o['value'];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) throw new BadMessageError('strength.value: must be a number in [0, 1]');
      return withId({ type: 'strength', value: v });
    }
    case 'remove-edit': {
      const index = o['index'];
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) throw new BadMessageError('remove-edit.index: must be a non-negative integer');
      return withId({ type: 'remove-edit', index });
    }
    case 'mic': {
      const mode = o['mode'];
      if (typeof mode !== 'string' || !(MIC_MODES as readonly string[]).includes(mode)) {
        throw new BadMessageError(`mic.mode: must be one of ${MIC_MODES.join(', ')}`);
      }
      return withId({ type: 'mic', mode: mode as MicMode });
    }
    case 'ptt': {
      const down = o['down'];
      if (typeof down !== 'boolean') throw new BadMessageError('ptt.down: must be true or false');
      return withId({ type: 'ptt', down });
    }
    default:
      throw new BadMessageError(`message.type: unknown type ${JSON.stringify(o['type'] ?? null).slice(0, 40)}`);
  }
}
