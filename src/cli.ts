/**
 * Commands and flags. Parsing only: main.ts decides what runs and the exit code.
 * Each command declares its own options (the daemon's --once, --json, ... are
 * the default command's). Every usage error (an unknown flag, a missing
 * argument, a value a command's check refuses, a mistyped command name) comes
 * back as { kind: 'usage-error' } with the command's help hint, for main.ts to
 * print and exit 2.
 */
import { existsSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { suggest } from './config/did-you-mean.js';
import { DEFAULT_ZIPKIN_URL } from './config/schema.js';

export interface RunArgs {
  inputs: string[];
  once: boolean;
  json: boolean;
  config?: string;
  zipkinUrl?: string;
  /** --set key=value, in order. */
  set: string[];
}

export type Command =
  | { kind: 'run'; args: RunArgs }
  /** help: the command that shows the usage, e.g. "requestflow analyze trace --help". */
  | { kind: 'usage-error'; message: string; help: string }
  | { kind: 'done' }; // a subcommand already ran (its handler set process.exitCode)

export type RegisterCommands = (y: Argv) => Argv;

/** A module's subcommands: their names (for "did you mean") and how to register them. */
export interface Subcommands {
  names: readonly string[];
  register: RegisterCommands;
}

// yargs drops a bare "-" argument, so it travels under another name.
const STDIN_ARG = '\u0000stdin';

class UsageError extends Error {
  constructor(message: string, readonly help: string) {
    super(message);
  }
}

export async function parseCli(argv: string[], extra: Subcommands[] = []): Promise<Command> {
  let command: Command = { kind: 'done' };
  const commandNames = extra.flatMap((s) => s.names);
  let y: Argv = yargs(argv.map((a) => (a === '-' ? STDIN_ARG : a)))
    .middleware(restoreStdinArg, true)
    .scriptName('requestflow')
    .usage('$0 [options] <file|-> ...\n\nFollow JSON request logs and export them as spans to Zipkin.')
    .command('$0 [inputs..]', 'follow log files (or "-" for stdin) and export spans to Zipkin until stopped', (c) => configOptions(c
      .positional('inputs', { type: 'string', array: true, describe: 'log files to follow; "-" reads stdin' })
      .option('once', { type: 'boolean', default: false, describe: 'read each input from start to end, export everything, wait for Zipkin to accept it, print a summary and exit' })
      .option('zipkin-url', spanEndpointOption)
      .option('json', { type: 'boolean', default: false, describe: 'print the --once summary as one JSON object on stdout' }))
      .check((a) => checkRunArgs(a, commandNames)),
    (a) => {
      command = {
        kind: 'run',
        args: {
          inputs: (a.inputs as string[] | undefined) ?? [],
          once: Boolean(a.once),
          json: Boolean(a.json),
          config: a.config as string | undefined,
          zipkinUrl: a['zipkin-url'] as string | undefined,
          set: asList(a.set),
        },
      };
    })
    .example('$0 --once test/fixtures/legacy/flat-single-service.ndjson', 'export one file to Zipkin on localhost and print a summary')
    .example('my-service | $0 --zipkin-url http://zipkin:9411/api/v2/spans -', "follow a service's stdout")
    .example('$0 --config config/requestflow.example.yaml /var/log/app/*.log', 'follow files with a config file')
    .example('$0 --once --json app.log | jq .rejected', 'why lines were rejected, as JSON')
    .strict()
    // A message and where to read more, not the whole help text; main.ts exits 2.
    // A handler's own error (msg null) is no usage error: it goes on to main.ts as it is.
    .fail((msg, err, usage) => {
      if (!msg && err) throw err;
      throw new UsageError(msg || String(err), helpCommandOf(usage));
    })
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 110));
  for (const s of extra) y = s.register(y);
  try {
    await y.parseAsync();
  } catch (e) {
    if (e instanceof UsageError) return { kind: 'usage-error', message: e.message, help: e.help };
    throw e;
  }
  return command;
}

/** --zipkin-url as the daemon (and print-config) read it: the span endpoint, config key zipkin.url. */
export const spanEndpointOption = {
  type: 'string',
  describe: `Zipkin span endpoint (config zipkin.url; default ${DEFAULT_ZIPKIN_URL})`,
} as const;

/** --config and --set: the layered configuration (file < REQUESTFLOW_* variables < flags). */
export function configOptions<T>(y: Argv<T>) {
  return y
    .option('config', { type: 'string', describe: 'YAML config file (see config/requestflow.example.yaml); REQUESTFLOW_* variables and flags override it' })
    // Not `array: true`: that would swallow the file names after it; repeats still gather into an array.
    .option('set', { type: 'string', describe: 'set a config key, e.g. --set log.level=debug (repeatable; overrides the file and REQUESTFLOW_* variables)' });
}

/**
 * The default command's own checks: a mistyped subcommand (`analyse trace x`)
 * would otherwise follow files named analyse, trace and x; --json only
 * changes the --once summary.
 */
function checkRunArgs(a: { inputs?: unknown; json?: unknown; once?: unknown }, commandNames: readonly string[]): true {
  const first = (a.inputs as string[] | undefined)?.[0];
  // A path or a glob is a file name, however close to a command's name.
  if (first !== undefined && !/[/\\*?[]/.test(first) && first !== '-' && !existsSync(first)) {
    const near = suggest(first, [...commandNames]);
    if (near) throw new Error(`unknown command "${first}" (did you mean ${near}?)`);
  }
  if (a.json && !a.once) throw new Error('--json applies to --once (it prints the summary as JSON)');
  return true;
}

/**
 * "requestflow analyze trace --help" for the command being parsed. yargs
 * passes its usage object, whose usage line is "$0 analyze trace <requestId>":
 * the words before the first argument are the command.
 */
function helpCommandOf(usage: unknown): string {
  const line = (usage as { getUsage?: () => Array<[string, string]> } | undefined)?.getUsage?.()?.[0]?.[0] ?? '$0';
  const words: string[] = [];
  for (const w of line.split(/\s+/).slice(1)) {
    if (!/^[a-z][\w-]*$/.test(w)) break;
    words.push(w);
  }
  return ['requestflow', ...words, '--help'].join(' ');
}

/** Turns the stand-in back into "-" in every argument, for every command. */
function restoreStdinArg(argv: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(argv)) {
    if (v === STDIN_ARG) argv[k] = '-';
    else if (Array.isArray(v)) argv[k] = v.map((x) => (x === STDIN_ARG ? '-' : x));
  }
}

/** A repeatable option: absent, once (a string) or repeated (an array). */
export function asList(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}
