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
import { readOnce } from '../tail/read-once.js';

export async function runOnce(config: Config, inputs: string[], args: RunArgs, log: Logger): Promise<number> {
  const counters = new Counters();
  const pipeline = new Pipeline(config, counters, log);
  const startedAtMs = Date.now();
  // Give up on an unreachable Zipkin only after onceDeadlineMs without one accepted POST.
  pipeline.queue.setGiveUp(() => Date.now() - (pipeline.sender.lastSuccessAtMs ?? startedAtMs) > config.export.onceDeadlineMs);
  pipeline.start();
  for (const input of inputs) {
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
  const failed = summary.spansFailed + summary.spansSetAside + counters.get('dropped.input_unreadable');
  if (failed > 0) {
    process.stderr.write(`requestflow: ${summary.spansFailed} span(s) not exported, ${summary.spansSetAside} refused by Zipkin` +
      `${pipeline.sender.lastError ? ` (last error: ${pipeline.sender.lastError})` : ''}\n`);
    return 1;
  }
  return 0;
}
