/**
 * Commands and flags. Parsing only: main.ts decides what runs and the exit code.
 */
import yargs, { type Argv } from 'yargs';
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
  | { kind: 'done' }; // a subcommand already ran (its handler set process.exitCode)

export type RegisterCommands = (y: Argv) => Argv;

// yargs drops a bare "-" argument, so it travels under another name.
const STDIN_ARG = '\u0000stdin';

export async function parseCli(argv: string[], extra: RegisterCommands[] = []): Promise<Command> {
  let command: Command = { kind: 'done' };
  let y: Argv = yargs(argv.map((a) => (a === '-' ? STDIN_ARG : a)))
    .middleware(restoreStdinArg, true)
    .scriptName('requestflow')
    .usage('$0 [options] <file|-> ...\n\nFollow JSON request logs and export them as spans to Zipkin.')
    .command('$0 [inputs..]', 'follow log files (or "-" for stdin) and export spans to Zipkin until stopped', (c) =>
      c.positional('inputs', { type: 'string', array: true, describe: 'log files to follow; "-" reads stdin' }),
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
    .option('once', { type: 'boolean', default: false, describe: 'read each input from start to end, export everything, wait for Zipkin to accept it, print a summary and exit' })
    .option('zipkin-url', { type: 'string', describe: `Zipkin span endpoint (config zipkin.url; default ${DEFAULT_ZIPKIN_URL})` })
    .option('config', { type: 'string', describe: 'YAML config file (see config/requestflow.example.yaml); flags override it' })
    // Not `array: true`: that would swallow the file names after it; repeats still gather into an array.
    .option('set', { type: 'string', describe: 'set a config key, e.g. --set log.level=debug (repeatable; overrides the file and REQUESTFLOW_* variables)' })
    .option('json', { type: 'boolean', default: false, describe: 'print the --once summary as one JSON object on stdout' })
    .example('$0 --once test/fixtures/legacy/flat-single-service.ndjson', 'export one file to Zipkin on localhost and print a summary')
    .example('my-service | $0 --zipkin-url http://zipkin:9411/api/v2/spans -', "follow a service's stdout")
    .example('$0 --config config/requestflow.example.yaml /var/log/app/*.log', 'follow files with a config file')
    .example('$0 --once --json app.log | jq .rejected', 'why lines were rejected, as JSON')
    .strict()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 110));
  for (const register of extra) y = register(y);
  await y.parseAsync();
  return command;
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
