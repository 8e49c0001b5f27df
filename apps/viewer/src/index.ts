/**
 * Public API of @lfe/viewer: the page's pure parts, for tests in other projects. The pages
 * themselves are `index.html` and `obs.html`. The wire contract (messages, their parser, the frame
 * stamp, `ProtocolError`) is @lfe/protocol's.
 */
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './util/backoff';
export { CommandClient, ReconnectingSocket, MAX_TRANSCRIPT_LINES, type TranscriptLine, type CommandFailure, type SocketStatus } from './protocol/command-client';
export { AuthError, CapacityError, HttpError, MediaAccessError, UnreachableError } from './protocol/errors';
export { whipPublish, whepWatch, sessionFromLocation, commandSocketUrl } from './protocol/http';
export { LatencyTracker } from './stats/latency-tracker';
export { percentile } from './stats/percentile';
