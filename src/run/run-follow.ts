/**
 * Follow mode (the daemon): follow every input until SIGTERM or SIGINT, then
 * stop reading, export what is complete within the shutdown deadline, exit 0.
 */
import type { Config } from '../config/schema.js';
import { Counters } from '../observe/counters.js';
import { countInputLines } from '../observe/input-counts.js';
import type { Logger } from '../observe/logger.js';
import { startOpsServer, type OpsServer } from '../observe/ops-server.js';
import { buildSummary } from '../observe/summary.js';
import { Pipeline } from '../pipeline.js';
import { followWithTail, type Follower } from '../tail/follow-tail.js';
import { readOnce } from '../tail/read-once.js';

/** Fits Kubernetes' default 30 s grace period (k8s/ sets terminationGracePeriodSeconds from it). */
export const SHUTDOWN_DEADLINE_MS = 20_000;

export async function runFollow(config: Config, inputs: string[], log: Logger): Promise<number> {
  const counters = new Counters();
  const pipeline = new Pipeline(config, counters, log);
  pipeline.start();
  // /healthz, /readyz, /metrics: listening before any input is opened, so a taken port stops start-up at once.
  const ops: OpsServer | undefined = config.server.enabled ? await startOpsServer(config, pipeline, log) : undefined;
  const followers: Follower[] = [];
  let stdinEnded: Promise<void> | undefined;
  for (const input of inputs) {
    if (input === '-') {
      stdinEnded = readOnce('-', config.limits.maxLineBytes, (lines) => { countInputLines(counters, '-', lines); return pipeline.processLines(lines); })
        .catch((e: Error) => log.error('stdin_failed', { error: e.message }));
      continue;
    }
    try {
      followers.push(followWithTail(input, config.limits.maxLineBytes, (lines) => { countInputLines(counters, input, lines); return pipeline.processLines(lines); },
        (e) => log.warnSummarised('follow_error', { input, error: e.message })));
    } catch (e) {
      log.error('input_unreadable', { input, error: (e as Error).message });
    }
  }
  log.info('started', { inputs, zipkin: config.zipkin.url });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
    // Only stdin to follow: its end is the end of the input.
    if (stdinEnded && followers.length === 0) void stdinEnded.then(resolve);
  });
  log.info('stopping');
  for (const f of followers) f.stop();
  const deadline = Date.now() + SHUTDOWN_DEADLINE_MS;
  pipeline.queue.setGiveUp(() => Date.now() > deadline);
  await pipeline.finish();
  await ops?.close();
  log.info('stopped', { ...buildSummary(counters) });
  log.close();
  return 0;
}
