import { randomBytes } from 'node:crypto';
import type { RTCDataChannel } from 'werift';
import { CommandError, InputTooLongError, UnknownWordError, UnsupportedEditError, checkSupported, parseCommand } from '@lfe/edit-language';
import { type ClientMessage, type ModelInfo, type ServerMessage, parseClientMessage } from '@lfe/protocol';
import { AudioPcmStream, type FfmpegBinary, SafeEmitter } from '@lfe/media';
import { BadInputError, CapacityError, InvalidStateError, NotFoundError } from '../errors';
import type { FrameProcessor, SessionView } from '../media/frame-processor';
import { VideoPipeline } from '../media/video-pipeline';
import type { IceOptions } from '../peer/codecs';
import { type PublisherPeer, createPublisherPeer } from '../peer/publisher-peer';
import { type ViewerPeer, createViewerPeer } from '../peer/viewer-peer';
import type { Logger } from '../util/log';
import { DEFAULT_RATE_LIMITS, type RateLimits, TokenBucket } from '../util/rate-limit';
import { EditState } from './edit-state';
import { type RecognizerFactory, VoiceInput } from './voice';

/** Where server → client messages go: a WebSocket or the `commands` data channel. */
export interface MessageSink {
  send(message: ServerMessage): void;
}

/** The model that edits this server's frames: its name and, when its world is limited, what it can do. */
export interface SessionModel {
  /** `synthetic` | `real` (face-pipeline's ModelName). */
  readonly name: string;
  /** The `attribute=level` edits it can do (edit-language's keys); absent: every edit of the vocabulary. */
  readonly levels?: ReadonlySet<string>;
}

export interface SessionOptions {
  id: string;
  /** The model: commands outside its `levels` are refused (`unsupported-edit`), and the clients are told its name and levels in `state`. Absent (`--effect none`): every command is taken. */
  model?: SessionModel;
  processor: FrameProcessor;
  width: number;
  height: number;
  fps: number;
  log: Logger;
  binary?: FfmpegBinary;
  /** Voice commands: a recogniser per session, started with the first audio. */
  recognizer?: RecognizerFactory;
  statsIntervalMs?: number;
  /** Client messages (ws + data channel) per connection and per session (default DEFAULT_RATE_LIMITS). */
  rateLimits?: RateLimits;
  /** WHEP viewers at once in this session (default 8). */
  maxViewers?: number;
  /** A viewer whose peer connection is not up within this is removed (default 15 s). */
  viewerConnectMs?: number;
  /** ICE servers and remote candidate policy of this session's peers. */
  ice?: IceOptions;
}

/** Per connection: its bucket, and how many messages were refused since the client was last told. */
interface ClientLimit {
  bucket: TokenBucket;
  refused: number;
  toldAt: number;
}

export interface SessionEvents extends Record<string, unknown[]> {
  close: [string];
}

/**
 * One publisher and everything hanging off it: the WHIP peer, the video pipeline, the audio → PCM
 * stream, voice input, WHEP viewers, the edit state and the clients (ws + data channel) that
 * command it. `close()` runs once and takes all of it down; every path out (DELETE, peer gone,
 * pipeline fatal, server shutdown) goes through it.
 */
export class Session extends SafeEmitter<SessionEvents> {
  readonly id: string;
  readonly edits = new EditState();
  readonly video: VideoPipeline;
  /** 16 kHz mono s16le PCM of the publisher's microphone (started when something listens). */
  readonly audio: AudioPcmStream;
  readonly createdAt = Date.now();
  readonly #o: SessionOptions;
  readonly #log: Logger;
  readonly #clients = new Set<MessageSink>();
  readonly #viewers = new Map<string, ViewerPeer>();
  readonly #voice: VoiceInput | undefined;
  readonly #limits: RateLimits;
  readonly #sessionBucket: TokenBucket;
  readonly #clientLimits = new WeakMap<MessageSink, ClientLimit>();
  /** Messages refused by the rate limits (metrics). */
  refusedMessages = 0;
  #publisher: PublisherPeer | undefined;
  #statsTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #closePromise: Promise<void> | undefined;
  #statsTicks = 0;
  #modelInfoCache: ModelInfo | undefined;

