/** Options of createInstrumentation: type, defaults, validation (once, then frozen). */

export type OutputMode = 'flat' | 'aggregated';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The `environment` field written on every line. */
export interface EnvironmentInfo {
  /** e.g. "staging", "prod". */
  name?: string;
  hostname?: string;
  datacenter?: string;
}

export interface InstrumentationOptions {
  /** `service_name` of every line, e.g. "catalog" (without the environment). Required. */
  serviceName: string;
  /** 'flat': one line per event; 'aggregated': one line per request, written when it ends. Default 'flat'. */
  mode?: OutputMode;
  /** false: write nothing at all; the id headers are still read and sent. Default true. */
  logging?: boolean;
  /** Where lines are written, one JSON object per line. Default process.stdout. */
  output?: NodeJS.WritableStream;
  /** Log request and response bodies (first MAX_LOGGED_BODY_BYTES bytes). Default false. */
  logBodies?: boolean;
  /** Log the args/kwargs of outgoing calls (they may hold ids or personal data). Default false. */
  logArgs?: boolean;
  /** Written as `environment` on every line. Default: the field is absent. */
  environment?: EnvironmentInfo;
  /** Lowest level of application lines (`log.*`) written. Default 'info'. */
  logLevel?: LogLevel;
}

/** Bodies logged with logBodies are cut to this many bytes. */
export const MAX_LOGGED_BODY_BYTES = 16 * 1024;
/** Lines are dropped (and counted) while the output holds more than this many unwritten bytes. */
export const MAX_BUFFERED_OUTPUT_BYTES = 8 * 1024 * 1024;
/** Aggregated mode writes a request's events early, in parts, once this many are waiting. */
export const MAX_EVENTS_PER_AGGREGATED_LINE = 500;

export interface ResolvedOptions {
  readonly serviceName: string;
  readonly mode: OutputMode;
  readonly logging: boolean;
  readonly output: NodeJS.WritableStream;
  readonly logBodies: boolean;
  readonly logArgs: boolean;
  readonly environment: Readonly<EnvironmentInfo> | undefined;
  readonly logLevel: LogLevel;
}

const MODES: readonly string[] = ['flat', 'aggregated'];
const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'];

/** Defaults applied and every field checked; throws TypeError at start-up rather than misbehave later. */
export function resolveOptions(options: InstrumentationOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('createInstrumentation: options object required');
  }
  const { serviceName } = options;
  if (typeof serviceName !== 'string' || serviceName.trim() === '') {
    throw new TypeError('createInstrumentation: serviceName must be a non-empty string');
  }
  const mode = options.mode ?? 'flat';
  if (!MODES.includes(mode)) throw new TypeError(`createInstrumentation: mode must be 'flat' or 'aggregated', got ${String(mode)}`);
  const logLevel = options.logLevel ?? 'info';
  if (!LEVELS.includes(logLevel)) throw new TypeError(`createInstrumentation: unknown logLevel ${String(logLevel)}`);
  const output = options.output ?? process.stdout;
  if (typeof output?.write !== 'function') throw new TypeError('createInstrumentation: output must be a writable stream');
  const env = options.environment;
  return Object.freeze({
    serviceName,
    mode,
    logging: options.logging ?? true,
    output,
    logBodies: options.logBodies ?? false,
    logArgs: options.logArgs ?? false,
    environment: env === undefined ? undefined : Object.freeze({ ...env }),
    logLevel,
  });
}
