import pino, { type Logger } from 'pino';
import { redactUrls } from './redact.ts';

export type { Logger };

export interface LoggerOptions {
  level: string;
  format: 'pretty' | 'json';
}

/** One logger for the process: structured JSON, or pretty for a terminal. URLs are redacted in every message. */
export function createLogger(opts: LoggerOptions): Logger {
  return pino({
    level: opts.level,
    base: undefined,
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? redactUrls(a) : a)) as Parameters<typeof method>);
      },
    },
    ...(opts.format === 'pretty'
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss.l', destination: 2 } } }
      : {}),
  }, opts.format === 'json' ? pino.destination(2) : undefined);
}

let current: Logger | undefined;

/** The process logger; defaults to warn-level JSON until the CLI sets it from config (tests stay quiet). */
export function log(): Logger {
  current ??= pino({ level: process.env.MEGATRON_TEST_LOG ?? 'warn', base: undefined }, pino.destination(2));
  return current;
}

export function setLogger(logger: Logger): void {
  current = logger;
}
