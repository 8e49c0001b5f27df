/**
 * The errors of the frame path. Callers match on class, never on message text. None of them is a
 * client's mistake: a server answers them as an internal error (500).
 */

/** Base of every error @lfe/media throws or emits. */
export class MediaError extends Error {
  override readonly name: string = 'MediaError';
}

/** A call on something already closed or past its limits (an ffmpeg run with too much output). */
export class InvalidStateError extends MediaError {
  override readonly name = 'InvalidStateError';
}

/** ffmpeg could not be started at all (missing binary, spawn failure). */
export class FfmpegStartError extends MediaError {
  override readonly name = 'FfmpegStartError';
}

/** ffmpeg started but exited on its own (crash, kill, bad input). */
export class FfmpegExitError extends MediaError {
  override readonly name = 'FfmpegExitError';
  constructor(
    message: string,
    readonly exitCode: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly stderrTail: string,
  ) {
    super(message);
  }
}
