import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type HttpErrorBody, MAX_MESSAGE_BYTES } from '@lfe/protocol';
import { WebSocket, WebSocketServer } from 'ws';
import {
  AuthError,
  BadInputError,
  CapacityError,
  ConflictError,
  ForbiddenError,
  MethodNotAllowedError,
  NotFoundError,
  StreamServerError,
  UnsupportedMediaTypeError,
} from '../errors';
import type { FfmpegBinary } from '@lfe/media';
import { DEFAULT_VIEWER_DIST } from '../config';
import { type FrameProcessor, PassthroughProcessor } from '../media/frame-processor';
import { V4l2Sink } from '../media/v4l2-sink';
import type { IceOptions } from '../peer/codecs';
import { MAX_SDP_BYTES, candidatePolicy } from '../peer/sdp-check';
import { Session, type SessionModel, checkSessionId, newSessionId } from '../session/session';
import type { RecognizerFactory } from '../session/voice';
import { type Logger, silentLogger } from '../util/log';
import type { RateLimits } from '../util/rate-limit';
import { type AuthPolicy, checkAuth, generateToken, hasToken, isLoopbackHost, presentedToken } from './auth';
import { ServerMetrics } from './metrics';
import { OriginPolicy } from './origin';
import { mediaType, readBody, readBytes, requireMediaType } from './body';
import { serveStatic } from './static-files';

export interface StreamServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
  requireToken?: boolean;
  maxSessions: number;
  processor: FrameProcessor;
  width: number;
  height: number;
  fps: number;
  /** apps/viewer/dist; a placeholder page is served when it does not exist. */
  viewerDist: string;
  log: Logger;
  recognizer?: RecognizerFactory;
  binary?: FfmpegBinary;
  /** `--v4l2 /dev/videoN --v4l2-session ID`: that session's processed video to a v4l2loopback device. */
  v4l2?: V4l2Output;
  /** Extra `Host` names the server answers to (`--allow-host`; see OriginPolicy). */
  allowHosts?: readonly string[];
  /** Extra page origins allowed to call it (`--allow-origin`; `*` for any). */
  allowOrigins?: readonly string[];
  /** WHEP viewers at once: per session (default 8) and over all sessions (default 32). */
  maxViewersPerSession?: number;
  maxViewers?: number;
  /** A WHEP viewer not connected within this is removed (default 15 s). */
  viewerConnectMs?: number;
  /** Client message rate limits (default DEFAULT_RATE_LIMITS). */
  rateLimits?: RateLimits;
  /** Open HTTP/WebSocket connections at once (default 256); more are dropped at accept. */
  maxConnections?: number;
  /** STUN/TURN servers for the peers (default none). */
  iceServers?: IceOptions['iceServers'];
  /** Send ICE checks to loopback/private candidate addresses even when bound to a public address. */
  iceAllowPrivate?: boolean;
  /** Photo editing for `POST /v1/edit` (face-pipeline's PhotoWorker); without it the endpoint answers 503. */
  photo?: PhotoService;
  /** The model editing the frames (`--model`): sessions refuse commands outside its levels and tell clients about it. */
  model?: SessionModel;
}

/** What `POST /v1/edit` needs: face-pipeline's `PhotoWorker` fits. Its errors carry a `kind` (no-face, command, not-an-image, too-large; mapped to statuses in `#photoEdit`). */
export interface PhotoService {
  edit(bytes: Uint8Array, req: { name: string; command: string; faces?: 'largest' | 'all' | number; strength?: number; format: 'png' | 'jpeg' | 'webp' }): Promise<{ bytes: Buffer; found: number; edited: number; ms: { detect: number; edit: number } }>;
}

/** Largest photo upload: 20 MB. */
export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;
/** Photo edits queued at once (the worker does one at a time); more get 503. */
const MAX_PHOTO_QUEUE = 4;
const IMAGE_TYPES: Record<string, 'png' | 'jpeg' | 'webp'> = { 'image/png': 'png', 'image/jpeg': 'jpeg', 'image/jpg': 'jpeg', 'image/webp': 'webp' };

export interface V4l2Output {
  target: string;
  session: string;
  /** ffmpeg output format (default `v4l2`); tests write `yuv4mpegpipe` to a file. */
  format?: string;
}

/** Hard limit at which `ws` closes the socket (1009); between 4 KiB and this, an error message. */
const WS_HARD_LIMIT = 64 * 1024;

