/** Public API of @lfe/stream-server: the server, the frame-processor seam, and the test client. */
export { StreamServer, type StreamServerOptions } from './http/server';
export type { RgbFrame } from '@lfe/media';
export { PassthroughProcessor, type FrameProcessor, type SessionView } from './media/frame-processor';
export { createFrameProcessor } from './processors';
export type { ActiveEdit, EditSnapshot } from './session/edit-state';
export * from './errors';
// ffmpeg's errors live with ffmpeg in @lfe/media; re-exported so the server's API keeps them.
export { FfmpegExitError, FfmpegStartError } from '@lfe/media';
