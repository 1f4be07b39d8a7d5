/** Fields a log line may carry: ids, counts and timings, never file names or tokens. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Log {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

function line(level: string, message: string, fields?: LogFields): string {
  const rest = Object.entries(fields ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `${new Date().toISOString()} ${level} ${message}${rest ? ' ' + rest : ''}`;
}

/** One line per event on stdout/stderr, `key=value` fields after the message. */
export const consoleLog: Log = {
  info: (m, f) => console.log(line('info', m, f)),
  warn: (m, f) => console.warn(line('warn', m, f)),
  error: (m, f) => console.error(line('error', m, f)),
};

/** Drops everything (tests). */
export const silentLog: Log = { info() {}, warn() {}, error() {} };
