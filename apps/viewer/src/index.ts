/**
 * Public API of @lfe/viewer: the page's pure parts, for tests in other projects (E2E reads the same
 * stamp layout and protocol types). The pages themselves are `index.html` and `obs.html`.
 */
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './util/backoff';
export { CommandClient, ReconnectingSocket, MAX_TRANSCRIPT_LINES, type TranscriptLine, type CommandFailure, type SocketStatus } from './protocol/command-client';
export { parseServerMessage, encodeClientMessage, MIC_MODES, MAX_COMMAND_CHARS, MAX_MESSAGE_BYTES } from './protocol/messages';
export type { ActiveEdit, ClientMessage, MicMode, ServerMessage, StateMessage, StatsMessage } from './protocol/messages';
export { AuthError, CapacityError, HttpError, MediaAccessError, ProtocolError, UnreachableError } from './protocol/errors';
export { whipPublish, whepWatch, sessionFromLocation, commandSocketUrl } from './protocol/http';
export { LatencyTracker } from './stats/latency-tracker';
export { percentile } from './stats/percentile';
export { readStampStrip, stampRect, STAMP_BITS } from './stats/frame-stamp';
