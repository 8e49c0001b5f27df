/**
 * The session's command channel, as a pure core (`CommandClient`: message handling and the state
 * the page shows) and a thin adapter (`ReconnectingSocket`: a WebSocket that comes back by itself).
 */
import {
  ProtocolError,
  encodeClientMessage,
  parseServerMessage,
  type ClientMessage,
  type MicMode,
  type ParsedErrorMessage,
  type ParsedServerMessage,
  type ParsedStatsMessage,
  type StateMessage,
} from '@lfe/protocol';
import { Backoff, type BackoffOptions } from '../util/backoff';

export interface TranscriptLine {
  readonly text: string;
  readonly final: boolean;
  readonly latencyMs?: number;
  readonly atMs: number;
}

/** An error from the server, with the command that caused it when the id matches one we sent. */
export interface CommandFailure extends ParsedErrorMessage {
  readonly commandText?: string;
}

export type Change = 'state' | 'transcript' | 'stats' | 'error' | 'ack';

export const MAX_TRANSCRIPT_LINES = 8;

/**
 * Holds what the server last said and correlates replies with commands. No I/O: `handle` takes
 * raw text, `send` goes through the function given to the constructor, time is a parameter.
 */
export class CommandClient {
  state: StateMessage | undefined;
  stats: ParsedStatsMessage | undefined;
  lastError: CommandFailure | undefined;
  readonly transcript: TranscriptLine[] = [];
  /** Messages that did not fit the protocol (counted and dropped). */
  badMessages = 0;
  readonly #pending = new Map<string, string>();
  readonly #send: (json: string) => boolean;
  #nextId = 1;

  constructor(send: (json: string) => boolean) {
    this.#send = send;
  }

  /** Handle one raw message; returns what changed, or undefined when it was dropped. */
  handle(raw: string, nowMs: number): Change | undefined {
    let m: ParsedServerMessage;
    try {
      m = parseServerMessage(raw);
    } catch (err) {
      if (err instanceof ProtocolError) {
        this.badMessages++;
        return undefined;
      }
      throw err;
    }
    switch (m.type) {
      case 'state':
        this.state = m;
        return 'state';
      case 'stats':
        this.stats = m;
        return 'stats';
      case 'ack':
        this.#pending.delete(m.id);
        return 'ack';
      case 'error': {
        const commandText = m.id === undefined ? undefined : this.#pending.get(m.id);
        if (m.id !== undefined) this.#pending.delete(m.id);
        this.lastError = commandText === undefined ? m : { ...m, commandText };
        return 'error';
      }
      case 'transcript': {
        const line: TranscriptLine = { text: m.text, final: m.final, atMs: nowMs, ...(m.latencyMs === undefined ? {} : { latencyMs: m.latencyMs }) };
        // A partial result is replaced by the next partial or by the final line of the utterance.
        const last = this.transcript[this.transcript.length - 1];
        if (last !== undefined && !last.final) this.transcript.pop();
        this.transcript.push(line);
        if (this.transcript.length > MAX_TRANSCRIPT_LINES) this.transcript.splice(0, this.transcript.length - MAX_TRANSCRIPT_LINES);
        return 'transcript';
      }
    }
  }

  /** Send a typed command; returns its id, or undefined when the channel is not open. */
  command(text: string): string | undefined {
    const id = `c${this.#nextId++}`;
    if (!this.#post({ type: 'command', text, id })) return undefined;
    this.#pending.set(id, text);
    // Bound the map: a server that never answers must not grow it forever.
    if (this.#pending.size > 64) this.#pending.delete(this.#pending.keys().next().value as string);
    return id;
  }

  strength(value: number): boolean {
    return this.#post({ type: 'strength', value: Math.min(1, Math.max(0, value)) });
  }

  removeEdit(index: number): boolean {
    return this.#post({ type: 'remove-edit', index });
  }

  mic(mode: MicMode): boolean {
    return this.#post({ type: 'mic', mode });
  }

  ptt(down: boolean): boolean {
    return this.#post({ type: 'ptt', down });
  }

  clearError(): void {
    this.lastError = undefined;
  }

  #post(m: ClientMessage): boolean {
    return this.#send(encodeClientMessage(m));
  }
}

/** The part of the browser WebSocket the adapter uses (a fake in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => unknown) | null;
  onclose: ((ev: CloseEvent) => unknown) | null;
  onmessage: ((ev: MessageEvent) => unknown) | null;
  onerror: ((ev: Event) => unknown) | null;
}

export type SocketStatus = 'connecting' | 'open' | 'retrying' | 'closed';

export interface ReconnectingSocketOptions {
  readonly url: string;
  readonly create?: (url: string) => SocketLike;
  readonly backoff?: Partial<BackoffOptions>;
  readonly random?: () => number;
  /** A connection that stayed open this long resets the backoff. */
  readonly stableMs?: number;
  readonly setTimer?: (fn: () => void, ms: number) => unknown;
  readonly clearTimer?: (handle: unknown) => void;
  readonly now?: () => number;
  readonly onMessage: (raw: string) => void;
  readonly onStatus: (status: SocketStatus, retryInMs?: number) => void;
}

const OPEN = 1;

/**
 * A WebSocket that reconnects with backoff until `close()`. Browsers hide the HTTP status of a
 * refused upgrade, so an auth failure here looks like any other close: the page learns about 401
 * from the WHIP POST, which comes first.
 */
export class ReconnectingSocket {
  readonly #o: ReconnectingSocketOptions;
  readonly #backoff: Backoff;
  #socket: SocketLike | undefined;
  #timer: unknown;
  #openedAt: number | undefined;
  #closed = false;

  constructor(options: ReconnectingSocketOptions) {
    this.#o = options;
    this.#backoff = new Backoff(options.backoff, options.random);
    this.#connect();
  }

  get open(): boolean {
    return this.#socket?.readyState === OPEN;
  }

  /** Send if open; false otherwise (the caller tells the user, nothing is queued). */
  send(data: string): boolean {
    if (this.#closed || this.#socket?.readyState !== OPEN) return false;
    this.#socket.send(data);
    return true;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== undefined) (this.#o.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)))(this.#timer);
    this.#timer = undefined;
    const s = this.#socket;
    this.#socket = undefined;
    if (s) {
      s.onclose = null;
      s.onmessage = null;
      s.onerror = null;
      s.onopen = null;
      s.close(1000, 'bye');
    }
    this.#o.onStatus('closed');
  }

  #now(): number {
    return (this.#o.now ?? (() => Date.now()))();
  }

  #connect(): void {
    this.#timer = undefined;
    if (this.#closed) return;
    this.#o.onStatus('connecting');
    const s = (this.#o.create ?? ((u) => new WebSocket(u)))(this.#o.url);
    this.#socket = s;
    s.onopen = () => {
      this.#openedAt = this.#now();
      this.#o.onStatus('open');
    };
    s.onmessage = (ev) => {
      if (typeof ev.data === 'string') this.#o.onMessage(ev.data);
    };
    s.onerror = () => undefined; // a close event always follows
    s.onclose = () => {
      if (this.#socket !== s || this.#closed) return;
      this.#socket = undefined;
      if (this.#openedAt !== undefined && this.#now() - this.#openedAt >= (this.#o.stableMs ?? 5000)) this.#backoff.reset();
      this.#openedAt = undefined;
      const delay = this.#backoff.next();
      this.#o.onStatus('retrying', delay);
      this.#timer = (this.#o.setTimer ?? ((fn, ms) => setTimeout(fn, ms)))(() => this.#connect(), delay);
    };
  }
}
