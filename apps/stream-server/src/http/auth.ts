import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { AuthError } from '../errors';

export interface AuthPolicy {
  token: string;
  /** False only on loopback without --require-token. */
  required: boolean;
}

export function generateToken(): string {
  return randomBytes(18).toString('base64url');
}

/** An address or name that only this machine reaches: 127.0.0.0/8, ::1 (also v4-mapped), `localhost`. Exact: `127.evil.example` is not. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

function same(a: string, b: string): boolean {
  // Hash first: timingSafeEqual needs equal lengths, and the hash hides the token's length.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** The token a request presents: `Authorization: Bearer T` (WHIP/WHEP) or `?token=T` (WebSocket, pages); '' when none. */
export function presentedToken(req: IncomingMessage, url: URL): string {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1] ?? url.searchParams.get('token') ?? '';
}

/** Whether the request presents the right token. */
export function hasToken(req: IncomingMessage, url: URL, policy: AuthPolicy): boolean {
  const presented = presentedToken(req, url);
  return presented !== '' && same(presented, policy.token);
}

/**
 * Throws AuthError unless the request may go on: a presented token must be right, always (also on
 * the loopback default, where none is needed); without one, only when the token is not required.
 */
export function checkAuth(req: IncomingMessage, url: URL, policy: AuthPolicy): void {
  const presented = presentedToken(req, url);
  if (presented !== '') {
    if (!same(presented, policy.token)) throw new AuthError('auth: wrong token');
    return;
  }
  if (policy.required) throw new AuthError('auth: token required');
}
