/**
 * What the media classes log through: a warning when a child dies and is restarted, an error when
 * one cannot start. The server's structured JSON logger fits this shape as it is.
 */
export interface MediaLogger {
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything (tests that do not inspect logs). */
export const silentMediaLogger: MediaLogger = { warn: () => undefined, error: () => undefined };