  private constructor(options: SessionOptions) {
    super();
    this.#o = options;
    this.id = options.id;
    this.#log = options.log.child({ session: options.id });
    this.#limits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
    this.#sessionBucket = new TokenBucket(this.#limits.session.burst, this.#limits.session.perSecond);
    this.video = new VideoPipeline({
      width: options.width,
      height: options.height,
      fps: options.fps,
      processor: options.processor,
      session: () => this.view(),
      log: this.#log.child({ part: 'video' }),
      ...(options.binary ? { binary: options.binary } : {}),
    });
    this.video.on('need-keyframe', () => this.#publisher?.requestKeyframe());
    this.video.on('fatal', (err) => void this.close(`video pipeline failed: ${err.message}`));
    this.audio = new AudioPcmStream(this.#log.child({ part: 'audio' }), options.binary);
    if (options.recognizer !== undefined) {
      const voice = new VoiceInput(
        options.recognizer,
        (u) => {
          this.#log.info('utterance', { transcript: u.text, latencyMs: Math.round(u.latencyMs) });
          this.broadcast({ type: 'transcript', text: u.text, final: true, latencyMs: Math.round(u.latencyMs) });
          this.#applyCommand(u.text, undefined, undefined);
        },
        this.#log.child({ part: 'voice' }),
        'push-to-talk',
        (reason) => this.broadcast({ type: 'error', code: 'voice', message: `voice commands stopped for this session (${reason}); typed commands still work` }),
      );
      this.audio.on('pcm', (b) => voice.write(b));
      this.audio.on('fatal', (err) =>
        this.broadcast({ type: 'error', code: 'voice', message: `voice commands stopped for this session (the audio decoder failed: ${err.message}); typed commands still work` }),
      );
      this.#voice = voice;
    }
    this.#statsTimer = setInterval(() => this.#sendStats(), options.statsIntervalMs ?? 1000);
    this.#statsTimer.unref();
  }

  /** Create a session from a WHIP offer; resolves with the session and the SDP answer. */
  static async fromOffer(offer: string, options: SessionOptions): Promise<{ session: Session; answer: string }> {
    const session = new Session(options);
    try {
      const peer = await createPublisherPeer(
        offer,
        {
          onVideoFrame: (data, key, t) => session.video.pushEncoded(data, key, t),
          onAudioPayload: (p) => {
            if (session.audio.listenerCount('pcm') > 0) session.audio.pushOpus(p);
          },
          onPictureLoss: () => session.video.requestKeyframe(),
          onDataChannel: (dc) => session.#attachDataChannel(dc),
          onGone: (reason) => void session.close(reason),
        },
        session.#log.child({ part: 'publisher' }),
        options.ice ? { ice: options.ice } : {},
      );
      session.#publisher = peer;
      session.video.setInputCodec(peer.videoCodec);
      const track = peer.returnTrack;
      if (track !== undefined) session.video.addSink((b) => track.writeRtp(b));
      session.#log.info('session created', { videoCodec: peer.videoCodec, returnsVideo: track !== undefined });
      return { session, answer: peer.answer };
    } catch (err) {
      await session.close('offer failed');
      throw err;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  get viewerCount(): number {
    return this.#viewers.size;
  }

  get publisher(): PublisherPeer | undefined {
    return this.#publisher;
  }

  /** Recogniser restarts of this session's voice input (0 without voice). */
  get voiceRestarts(): number {
    return this.#voice?.restarts ?? 0;
  }

  view(): SessionView {
    const s = this.edits.snapshot();
    return { id: this.id, edits: s.edits, strength: s.strength };
  }

  async addViewer(offer: string): Promise<{ viewerId: string; answer: string }> {
    if (this.#closed) throw new InvalidStateError('session: closed');
    const max = this.#o.maxViewers ?? 8;
    if (this.#viewers.size >= max) throw new CapacityError(`whep: viewer limit of this session (${max}) reached`);
    const viewerId = randomBytes(6).toString('hex');
    const log = this.#log.child({ viewer: viewerId });
    const viewer = await createViewerPeer(
      offer,
      {
        onPictureLoss: () => this.video.requestKeyframe(),
        onReady: () => this.video.requestKeyframe(),
        onGone: (reason) => {
          log.info('viewer gone', { reason });
          void this.removeViewer(viewerId).catch(() => undefined);
        },
      },
      log,
      { connectMs: this.#o.viewerConnectMs ?? 15_000, ...(this.#o.ice ? { ice: this.#o.ice } : {}) },
    );
    if (this.#closed) {
      await viewer.close();
      throw new InvalidStateError('session: closed');
    }
    if (this.#viewers.size >= max) {
      await viewer.close(); // others were added while this offer was being answered
      throw new CapacityError(`whep: viewer limit of this session (${max}) reached`);
    }
    const sink = (b: Buffer): void => viewer.track.writeRtp(b);
    this.video.addSink(sink);
    this.#viewers.set(viewerId, viewer);
    viewer.pc.connectionStateChange.subscribe((s) => {
      if (s === 'closed' || s === 'failed') this.video.removeSink(sink);
    });
    log.info('viewer added');
    return { viewerId, answer: viewer.answer };
  }

  async removeViewer(viewerId: string): Promise<void> {
    const v = this.#viewers.get(viewerId);
    if (v === undefined) throw new NotFoundError(`whep: no viewer ${viewerId} in session ${this.id}`);
    this.#viewers.delete(viewerId);
    await v.close();
  }

  /** Attach a client; it gets the state now and every broadcast after. Returns the detach function. */
  attachClient(sink: MessageSink): () => void {
    this.#clients.add(sink);
    this.#safeSend(sink, this.#stateMessage());
    return () => this.#clients.delete(sink);
  }

  broadcast(message: ServerMessage): void {
    for (const c of this.#clients) this.#safeSend(c, message);
  }

  /**
   * The rate limits, before any parsing: a connection's own bucket, then the session's. A refused
   * message is dropped (never queued); the client hears about it at most once a second, with the
   * count, so a flood cannot make the server flood back.
   */
  #admit(from: MessageSink): boolean {
    let lim = this.#clientLimits.get(from);
    if (lim === undefined) {
      lim = { bucket: new TokenBucket(this.#limits.connection.burst, this.#limits.connection.perSecond), refused: 0, toldAt: -Infinity };
      this.#clientLimits.set(from, lim);
    }
    if (lim.bucket.take() && this.#sessionBucket.take()) return true;
    lim.refused++;
    this.refusedMessages++;
    const now = performance.now();
    if (now - lim.toldAt >= 1000) {
      const { connection: c, session: s } = this.#limits;
      this.#safeSend(from, {
        type: 'error',
        code: 'rate-limited',
        message: `too many messages: ${lim.refused} dropped (limits: ${c.perSecond}/s per connection after a burst of ${c.burst}, ${s.perSecond}/s per session after ${s.burst})`,
      });
      lim.toldAt = now;
      lim.refused = 0;
    }
    return false;
  }

  /** One raw client message (ws or data channel). Errors go back to `from` only. */
  handleMessage(raw: string | Buffer, from: MessageSink): void {
    if (!this.#admit(from)) return;
    let msg: ClientMessage;
    try {
      msg = parseClientMessage(raw);
    } catch (err) {
      this.#safeSend(from, { type: 'error', code: 'bad-message', message: err instanceof Error ? err.message : 'bad message' });
      return;
    }
    try {
      this.#handle(msg, from);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.#safeSend(from, { type: 'error', ...(msg.id !== undefined ? { id: msg.id } : {}), code: 'bad-message', message });
    }
  }

  #handle(msg: ClientMessage, from: MessageSink): void {
    switch (msg.type) {
      case 'command':
        this.#applyCommand(msg.text, msg.id, from);
        return;
      case 'strength':
        this.#changed(this.edits.setStrength(msg.value), msg.id, from);
        return;
      case 'remove-edit':
        this.#changed(this.edits.removeEdit(msg.index), msg.id, from);
        return;
      case 'mic':
        this.#voice?.setMode(msg.mode);
        this.#ack(msg.id, from);
        return;
      case 'ptt':
        this.#voice?.ptt(msg.down);
        this.#ack(msg.id, from);
        return;
    }
  }

  /**
   * Parse text into the edit state; unknown words etc. go back to the sender only (if any). An edit
   * the model cannot do (outside its levels) is refused the same way, as `unsupported-edit`; a
   * spoken one goes to every client (the transcript went to them all), never a silent no-op.
   */
  #applyCommand(text: string, id: string | undefined, from: MessageSink | undefined): void {
    try {
      const parsed = parseCommand(text);
      const levels = this.#o.model?.levels;
      if (levels !== undefined && parsed.kind === 'edit') checkSupported(parsed.edits, levels);
      this.#changed(this.edits.apply(parsed, text), id, from);
      this.#log.info('command applied', { text, edits: this.edits.snapshot().edits.length });
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      const code = err instanceof UnknownWordError ? 'unknown-word' : err instanceof InputTooLongError ? 'too-long' : err instanceof UnsupportedEditError ? 'unsupported-edit' : 'invalid-command';
      const suggestions = err instanceof UnknownWordError ? err.suggestions : undefined;
      if (from !== undefined) {
        this.#safeSend(from, { type: 'error', ...(id !== undefined ? { id } : {}), code, message: err.message, ...(suggestions ? { suggestions } : {}) });
      } else if (err instanceof UnsupportedEditError) {
        this.#log.info('voice command rejected', { code });
        this.broadcast({ type: 'error', code, message: err.message });
      } else {
        this.#log.info('voice command rejected', { code });
      }
    }
  }

  #changed(changed: boolean, id: string | undefined, from: MessageSink | undefined): void {
    if (from !== undefined) this.#ack(id, from);
    if (changed) this.broadcast(this.#stateMessage());
  }

  #ack(id: string | undefined, to: MessageSink): void {
    if (id !== undefined) this.#safeSend(to, { type: 'ack', id });
  }

  #stateMessage(): ServerMessage {
    return { type: 'state', ...this.edits.snapshot(), ...(this.#modelInfo !== undefined ? { model: this.#modelInfo } : {}) };
  }

  /** The model as `state` tells it (built once). */
  get #modelInfo(): ModelInfo | undefined {
    const m = this.#o.model;
    if (m === undefined) return undefined;
    this.#modelInfoCache ??= { name: m.name, ...(m.levels !== undefined ? { supported: [...m.levels] } : {}) };
    return this.#modelInfoCache;
  }

  #sendStats(): void {
    this.#statsTicks++;
    // Every 10 s in the log: what the ws clients see plus loss / keyframe counters (debug level).
    if (this.#statsTicks % 10 === 0) this.#log.debug('media stats', { video: this.video.stats(), media: this.#publisher?.stats() });
    if (this.#clients.size === 0) return;
    const s = this.video.stats();
    this.broadcast({
      type: 'stats',
      fpsIn: s.fpsIn,
      fpsOut: s.fpsOut,
      procMs: s.procMs,
      dropped: s.dropped,
      backend: this.#o.processor.backend,
      effect: this.#o.processor.effect,
      pipelineMs: s.pipelineMs,
    });
  }

  #safeSend(sink: MessageSink, message: ServerMessage): void {
    try {
      sink.send(message);
    } catch (err) {
      this.#log.debug('client send failed', { error: err });
    }
  }

  #attachDataChannel(dc: RTCDataChannel): void {
    if (dc.label !== 'commands') return;
    const sink: MessageSink = {
      send: (m) => {
        if (dc.readyState === 'open') dc.send(JSON.stringify(m));
      },
    };
    let detach: (() => void) | undefined;
    const attach = (): void => {
      detach ??= this.attachClient(sink);
    };
    if (dc.readyState === 'open') attach();
    dc.stateChanged.subscribe((state) => {
      if (state === 'open') attach();
      else if (state === 'closed') detach?.();
    });
    dc.onMessage.subscribe((data) => {
      attach();
      this.handleMessage(data, sink);
    });
  }

  close(reason = 'closed'): Promise<void> {
    if (this.#closePromise !== undefined) return this.#closePromise;
    this.#closed = true;
    this.#closePromise = (async () => {
      clearInterval(this.#statsTimer);
      this.#log.info('session closing', { reason, video: this.video.stats(), media: this.#publisher?.stats() });
      this.#clients.clear();
      const viewers = [...this.#viewers.values()];
      this.#viewers.clear();
      await Promise.allSettled([
        this.video.close(),
        this.audio.close(),
        this.#voice?.close(),
        this.#publisher?.close(),
        ...viewers.map((v) => v.close()),
      ]);
      this.#o.processor.endSession?.(this.id);
      this.safeEmit('close', reason);
    })();
    return this.#closePromise;
  }
}

/** Session ids: `[a-z0-9-]{1,40}` as the protocol says. */
export const SESSION_ID_RE = /^[a-z0-9-]{1,40}$/;

export function checkSessionId(id: string): string {
  if (!SESSION_ID_RE.test(id)) throw new BadInputError('whip: session must match [a-z0-9-]{1,40}');
  return id;
}

export function newSessionId(): string {
  return randomBytes(8).toString('hex');
}
