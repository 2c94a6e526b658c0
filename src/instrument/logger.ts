/**
 * Application log lines (`category: application`) carrying the current
 * request's ids; outside a request they carry neither ids nor category.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import type { EventLog, LevelName } from './event-log.js';
import type { LogLevel, ResolvedOptions } from './options.js';
import type { RequestState } from './request-context.js';

/** Structured details of a line; Error values are written as {msg, traceback}. */
export type LogContext = Record<string, unknown>;

export interface Logger {
  debug(message: string, context?: LogContext): void;
  info(message: string, context?: LogContext): void;
  warn(message: string, context?: LogContext): void;
  error(message: string, context?: LogContext): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const LEVEL_NAMES: Record<LogLevel, LevelName> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };
const NOOP = () => {};

export function createLogger(store: AsyncLocalStorage<RequestState>, log: EventLog, options: ResolvedOptions): Logger {
  // Levels below the threshold are bound to a no-op once, not checked per call.
  const method = (level: LogLevel) => {
    if (!log.enabled || RANK[level] < RANK[options.logLevel]) return NOOP;
    const levelName = LEVEL_NAMES[level];
    return (message: string, context?: LogContext) =>
      log.application(store.getStore(), levelName, options.serviceName, message, context === undefined ? undefined : plain(context));
  };
  return Object.freeze({ debug: method('debug'), info: method('info'), warn: method('warn'), error: method('error') });
}

// Error objects stringify as {}; write what they say instead.
function plain(context: LogContext): LogContext {
  let copy: LogContext | undefined;
  for (const key of Object.keys(context)) {
    const value = context[key];
    if (value instanceof Error) {
      copy ??= { ...context };
      copy[key] = { msg: value.message, traceback: value.stack ?? null };
    }
  }
  return copy ?? context;
}
