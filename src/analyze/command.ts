/**
 * `requestflow analyze trace|endpoint|dependencies`: reads traces back from a
 * Zipkin server (so it sees both sides of every call, from every pod) and
 * answers the three questions. Registered through cli.ts's `extra` hook.
 * Output: text tables on stdout, or --json, plus --html FILE. Progress on
 * stderr when many traces are fetched. Exit codes: 0 answered, 1 nothing
 * found, 2 bad usage, 3 Zipkin could not be queried.
 */
import { closeSync, existsSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Argv } from 'yargs';
import { asList, configOptions, type Subcommands } from '../cli.js';
import { runFlags } from '../config/commands.js';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { analyzeDependencies } from './dependency-analysis.js';
import { parseDurationMs } from './durations.js';
import { analyzeEndpoint } from './endpoint-analysis.js';
import { renderDependenciesHtml, renderEndpointHtml, renderTraceHtml } from './render-html.js';
import { renderDependenciesText, renderEndpointText, renderTraceText } from './render-text.js';
import { requestIdProblem, traceIdCandidates } from './request-id.js';
import { traceReport } from './trace-report.js';
import { DEFAULT_ZIPKIN_BASE_URL, ZipkinClient, ZipkinQueryError, type FetchProgress } from './zipkin-client.js';

export const EXIT_NOT_FOUND = 1;
export const EXIT_USAGE = 2;
export const EXIT_ZIPKIN = 3;

/** Below this many traces a query is quick and prints no progress. */
const PROGRESS_MIN_TRACES = 200;
const DEFAULT_LIMIT = 10_000;
/** Zipkin reads limit as a Java int. */
const MAX_LIMIT = 2_147_483_647;
/** A longer lookback's windows reach back before 1970, which Zipkin refuses (endTs <= 0); no store keeps ten years anyway. */
const MAX_LOOKBACK_MS = 3650 * 86_400_000;

/** Flags every analyze command reads (declared on `analyze`, so its subcommands inherit them). */
interface CommonArgs {
  zipkinUrl?: string;
  config?: string;
  set?: unknown;
  json?: unknown;
  html?: string;
}

interface Output<T> {
  report: T;
  text: (r: T) => string;
  html: (r: T) => string;
}

class UsageError extends Error {}
class NotFound extends Error {}

export const analyzeCommand: Subcommands = { names: ['analyze'], register: registerAnalyze };

export function registerAnalyze(y: Argv): Argv {
  return y.command('analyze', 'answer the three questions from the traces in a Zipkin server (trace | endpoint | dependencies)', (a) => configOptions(a
    .option('zipkin-url', { type: 'string', describe: `Zipkin base URL (the span endpoint or UI link also work; default ${DEFAULT_ZIPKIN_BASE_URL}, or zipkin.url from the configuration)` })
    .option('json', { type: 'boolean', default: false, describe: 'print the report as JSON (for scripts) instead of tables' })
    .option('html', { type: 'string', requiresArg: true, describe: 'also write a self-contained HTML page with charts to this file' }))
    .command('trace <requestId>', 'why did this request fail, and where did its time go: waterfall, critical path, failure explanation',
      (c) => c.positional('requestId', { type: 'string', demandOption: true, describe: 'the request id (X-Hulu-Request-Id), with or without dashes, or a Zipkin trace id' })
        .check((argv) => usageCheck(requestIdProblem(String(argv.requestId)))),
      (argv) => run(argv, async (zipkin) => {
        const requestId = String(argv.requestId);
        for (const id of traceIdCandidates(requestId)) {
          const spans = await zipkin.trace(id);
          if (spans?.length) return { report: traceReport(spans), text: renderTraceText, html: renderTraceHtml };
        }
        throw new NotFound(`no trace for request id ${requestId} in Zipkin at ${zipkin.baseUrl} (tried ${traceIdCandidates(requestId).join(', ')})`);
      }))
    .command('endpoint', 'latency percentiles, why requests above p99 are slow, calls per request, sequential calls to batch',
      (c) => c
        .option('service', { type: 'string', demandOption: true, describe: 'the service (Zipkin service name)' })
        .option('span', { type: 'string', describe: "one span name, e.g. 'GET /playback' (default: all of the service's SERVER spans)" })
        .option('lookback', { type: 'string', default: '1h', describe: 'how far back from now, e.g. 15m, 1h, 2d' })
        .option('limit', { type: 'number', default: DEFAULT_LIMIT, describe: 'most traces to read' })
        .check(checkQueryOptions),
      (argv) => run(argv, async (zipkin) => {
        const traces = await zipkin.traces({ serviceName: argv.service.toLowerCase(), spanName: argv.span?.toLowerCase(), lookbackMs: parseDurationMs(argv.lookback), limit: argv.limit }, progress(argv.limit));
        const report = analyzeEndpoint(traces, { service: argv.service, spanName: argv.span });
        if (report.requests === 0) throw new NotFound(`no requests of ${argv.service}${argv.span ? ` ${argv.span}` : ''} in the last ${argv.lookback} (${traces.length} traces read)`);
        return { report, text: renderEndpointText, html: renderEndpointHtml };
      }))
    .command('dependencies', 'the call graph: calls, error rates and latency percentiles per caller → callee edge',
      (c) => c
        .option('service', { type: 'string', describe: 'only the requests that went through this service' })
        .option('lookback', { type: 'string', default: '1h', describe: 'how far back from now, e.g. 15m, 1h, 2d' })
        .option('limit', { type: 'number', default: DEFAULT_LIMIT, describe: 'most traces to read' })
        .check(checkQueryOptions),
      (argv) => run(argv, async (zipkin) => {
        const traces = await zipkin.traces({ serviceName: argv.service?.toLowerCase(), lookbackMs: parseDurationMs(argv.lookback), limit: argv.limit }, progress(argv.limit));
        const report = analyzeDependencies(traces);
        if (report.edges.length === 0) throw new NotFound(`no calls in the last ${argv.lookback} (${traces.length} traces read)`);
        return { report, text: renderDependenciesText, html: renderDependenciesHtml };
      }))
    .demandCommand(1, 'name what to analyze: trace, endpoint or dependencies')
    .example('$0 analyze trace 5f1c0e2a-9b7d-4c3e-8a6f-0b1d2c3e4f50', 'why did this request fail, where did its time go')
    .example("$0 analyze endpoint --service playback --span 'GET /playback' --lookback 1h", 'p50/p90/p99, why the slowest 1% are slow, calls per request')
    .example('$0 analyze dependencies --lookback 1d --html deps.html', 'the call graph with error rates, as a page with charts')
    .example('$0 analyze dependencies --service playback', 'what the requests through playback depend on'));
}

