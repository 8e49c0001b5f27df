import { pino, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';

/**
 * Structured JSON logs through pino, one object per line on stderr:
 * `{"level":"info","time":"<ISO 8601>",...bindings,...fields,"msg":"..."}` (level as its name, time
 * as ISO text, no pid/hostname). Personal data rule: transcripts and command text go only under the
 * `transcript` / `text` keys, never into `msg`.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where each line goes (default stderr). */
  write?: (line: string) => void;
}

/** An Error as `{ name, message }` (no stack: paths stay out of the logs), anything else as it is. */
function plain(fields: LogFields): LogFields {
  let out: LogFields | undefined;
  for (const [k, v] of Object.entries(fields)) {
    if (v instanceof Error) {
      out ??= { ...fields };
      out[k] = { name: v.name, message: v.message };
    }
  }
  return out ?? fields;
}

/** A sink that swallows its own failures: a log sink that fails must not take the media loop with it. */
function sink(write: (line: string) => void): DestinationStream {
  return {
    write(line: string): void {
      try {
        write(line);
      } catch {
        // dropped
      }
    },
  };
}

function wrap(p: PinoLogger): Logger {
  return {
    debug: (m, f) => (f === undefined ? p.debug(m) : p.debug(plain(f), m)),
    info: (m, f) => (f === undefined ? p.info(m) : p.info(plain(f), m)),
    warn: (m, f) => (f === undefined ? p.warn(m) : p.warn(plain(f), m)),
    error: (m, f) => (f === undefined ? p.error(m) : p.error(plain(f), m)),
    child: (fields) => wrap(p.child(plain(fields))),
  };
}

/** A logger at `options.level` (else `LFE_LOG_LEVEL`, else info) with `base` on every line. */
export function createLogger(base: LogFields = {}, options: LoggerOptions = {}): Logger {
  const envLevel = process.env['LFE_LOG_LEVEL'] as LogLevel | undefined;
  const level: LogLevel = options.level ?? (envLevel !== undefined && LEVELS.includes(envLevel) ? envLevel : 'info');
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const root = pino(
    {
      level,
      base: null,
      messageKey: 'msg',
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: (v: unknown) => v }, // errors are already { name, message } (plain)
    },
    sink(write),
  );
  return wrap(Object.keys(base).length > 0 ? root.child(plain(base)) : root);
}

/** A logger that drops everything (tests that do not inspect logs). */
export const silentLogger: Logger = createLogger({}, { level: 'silent' });
