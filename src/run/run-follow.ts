/**
 * Follow mode (the daemon): follow every input until SIGTERM or SIGINT.
 * Files (paths, globs, or the Kubernetes pod log directory) are read with
 * checkpoints in tail.stateDir; stdin ("-") is read without.
 * On SIGTERM: stop reading, deliver the complete spans within
 * export.shutdownDeadlineMs, save the checkpoints (they hold back whatever
 * was not delivered, and every span still open), exit 0.
 */
import { CheckpointRegistry } from '../checkpoint/checkpoint-registry.js';
import { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { Config } from '../config/schema.js';
import { Counters } from '../observe/counters.js';
import type { Logger } from '../observe/logger.js';
import { buildSummary } from '../observe/summary.js';
import { Pipeline } from '../pipeline.js';
import { kubernetesLogDir, kubernetesPattern } from '../tail/discover.js';
import { FollowFiles } from '../tail/follow-files.js';
import { readOnce } from '../tail/read-once.js';

/** How long the reading loop may take to notice the stop before the export queue is drained anyway. */
const STOP_READING_WAIT_MS = 2000;

export async function runFollow(config: Config, inputs: string[], log: Logger, counters = new Counters()): Promise<number> {
  const patterns = inputs.filter((i) => i !== '-');
  if (config.tail.kubernetes.enabled) {
    const k = kubernetesLogDir(config.tail.kubernetes, process.env);
    if ('error' in k) {
      process.stderr.write(`requestflow: ${k.error}\n`);
      return 2;
    }
    patterns.push(kubernetesPattern(k.dir));
  }
  const pipeline = new Pipeline(config, counters, log);
  const store = config.tail.stateDir ? new CheckpointStore(config.tail.stateDir, log) : undefined;
  if (!store && patterns.length) log.warn('no_state_dir', { note: 'tail.stateDir is not set: no checkpoints, every start reads the files from their beginning' });
  const registry = new CheckpointRegistry(store, log);
  let loaded: number;
  try {
    loaded = registry.load();
  } catch (e) {
    process.stderr.write(`requestflow: cannot use state directory ${config.tail.stateDir}: ${(e as Error).message}\n`);
    return 2;
  }
  pipeline.start();

  let stdinDone: Promise<void> | undefined;
  if (inputs.includes('-')) {
    stdinDone = readOnce('-', { format: config.tail.format, maxRecordBytes: config.limits.maxLineBytes, counters },
      (records) => pipeline.processLines(records))
      .catch((e: Error) => log.error('stdin_failed', { error: e.message }));
  }
  const follower = new FollowFiles({
    patterns,
    pollIntervalMs: config.tail.pollIntervalMs,
    discoveryIntervalMs: config.tail.discoveryIntervalMs,
    rotateWaitMs: config.tail.rotateWaitMs,
  }, {
    pipeline, registry, counters,
    format: config.tail.format,
    maxRecordBytes: config.limits.maxLineBytes,
    readChunkBytes: config.tail.readChunkBytes,
    fingerprintBytes: config.tail.fingerprintBytes,
    partialFlushMs: config.tail.partialFlushMs,
  }, registry, counters, log);

  const stop = new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const saver = setInterval(() => registry.saveIfChanged(), config.tail.checkpointIntervalMs);
  // Not awaited: a SIGTERM while a rotated file's rest is still being read must not wait for it.
  void follower.start().then(() => {
    log.info('started', { inputs: patterns, zipkin: config.zipkin.url, checkpoints: loaded, stateDir: config.tail.stateDir || undefined });
  }, (e: Error) => log.error('follow_failed', { error: e.stack ?? e.message }));
  const signal = await stop;

  log.info('stopping', { signal, openSpans: pipeline.assembler.openSpans, queuedSpans: pipeline.queue.queuedSpans });
  follower.stop();
  const deadlineAtMs = Date.now() + config.export.shutdownDeadlineMs;
  pipeline.queue.setGiveUp(() => Date.now() > deadlineAtMs);
  const giveUpTimer = setTimeout(() => pipeline.sender.stop(), config.export.shutdownDeadlineMs);
  await Promise.race([follower.stopped(), sleep(STOP_READING_WAIT_MS)]);
  await pipeline.drain();
  await Promise.race([follower.stopped(), sleep(STOP_READING_WAIT_MS)]);
  clearTimeout(giveUpTimer);
  clearInterval(saver);
  registry.saveIfChanged();
  await follower.close();
  void stdinDone;
  // Open spans are not exported: the checkpoints hold them back and a restart rebuilds them whole.
  counters.inc('incomplete.open_at_shutdown', pipeline.assembler.openSpans);
  log.info('stopped', { openSpansHeldBack: pipeline.assembler.openSpans, ...buildSummary(counters) });
  log.close();
  return 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
