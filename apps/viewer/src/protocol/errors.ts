/**
 * The viewer's errors. The UI picks the message to show by class, never by message text. A server
 * message that does not fit the protocol is @lfe/protocol's `ProtocolError`.
 */

/** The server answered 401: wrong or missing token. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
}

/** The server answered 503: its session limit is reached. */
export class CapacityError extends Error {
  override readonly name = 'CapacityError';
}

/** No HTTP answer at all (connection refused, DNS, CORS, offline). */
export class UnreachableError extends Error {
  override readonly name = 'UnreachableError';
}

/** Any other non-success HTTP status. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** getUserMedia refused or found no device. */
export class MediaAccessError extends Error {
  override readonly name = 'MediaAccessError';
  constructor(
    readonly reason: 'denied' | 'no-device' | 'in-use' | 'insecure' | 'other',
    message: string,
  ) {
    super(message);
  }
}
