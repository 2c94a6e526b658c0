/**
 * --once: read each input from its first byte to its last, export everything,
 * wait until Zipkin has accepted it, print the summary. Returns the exit code.
 */
import type { RunArgs } from '../cli.js';
import type { Config } from '../config/schema.js';
import { Counters } from '../observe/counters.js';
import type { Logger } from '../observe/logger.js';
import { buildSummary, formatSummary } from '../observe/summary.js';
import { Pipeline } from '../pipeline.js';
import { isGlob, listFiles } from '../tail/discover.js';
import { readOnce } from '../tail/read-once.js';

export async function runOnce(config: Config, inputs: string[], args: RunArgs, log: Logger): Promise<number> {
  const counters = new Counters();
  const pipeline = new Pipeline(config, counters, log);
  const startedAtMs = Date.now();
  // Give up on an unreachable Zipkin only after onceDeadlineMs without one accepted POST.
  pipeline.queue.setGiveUp(() => Date.now() - (pipeline.sender.lastSuccessAtMs ?? startedAtMs) > config.export.onceDeadlineMs);
  pipeline.start();
  for (const input of await expandInputs(inputs, counters, log)) {
    try {
      await readOnce(input, { format: config.tail.format, maxRecordBytes: config.limits.maxLineBytes, counters },
        (records) => pipeline.processLines(records));
    } catch (e) {
      counters.inc('dropped.input_unreadable');
      log.error('input_unreadable', { input, error: (e as Error).message });
    }
  }
  await pipeline.finish();
  log.close();
  const summary = buildSummary(counters);
  process.stdout.write(args.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
  const unreadable = counters.get('dropped.input_unreadable');
  const problems = [
    unreadable > 0 && `${unreadable} input(s) could not be read (see the input_unreadable log lines)`,
    summary.spansFailed > 0 && `${summary.spansFailed} span(s) not exported${pipeline.sender.lastError ? ` (last error: ${pipeline.sender.lastError})` : ''}`,
    summary.spansSetAside > 0 && `${summary.spansSetAside} span(s) refused by Zipkin (see the span_set_aside log lines)`,
  ].filter(Boolean);
  if (problems.length > 0) {
    process.stderr.write(`requestflow: ${problems.join('; ')}\n`);
    return 1;
  }
  return 0;
}

/** Glob patterns become the files they match now, in name order; one that matches nothing is an unreadable input. */
async function expandInputs(inputs: readonly string[], counters: Counters, log: Logger): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === '-' || !isGlob(input)) {
      out.push(input);
      continue;
    }
    const files = await listFiles([input]);
    if (files.length === 0) {
      counters.inc('dropped.input_unreadable');
      log.error('input_unreadable', { input, error: 'the pattern matches no file' });
    }
    out.push(...files);
  }
  return out;
}