/** CORS headers for an allowed page origin (never `*`: see OriginPolicy). */
function corsFor(origin: string | undefined): Record<string, string> {
  if (origin === undefined) return { Vary: 'Origin' };
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, POST, PATCH, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match',
    'Access-Control-Expose-Headers': 'Location, ETag, Link, Accept-Patch, Accept-Post',
    Vary: 'Origin',
  };
}

/** Seconds a client refused for capacity should wait before trying again. */
const RETRY_AFTER_S = '5';

/**
 * HTTP + WebSocket front of the server: WHIP / WHEP signalling, the per-session WebSocket, health,
 * and the viewer's static files. Sessions live in `sessions`; everything else is stateless.
 */
export class StreamServer {
  readonly sessions = new Map<string, Session>();
  /** The current virtual-camera sink (tests read its counters). */
  v4l2Sink: V4l2Sink | undefined;
  readonly auth: AuthPolicy;
  readonly origins: OriginPolicy;
  readonly #o: StreamServerOptions;
  /** WHEP offers being answered (counted against the total viewer cap). */
  #pendingViewers = 0;
  /** Photo edits waiting or running. */
  #photoQueue = 0;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #reserved = new Set<string>();
  readonly #sockets = new Map<string, Set<WebSocket>>();
  #closed = false;
  #port = 0;
  /** /metrics: with the token (session ids) and without (summed); registries of this server only. */
  readonly #metrics = { full: new ServerMetrics(true), anonymous: new ServerMetrics(false) };

