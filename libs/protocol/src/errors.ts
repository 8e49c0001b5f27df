/**
 * The error codes of the wire (docs/protocol.md), shared by the server that sends them and the page
 * that reads them, and the one error the parsers throw. Server-internal error classes (and their
 * HTTP statuses) stay in apps/stream-server/src/errors.ts; the page's own in apps/viewer.
 */

/** `code` of a WebSocket / data-channel `error` message. */
/** `unsupported-edit`: a valid command the server's model cannot do (its world has no such attribute level, e.g. "red hair" with the real-face model). */
export type ErrorCode = 'unknown-word' | 'too-long' | 'bad-message' | 'capacity' | 'auth' | 'invalid-command' | 'unsupported-edit' | 'rate-limited' | 'voice';

/** `error` of the JSON body of a refused HTTP request (WHIP, WHEP, the WebSocket upgrade, `POST /v1/edit`). */
export type HttpErrorCode =
  | 'internal'
  | 'bad-request'
  | 'content-type'
  | 'too-large'
  | 'not-found'
  | 'conflict'
  | 'capacity'
  | 'forbidden'
  | 'auth'
  | 'method'
  | 'no-face'
  | 'unknown-word'
  | 'unsupported-edit';

/** The JSON body of a refused HTTP request. `suggestions` only with `unknown-word` (a photo's command). */
export interface HttpErrorBody {
  readonly error: HttpErrorCode;
  readonly message: string;
  readonly suggestions?: readonly string[];
}

/**
 * A message that does not fit the protocol, naming the field (`state.edits[0].degree: …`). Thrown
 * by `parseClientMessage` (the server answers `code: "bad-message"` and keeps the socket open) and
 * by `parseServerMessage` (the page counts the message and drops it).
 */
export class ProtocolError extends TypeError {
  override readonly name = 'ProtocolError';
}
