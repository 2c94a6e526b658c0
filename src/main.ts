#!/usr/bin/env node
/**
 * Process entry: the only place that decides exit codes.
 *   0  done (--once: everything accepted by Zipkin)
 *   1  --once: some spans could not be exported
 *   2  bad usage or configuration (before any file is opened)
 */
import { parseCli, type RunArgs } from './cli.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import type { Config } from './config/schema.js';
import { Counters } from './observe/counters.js';
import { Logger } from './observe/logger.js';
import { buildSummary, formatSummary } from './observe/summary.js';
import { Pipeline } from './pipeline.js';
import { followWithTail, type Follower } from './tail/follow-tail.js';
import { readOnce } from './tail/read-once.js';

const SHUTDOWN_DEADLINE_MS = 20_000;

async function main(): Promise<number> {
  const cmd = await parseCli(process.argv.slice(2));
  if (cmd.kind !== 'run') return Number(process.exitCode ?? 0);
  let config: Config;
  try {
    config = loadConfig({ file: cmd.args.config, overrides: { 'zipkin.url': cmd.args.zipkinUrl } });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`requestflow: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  const inputs = cmd.args.inputs.length ? cmd.args.inputs : [...config.inputs];
  if (inputs.length === 0) {
    process.stderr.write('requestflow: no input: name log files (or "-" for stdin), or set inputs in the config\n');
    return 2;
  }
  const log = new Logger({ level: config.log.level });
  return cmd.args.once ? runOnce(config, inputs, cmd.args, log) : runFollow(config, inputs, log);
}

async function runOnce(config: Config, inputs: string[], args: RunArgs, log: Logger): Promise<number> {
  const counters = new Counters();
  const pipeline = new Pipeline(config, counters, log);
  const startedAtMs = Date.now();
  // Give up on an unreachable Zipkin only after onceDeadlineMs without one accepted POST.
  pipeline.queue.setGiveUp(() => Date.now() - (pipeline.sender.lastSuccessAtMs ?? startedAtMs) > config.export.onceDeadlineMs);
  pipeline.start();
  for (const input of inputs) {
    try {
      await readOnce(input, config.limits.maxLineBytes, (lines) => pipeline.processLines(lines));
    } catch (e) {
      counters.inc('dropped.input_unreadable');
      log.error('input_unreadable', { input, error: (e as Error).message });
    }
  }
  await pipeline.finish();
  log.close();
  const summary = buildSummary(counters);
  process.stdout.write(args.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
  const failed = summary.spansFailed + summary.spansSetAside + counters.get('dropped.input_unreadable');
  if (failed > 0) {
    process.stderr.write(`requestflow: ${summary.spansFailed} span(s) not exported, ${summary.spansSetAside} refused by Zipkin` +
      `${pipeline.sender.lastError ? ` (last error: ${pipeline.sender.lastError})` : ''}\n`);
    return 1;
  }
  return 0;
}

async function runFollow(config: Config, inputs: string[], log: Logger): Promise<number> {
  const counters = new Counters();
  const pipeline = new Pipeline(config, counters, log);
  pipeline.start();
  const followers: Follower[] = [];
  for (const input of inputs) {
    if (input === '-') {
      void readOnce('-', config.limits.maxLineBytes, (lines) => pipeline.processLines(lines))
        .catch((e: Error) => log.error('stdin_failed', { error: e.message }));
      continue;
    }
    try {
      followers.push(followWithTail(input, config.limits.maxLineBytes, (lines) => pipeline.processLines(lines),
        (e) => log.warnSummarised('follow_error', { input, error: e.message })));
    } catch (e) {
      log.error('input_unreadable', { input, error: (e as Error).message });
    }
  }
  log.info('started', { inputs, zipkin: config.zipkin.url });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  log.info('stopping');
  for (const f of followers) f.stop();
  const deadline = Date.now() + SHUTDOWN_DEADLINE_MS;
  pipeline.queue.setGiveUp(() => Date.now() > deadline);
  await pipeline.finish();
  log.info('stopped', { ...buildSummary(counters) });
  log.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`requestflow: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(70);
  },
);
