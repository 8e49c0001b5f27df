/**
 * Structured JSON logs, one object per line on stderr. Personal data rule: transcripts and command
 * text go only under the `transcript` / `text` keys, never into `msg`.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

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
  write?: (line: string) => void;
}

function errorFields(v: unknown): unknown {
  if (v instanceof Error) return { name: v.name, message: v.message };
  return v;
}

export function createLogger(base: LogFields = {}, options: LoggerOptions = {}): Logger {
  const envLevel = process.env['LFE_LOG_LEVEL'] as LogLevel | undefined;
  const level: LogLevel = options.level ?? (envLevel !== undefined && envLevel in ORDER ? envLevel : 'info');
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const emit = (lvl: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields): void => {
    if (ORDER[lvl] < ORDER[level]) return;
    const record: LogFields = { time: new Date().toISOString(), level: lvl, ...base, msg };
    if (fields !== undefined) for (const [k, v] of Object.entries(fields)) record[k] = errorFields(v);
    try {
      write(`${JSON.stringify(record)}\n`);
    } catch {
      // A log sink that fails must not take the media loop with it.
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...base, ...fields }, { level, write }),
  };
}

/** A logger that drops everything (tests that do not inspect logs). */
export const silentLogger: Logger = createLogger({}, { level: 'silent' });
