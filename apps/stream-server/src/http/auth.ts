import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { AuthError } from '../errors';

export interface AuthPolicy {
  token: string;
  /** False only on loopback without --require-token. */
  required: boolean;
}

export function generateToken(): string {
  return randomBytes(18).toString('base64url');
}

export function isLoopbackHost(host: string): boolean {
  return host === '127.0.0.1' || host === '::1' || host === 'localhost' || host.startsWith('127.');
}

function same(a: string, b: string): boolean {
  // Hash first: timingSafeEqual needs equal lengths, and the hash hides the token's length.
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** `Authorization: Bearer T` (WHIP/WHEP) or `?token=T` (WebSocket, pages). Throws AuthError. */
export function checkAuth(req: IncomingMessage, url: URL, policy: AuthPolicy): void {
  if (!policy.required) return;
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const presented = m?.[1] ?? url.searchParams.get('token') ?? '';
  if (presented === '' || !same(presented, policy.token)) throw new AuthError(presented === '' ? 'auth: token required' : 'auth: wrong token');
}
