import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from './auth';

/**
 * Which `Host` names the server answers to and which page origins may call it (CORS, WebSocket).
 *
 * - Host: a server bound to loopback answers only to `127.0.0.1`, `localhost` and `[::1]` at its
 *   port (a DNS-rebinding page reaches it under its own name and is refused); one bound to a
 *   specific address, to that address; one bound to every interface (0.0.0.0, ::), to any name
 *   (the token is required there). `allowHosts` adds names (`name` or `name:port`).
 * - Origin: the server's own origin (`http://` + an accepted Host) and `allowOrigins`. A request
 *   without `Origin` is not from a browser page (curl, OBS, the test clients) and passes; the
 *   token rules still apply.
 */
export class OriginPolicy {
  readonly #bind: string;
  readonly #allowHosts: ReadonlySet<string>;
  readonly #allowOrigins: ReadonlySet<string>;

  constructor(bindHost: string, allowHosts: readonly string[] = [], allowOrigins: readonly string[] = []) {
    this.#bind = bindHost.toLowerCase();
    this.#allowHosts = new Set(allowHosts.map((h) => h.toLowerCase()));
    this.#allowOrigins = new Set(allowOrigins.map((o) => o.replace(/\/+$/, '').toLowerCase()));
  }

  get anyHost(): boolean {
    return (this.#bind === '0.0.0.0' || this.#bind === '::') && this.#allowHosts.size === 0;
  }

  /** Whether a `Host` header value (name[:port]) names this server listening on `port`. */
  hostAllowed(host: string | undefined, port: number): boolean {
    if (host === undefined || host === '') return false;
    if (this.anyHost) return true;
    const h = host.toLowerCase();
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(h);
    if (!m) return false;
    const name = m[1]!.replace(/^\[|\]$/g, '');
    const hostPort = m[2] === undefined ? 80 : Number(m[2]);
    if (this.#allowHosts.has(h) || this.#allowHosts.has(name)) return true;
    if (hostPort !== port) return false;
    if (isLoopbackHost(this.#bind)) return name === 'localhost' || name === '::1' || name === this.#bind || name === '127.0.0.1';
    return name === this.#bind;
  }

  /** Whether a page at `origin` may call the server reached under `host`. */
  originAllowed(origin: string, host: string | undefined, port: number): boolean {
    const o = origin.replace(/\/+$/, '').toLowerCase();
    if (this.#allowOrigins.has('*') || this.#allowOrigins.has(o)) return true;
    const m = /^http:\/\/(.+)$/.exec(o);
    if (!m) return false;
    // Same origin: the page was served by this server under a name it answers to.
    return (host !== undefined && m[1] === host.toLowerCase() && this.hostAllowed(host, port)) || (!this.anyHost && this.hostAllowed(m[1], port));
  }

  /** The request's `Origin`, or undefined when it has none (not a browser page). */
  static originOf(req: IncomingMessage): string | undefined {
    const o = req.headers.origin;
    return o === undefined || o === '' ? undefined : o;
  }
}
