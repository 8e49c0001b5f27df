/**
 * Public API of @lfe/protocol: the wire contract of viewer and server (docs/protocol.md), one copy
 * for both. Browser-safe: no Node built-ins and no other project of the repo.
 */
export {
  MAX_COMMAND_CHARS,
  MAX_MESSAGE_BYTES,
  MAX_MODEL_LEVELS,
  MIC_MODES,
  encodeClientMessage,
  parseClientMessage,
  parseServerMessage,
  type AckMessage,
  type ActiveEdit,
  type ClientMessage,
  type ErrorMessage,
  type MicMode,
  type ModelInfo,
  type ParsedErrorMessage,
  type ParsedServerMessage,
  type ParsedStatsMessage,
  type ParsedTranscriptMessage,
  type Percentiles,
  type ServerMessage,
  type StateMessage,
  type StatsMessage,
  type TranscriptMessage,
} from './messages';
export { ProtocolError, type ErrorCode, type HttpErrorBody, type HttpErrorCode } from './errors';
export {
  STAMP_BITS,
  STAMP_BLOCK,
  STAMP_REFERENCE_WIDTH,
  readFrameNumber,
  readStampStrip,
  stampFrameNumber,
  stampRect,
  type StampFrame,
} from './frame-stamp';