/** For yargs' .check(): a problem becomes a usage error (exit 2, with the command's --help). */
function usageCheck(problem: string | undefined): true {
  if (problem) throw new Error(problem);
  return true;
}

/** --limit and --lookback, checked before anything is asked of Zipkin (which would answer 400). */
function checkQueryOptions(argv: { limit?: unknown; lookback?: unknown }): true {
  const limit = Number(argv.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    // yargs has already turned text that is not a number into NaN.
    return usageCheck(`--limit must be a whole number >= 1 (at most ${MAX_LIMIT}), not ${Number.isNaN(limit) ? 'text' : String(argv.limit)}`);
  }
  let ms: number | undefined;
  try {
    ms = parseDurationMs(String(argv.lookback));
  } catch {
    // the message below says what a duration is
  }
  const ok = ms !== undefined && ms <= MAX_LOOKBACK_MS;
  return usageCheck(ok ? undefined : `--lookback must be a duration like 15m, 1h or 7d, at most ${MAX_LOOKBACK_MS / 86_400_000}d, not "${String(argv.lookback)}"`);
}

/** On a terminal a line that updates per window; in a log, a line per 1000 traces and one at the end. */
function progress(limit: number): (p: FetchProgress) => void {
  let printedAt = 0;
  return (p) => {
    if (p.traces >= limit && p.window === p.windows) {
      process.stderr.write(`requestflow analyze: stopped at --limit ${limit} traces; older ones in the lookback were not read\n`);
    }
    const last = p.window === p.windows;
    if (p.traces < PROGRESS_MIN_TRACES) return;
    const line = `requestflow analyze: ${p.traces} traces read (window ${p.window}/${p.windows})`;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r${line}${last ? '\n' : ''}`);
    } else if (last || p.traces - printedAt >= 1000) {
      printedAt = p.traces;
      process.stderr.write(`${line}\n`);
    }
  };
}

/**
 * The configuration loads as the daemon's does (file < REQUESTFLOW_* < --set),
 * so a wrong key stops here; --zipkin-url, a base URL, wins over zipkin.url.
 */
/** Where Zipkin is, and the headers it wants (zipkin.headers), from the layered config; --zipkin-url wins. */
function zipkinOf(args: CommonArgs): ZipkinClient {
  const config = loadConfig({ file: args.config, flags: runFlags({ set: asList(args.set) }) });
  return new ZipkinClient(args.zipkinUrl ?? config.zipkin.url, { ...config.zipkin.headers });
}

/** Fails before any query when the --html file cannot be written: opening it for appending leaves a file as it was. */
function checkWritable(file: string): void {
  const existed = existsSync(file);
  try {
    closeSync(openSync(file, 'a'));
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${writeProblem(e, file)}`);
  }
  if (!existed) rmSync(file, { force: true });
}

function writeProblem(e: unknown, file: string): string {
  switch ((e as NodeJS.ErrnoException).code) {
    case 'ENOENT': return `no such directory ${dirname(file)}`;
    case 'ENOTDIR': return `${dirname(file)} is not a directory`;
    case 'EISDIR': return 'it is a directory';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    default: return (e as Error).message;
  }
}

async function run<T>(argv: CommonArgs, body: (zipkin: ZipkinClient) => Promise<Output<T>>): Promise<void> {
  try {
    if (argv.html) checkWritable(argv.html);
    const zipkin = zipkinOf(argv);
    const out = await body(zipkin);
    process.stdout.write(argv.json ? `${JSON.stringify(out.report, null, 2)}\n` : `${out.text(out.report)}\n`);
    if (argv.html) {
      try {
        writeFileSync(argv.html, out.html(out.report));
      } catch (e) {
        throw new UsageError(`cannot write ${argv.html}: ${writeProblem(e, argv.html)}`);
      }
      process.stderr.write(`requestflow analyze: wrote ${argv.html}\n`);
    }
    process.exitCode = 0;
  } catch (e) {
    const code = e instanceof NotFound ? EXIT_NOT_FOUND
      : e instanceof UsageError || e instanceof ConfigError ? EXIT_USAGE
      : e instanceof ZipkinQueryError ? EXIT_ZIPKIN
      : undefined;
    if (code === undefined) throw e;
    process.stderr.write(`requestflow analyze: ${(e as Error).message}\n`);
    process.exitCode = code;
  }
}