  private constructor(options: StreamServerOptions) {
    this.#o = options;
    this.auth = {
      token: options.token ?? generateToken(),
      required: options.requireToken === true || !isLoopbackHost(options.host),
    };
    this.origins = new OriginPolicy(options.host, options.allowHosts, options.allowOrigins);
    // Slow-header connections: checked every second (node's default is 30 s), dropped after 5 s.
    this.#http = createServer({ connectionsCheckingInterval: 1000, headersTimeout: 5000, requestTimeout: 30_000 }, (req, res) => void this.#route(req, res));
    this.#http.maxConnections = options.maxConnections ?? 256;
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: WS_HARD_LIMIT });
    this.#http.on('upgrade', (req, socket, head) => this.#upgrade(req, socket, head));
  }

  /**
   * Start listening. Every option has a default for in-process use (tests, embedding): loopback,
   * a free port, `--effect none`, 640×480 at 30 fps, 4 sessions, the built viewer, silent logs.
   * `url` and `auth.token` tell the caller where and how to connect; `stop()` ends it all.
   */
  static async start(options: Partial<StreamServerOptions> = {}): Promise<StreamServer> {
    const s = new StreamServer({
      host: '127.0.0.1',
      port: 0,
      maxSessions: 4,
      width: 640,
      height: 480,
      fps: 30,
      viewerDist: DEFAULT_VIEWER_DIST,
      ...options,
      processor: options.processor ?? new PassthroughProcessor(),
      log: options.log ?? silentLogger,
    });
    const o = s.#o;
    await new Promise<void>((resolve, reject) => {
      s.#http.once('error', reject);
      s.#http.listen(o.port, o.host, () => {
        s.#http.off('error', reject);
        s.#port = (s.#http.address() as AddressInfo).port;
        resolve();
      });
    });
    o.log.info('listening', { url: s.url, authRequired: s.auth.required, effect: o.processor.effect, maxSessions: o.maxSessions });
    return s;
  }

  /** The port it listens on (kept after `close()`, for messages). */
  get port(): number {
    return this.#port;
  }

  get url(): string {
    const host = this.#o.host.includes(':') ? `[${this.#o.host}]` : this.#o.host;
    return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${this.port}`;
  }

  /** The same as `close()`. */
  stop(): Promise<void> {
    return this.close();
  }

  /** Close every session, then the listeners. Children (ffmpeg, recognisers) are gone when it resolves. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of this.#wss.clients) c.terminate();
    await Promise.allSettled([...this.sessions.values()].map((s) => s.close('server shutdown')));
    this.#wss.close();
    this.#http.closeAllConnections();
    await new Promise<void>((r) => this.#http.close(() => r()));
  }

  /**
   * Prometheus text exposition (prom-client, a registry per server and view): sessions, per-session
   * rates, latencies, drops, restarts, edit stages. `withSessions` false (a request without the
   * token): no session ids, per-session rows summed (counters, fps) or worst-of (latency quantiles)
   * over the sessions.
   */
  metrics(withSessions = true): Promise<string> {
    const sessions = [...this.sessions.values()].map((s) => ({ id: s.id, v: s.video.stats(), voice: s.voiceRestarts, refused: s.refusedMessages, viewers: s.viewerCount }));
    return (withSessions ? this.#metrics.full : this.#metrics.anonymous).render({ sessions, stages: this.#o.processor.stageMeans?.() });
  }

  /**
   * Host and Origin, before anything else: a `Host` the server does not answer to (DNS rebinding)
   * and a page `Origin` it does not allow get 403. Returns the CORS headers for the response.
   */
  #checkOrigin(req: IncomingMessage): Record<string, string> {
    if (!this.origins.hostAllowed(req.headers.host, this.#port)) {
      throw new ForbiddenError(`host: "${String(req.headers.host ?? '').slice(0, 80)}" is not a name of this server (--allow-host adds one)`);
    }
    const origin = OriginPolicy.originOf(req);
    if (origin !== undefined && !this.origins.originAllowed(origin, req.headers.host, this.#port)) {
      throw new ForbiddenError(`origin: pages from "${origin.slice(0, 80)}" may not call this server (--allow-origin adds one)`);
    }
    return corsFor(origin);
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://server');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    let cors: Record<string, string> = {};
    try {
      cors = this.#checkOrigin(req);
      if (method === 'OPTIONS') {
        const headers: Record<string, string> = { ...cors };
        if (path === '/whip' || path.startsWith('/whep/')) headers['Accept-Post'] = 'application/sdp';
        res.writeHead(204, headers).end();
        return;
      }
      if (path === '/healthz' && method === 'GET') return this.#json(res, 200, { ok: true, sessions: this.sessions.size }, cors);
      if (path === '/metrics' && method === 'GET') {
        // Session ids only with the token (they are what WHEP and ws need); a wrong token is refused.
        if (presentedToken(req, url) !== '') checkAuth(req, url, this.auth);
        const full = hasToken(req, url, this.auth);
        const text = await this.metrics(full);
        res.writeHead(200, { 'Content-Type': this.#metrics.full.contentType, 'Cache-Control': 'no-store' }).end(text);
        return;
      }
      if (path === '/v1/edit') {
        if (method !== 'POST') throw new MethodNotAllowedError('edit: use POST', 'POST, OPTIONS');
        checkAuth(req, url, this.auth);
        return await this.#photoEdit(req, res, url, cors);
      }
      if (path === '/whip') {
        if (method !== 'POST') throw new MethodNotAllowedError('whip: use POST', 'POST, OPTIONS');
        checkAuth(req, url, this.auth);
        return await this.#whipPost(req, res, url, cors);
      }
      const whip = /^\/whip\/([^/]+)$/.exec(path);
      if (whip) {
        checkAuth(req, url, this.auth);
        const id = whip[1] as string;
        if (method === 'DELETE') {
          const s = this.sessions.get(id);
          if (s === undefined) throw new NotFoundError(`whip: no session ${id}`);
          await s.close('whip delete');
          res.writeHead(200, cors).end();
          return;
        }
        if (method === 'PATCH') {
          // The answer already carries every candidate; trickle and ICE restart are not supported.
          if (!this.sessions.has(id)) throw new NotFoundError(`whip: no session ${id}`);
          throw new MethodNotAllowedError('whip: trickle ICE / ICE restart not supported', 'DELETE, OPTIONS');
        }
        throw new MethodNotAllowedError('whip: resource accepts DELETE', 'DELETE, PATCH, OPTIONS');
      }
      const whep = /^\/whep\/([^/]+)(?:\/([^/]+))?$/.exec(path);
      if (whep) {
        checkAuth(req, url, this.auth);
        const session = this.sessions.get(whep[1] as string);
        if (session === undefined) throw new NotFoundError(`whep: no session ${whep[1] ?? ''}`);
        if (whep[2] === undefined) {
          if (method !== 'POST') throw new MethodNotAllowedError('whep: use POST', 'POST, OPTIONS');
          requireMediaType(req, 'application/sdp', 'whep');
          const offer = await readBody(req, MAX_SDP_BYTES, 'whep');
          const max = this.#o.maxViewers ?? 32;
          const viewers = [...this.sessions.values()].reduce((n, s) => n + s.viewerCount, 0) + this.#pendingViewers;
          if (viewers >= max) throw new CapacityError(`whep: viewer limit of the server (${max}) reached`);
          this.#pendingViewers++;
          let added: { viewerId: string; answer: string };
          try {
            added = await session.addViewer(offer);
          } finally {
            this.#pendingViewers--;
          }
          const { viewerId, answer } = added;
          res.writeHead(201, { ...cors, 'Content-Type': 'application/sdp', Location: `/whep/${session.id}/${viewerId}` }).end(answer);
          return;
        }
        if (method === 'DELETE') {
          await session.removeViewer(whep[2]);
          res.writeHead(200, cors).end();
          return;
        }
        if (method === 'PATCH') throw new MethodNotAllowedError('whep: trickle ICE not supported', 'DELETE, OPTIONS');
        throw new MethodNotAllowedError('whep: resource accepts DELETE', 'DELETE, OPTIONS');
      }
      if (method !== 'GET' && method !== 'HEAD') throw new MethodNotAllowedError('only GET here', 'GET');
      // The pages are public: without the token they can still say "Not authorised" themselves.
      // Everything with media or state behind it (WHIP, WHEP, ws) checks the token the page carries.
      const file = await serveStatic(this.#o.viewerDist, path);
      res.writeHead(file.status, { 'Content-Type': file.type, 'Cache-Control': 'no-cache' }).end(method === 'HEAD' ? undefined : file.body);
    } catch (err) {
      this.#fail(res, err, method, path, cors);
    }
  }

  /**
   * `POST /v1/edit`: a photo (raw `image/png|jpeg|webp` body with `?text=…`, or `multipart/form-data`
   * with an `image` file and a `text` field; optional `faces` = all | N and `format` = png | jpeg |
   * webp) → the edited photo, same size. 415 not an image, 422 no face / a command the model cannot
   * carry out (with suggestions), 413 too large, 503 photo editing off or busy.
   */
  async #photoEdit(req: IncomingMessage, res: ServerResponse, url: URL, cors: Record<string, string>): Promise<void> {
    const photo = this.#o.photo;
    if (photo === undefined) throw new CapacityError('edit: photo editing is off on this server (it runs with --effect none)');
    const type = mediaType(req);
    if (type !== 'multipart/form-data' && IMAGE_TYPES[type] === undefined) {
      throw new UnsupportedMediaTypeError(`edit: body must be an image (image/png, image/jpeg, image/webp) or multipart/form-data (got ${type === '' ? 'none' : JSON.stringify(type)})`);
    }
    const body = await readBytes(req, MAX_PHOTO_BYTES, 'edit');
    let bytes: Uint8Array;
    let inType: string;
    const field = (name: string, form?: FormData): string | undefined => {
      const v = form?.get(name);
      return typeof v === 'string' ? v : (url.searchParams.get(name) ?? undefined);
    };
    let form: FormData | undefined;
    if (type === 'multipart/form-data') {
      try {
        form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
      } catch {
        throw new BadInputError('edit: malformed multipart/form-data body');
      }
      const file = form.get('image');
      if (file === null || typeof file === 'string') throw new BadInputError('edit: the form needs an "image" file field');
      bytes = new Uint8Array(await file.arrayBuffer());
      inType = file.type.toLowerCase();
    } else {
      bytes = body;
      inType = type;
    }
    const text = field('text', form);
    if (text === undefined || text.trim() === '') throw new BadInputError('edit: give the command as "text" (a form field or ?text=)');
    const facesRaw = field('faces', form);
    let faces: 'largest' | 'all' | number = 'largest';
    if (facesRaw === 'all') faces = 'all';
    else if (facesRaw !== undefined) {
      const n = Number(facesRaw);
      if (!Number.isInteger(n) || n < 1) throw new BadInputError(`edit: faces must be "all" or a positive integer (got ${JSON.stringify(facesRaw.slice(0, 20))})`);
      faces = n - 1;
    }
    const formatRaw = field('format', form);
    const format = formatRaw !== undefined ? IMAGE_TYPES[`image/${formatRaw.toLowerCase()}`] : (IMAGE_TYPES[inType] ?? 'png');
    if (format === undefined) throw new BadInputError(`edit: format must be png, jpeg or webp (got ${JSON.stringify(formatRaw)})`);
    if (this.#photoQueue >= MAX_PHOTO_QUEUE) throw new CapacityError(`edit: ${MAX_PHOTO_QUEUE} photos are being edited; try again shortly`);
    this.#photoQueue++;
    let out: Awaited<ReturnType<PhotoService['edit']>>;
    try {
      out = await photo.edit(bytes, { name: 'upload', command: text, faces, format });
    } catch (err) {
      const kind = err instanceof Error && 'kind' in err ? String((err as { kind: unknown }).kind) : 'other';
      const suggestions = err instanceof Error && 'suggestions' in err ? (err as { suggestions?: readonly string[] }).suggestions : undefined;
      const message = err instanceof Error ? err.message : String(err);
      if (kind === 'not-an-image') return this.#jsonError(res, 415, { error: 'content-type', message }, cors);
      if (kind === 'too-large') return this.#jsonError(res, 413, { error: 'too-large', message }, cors);
      if (kind === 'no-face') return this.#jsonError(res, 422, { error: 'no-face', message }, cors);
      if (kind === 'command') return this.#jsonError(res, 422, { error: 'unknown-word', message, ...(suggestions ? { suggestions } : {}) }, cors);
      if (kind === 'unsupported') return this.#jsonError(res, 422, { error: 'unsupported-edit', message }, cors);
      throw err;
    } finally {
      this.#photoQueue--;
    }
    this.#o.log.info('photo edited', { bytesIn: bytes.length, bytesOut: out.bytes.length, found: out.found, edited: out.edited, detectMs: Math.round(out.ms.detect), editMs: Math.round(out.ms.edit) });
    res
      .writeHead(200, { ...cors, 'Content-Type': `image/${format}`, 'Cache-Control': 'no-store', 'X-Faces-Found': String(out.found), 'X-Faces-Edited': String(out.edited), 'Access-Control-Expose-Headers': 'X-Faces-Found, X-Faces-Edited' })
      .end(out.bytes);
  }

  /** The virtual camera: this session's processed frames into ffmpeg `-f v4l2` while it lives. */
  #attachV4l2(session: Session, o: V4l2Output): V4l2Sink {
    const log = this.#o.log.child({ session: session.id, part: 'v4l2' });
    const sink = new V4l2Sink({ target: o.target, width: this.#o.width, height: this.#o.height, fps: this.#o.fps, ...(o.format ? { format: o.format } : {}), ...(this.#o.binary ? { binary: this.#o.binary } : {}) });
    sink.ready.then(
      () => log.info('v4l2 output started', { target: o.target }),
      (err: unknown) => log.error('v4l2 output failed to start', { target: o.target, error: err }),
    );
    sink.onDied((err) => log.error('v4l2 output stopped', { target: o.target, error: err }));
    session.video.on('processed', (frame) => sink.write(frame));
    this.v4l2Sink = sink;
    return sink;
  }

  async #whipPost(req: IncomingMessage, res: ServerResponse, url: URL, cors: Record<string, string>): Promise<void> {
    requireMediaType(req, 'application/sdp', 'whip');
    const offer = await readBody(req, MAX_SDP_BYTES, 'whip');
    const wanted = url.searchParams.get('session');
    const id = wanted !== null ? checkSessionId(wanted) : newSessionId();
    if (this.sessions.has(id) || this.#reserved.has(id)) throw new ConflictError(`whip: session ${id} exists`);
    if (this.sessions.size + this.#reserved.size >= this.#o.maxSessions) throw new CapacityError(`whip: session limit (${this.#o.maxSessions}) reached`);
    this.#reserved.add(id);
    try {
      const { session, answer } = await Session.fromOffer(offer, {
        id,
        processor: this.#o.processor,
        width: this.#o.width,
        height: this.#o.height,
        fps: this.#o.fps,
        log: this.#o.log,
        maxViewers: this.#o.maxViewersPerSession ?? 8,
        ice: { iceServers: this.#o.iceServers ?? [], candidates: candidatePolicy(this.#o.host, this.#o.iceAllowPrivate === true) },
        ...(this.#o.viewerConnectMs !== undefined ? { viewerConnectMs: this.#o.viewerConnectMs } : {}),
        ...(this.#o.rateLimits !== undefined ? { rateLimits: this.#o.rateLimits } : {}),
        ...(this.#o.recognizer ? { recognizer: this.#o.recognizer } : {}),
        ...(this.#o.binary ? { binary: this.#o.binary } : {}),
        ...(this.#o.model ? { model: this.#o.model } : {}),
      });
      if (this.#closed) {
        await session.close('server shutdown');
        throw new CapacityError('whip: server is shutting down');
      }
      this.sessions.set(id, session);
      const v4l2 = this.#o.v4l2 !== undefined && this.#o.v4l2.session === id ? this.#attachV4l2(session, this.#o.v4l2) : undefined;
      session.on('close', () => {
        this.sessions.delete(id);
        void v4l2?.close();
        for (const ws of this.#sockets.get(id) ?? []) ws.close(1001, 'session closed');
        this.#sockets.delete(id);
      });
      res
        .writeHead(201, {
          ...cors,
          'Content-Type': 'application/sdp',
          Location: `/whip/${id}`,
          // RFC 9725 §4.3.1: tells OBS and other clients which resource PATCH/DELETE go to.
          'Accept-Patch': 'application/trickle-ice-sdpfrag',
        })
        .end(answer);
    } finally {
      this.#reserved.delete(id);
    }
  }

  #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://server');
    const refuse = (status: number, body: HttpErrorBody): void => {
      const text = JSON.stringify(body);
      const extra = status === 401 ? 'WWW-Authenticate: Bearer\r\n' : '';
      const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status as 401 | 403 | 404] ?? 'Error';
      socket.end(`HTTP/1.1 ${status} ${reason}\r\n${extra}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    };
    try {
      this.#checkOrigin(req);
    } catch (err) {
      this.#o.log.info('ws upgrade refused', { origin: req.headers.origin, host: req.headers.host });
      return refuse(403, { error: 'forbidden', message: err instanceof Error ? err.message : 'forbidden' });
    }
    const m = /^\/ws\/([^/]+)$/.exec(url.pathname);
    if (!m) return refuse(404, { error: 'not-found', message: 'ws: use /ws/<session>' });
    try {
      checkAuth(req, url, this.auth);
    } catch (err) {
      return refuse(401, { error: 'auth', message: err instanceof Error ? err.message : 'auth' });
    }
    const session = this.sessions.get(m[1] as string);
    if (session === undefined) return refuse(404, { error: 'not-found', message: `ws: no session ${m[1] ?? ''}` });
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onSocket(session, ws));
  }

  #onSocket(session: Session, ws: WebSocket): void {
    let sockets = this.#sockets.get(session.id);
    if (sockets === undefined) this.#sockets.set(session.id, (sockets = new Set()));
    sockets.add(ws);
    const sink = {
      send: (m: object): void => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(m));
      },
    };
    const detach = session.attachClient(sink);
    ws.on('message', (data, isBinary) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (buf.length > MAX_MESSAGE_BYTES) {
        sink.send({ type: 'error', code: 'bad-message', message: `message: ${buf.length} bytes exceeds ${MAX_MESSAGE_BYTES}` });
        return;
      }
      session.handleMessage(isBinary ? buf : buf.toString('utf8'), sink);
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      detach();
      sockets.delete(ws);
    });
  }

  #json(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
  }

  /** A refusal's body, in the wire's shape (`{ error: code, message }`, docs/protocol.md). */
  #jsonError(res: ServerResponse, status: number, body: HttpErrorBody, headers: Record<string, string> = {}): void {
    this.#json(res, status, body, headers);
  }

  #fail(res: ServerResponse, err: unknown, method: string, path: string, cors: Record<string, string>): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof StreamServerError && err.status < 500) {
      const headers: Record<string, string> = { ...cors };
      if (err instanceof AuthError) headers['WWW-Authenticate'] = 'Bearer';
      if (err instanceof MethodNotAllowedError) headers['Allow'] = err.allow;
      this.#o.log.info('request refused', { method, path, status: err.status, reason: err.message });
      this.#jsonError(res, err.status, { error: err.code, message: err.message }, headers);
      return;
    }
    if (err instanceof CapacityError) {
      this.#o.log.info('request refused', { method, path, status: 503, reason: err.message });
      this.#jsonError(res, 503, { error: 'capacity', message: err.message }, { ...cors, 'Retry-After': RETRY_AFTER_S });
      return;
    }
    this.#o.log.error('request failed', { method, path, error: err });
    const message = err instanceof BadInputError ? err.message : 'internal error';
    this.#jsonError(res, 500, { error: 'internal', message }, cors);
  }
}
