/**
 * The one errors module of the stream server. Callers (the HTTP layer, the WebSocket handler) match
 * on class, never on message text; each HTTP-facing error carries its status and protocol code
 * (the codes themselves are the wire's, in @lfe/protocol; a message that does not fit the protocol
 * is @lfe/protocol's `ProtocolError`).
 */
import type { HttpErrorCode } from '@lfe/protocol';

/** Base of every error the server turns into an HTTP status or a protocol `error` message. */
export class StreamServerError extends Error {
  override readonly name: string = 'StreamServerError';
  readonly status: number = 500;
  readonly code: HttpErrorCode = 'internal';
}

/** Malformed input: SDP, JSON, a field out of range. Always a client mistake (400). */
export class BadInputError extends StreamServerError {
  override readonly name: string = 'BadInputError';
  override readonly status: number = 400;
  override readonly code: HttpErrorCode = 'bad-request';
}

export class UnsupportedMediaTypeError extends StreamServerError {
  override readonly name = 'UnsupportedMediaTypeError';
  override readonly status = 415;
  override readonly code = 'content-type';
}

export class PayloadTooLargeError extends StreamServerError {
  override readonly name = 'PayloadTooLargeError';
  override readonly status = 413;
  override readonly code = 'too-large';
}

export class NotFoundError extends StreamServerError {
  override readonly name = 'NotFoundError';
  override readonly status = 404;
  override readonly code = 'not-found';
}

export class ConflictError extends StreamServerError {
  override readonly name = 'ConflictError';
  override readonly status = 409;
  override readonly code = 'conflict';
}

export class CapacityError extends StreamServerError {
  override readonly name = 'CapacityError';
  override readonly status = 503;
  override readonly code = 'capacity';
}

/** Refused whatever the credentials: a Host the server does not answer to, a page origin it does not allow. */
export class ForbiddenError extends StreamServerError {
  override readonly name = 'ForbiddenError';
  override readonly status = 403;
  override readonly code = 'forbidden';
}

export class AuthError extends StreamServerError {
  override readonly name = 'AuthError';
  override readonly status = 401;
  override readonly code = 'auth';
}

export class MethodNotAllowedError extends StreamServerError {
  override readonly name = 'MethodNotAllowedError';
  override readonly status = 405;
  override readonly code = 'method';
  constructor(
    message: string,
    /** Value of the `Allow` header. */
    readonly allow: string,
  ) {
    super(message);
  }
}

/** A call on something already closed (session, pipeline). ffmpeg's errors are @lfe/media's. */
export class InvalidStateError extends StreamServerError {
  override readonly name = 'InvalidStateError';
}

/** `--effect` names an effect this build cannot run yet. */
export class UnsupportedError extends StreamServerError {
  override readonly name = 'UnsupportedError';
}
