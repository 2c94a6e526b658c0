/**
 * Follow mode (the daemon): follow every input until SIGTERM or SIGINT.
 * Files (paths, globs, or the Kubernetes pod log directory) are read with
 * checkpoints in tail.stateDir; stdin ("-") is read without, and when it is
 * the only input its end is the end of the run.
 * On SIGTERM: stop reading, deliver the complete spans within
 * export.shutdownDeadlineMs, then the open ones marked incomplete
 * (export.openSpansAtShutdown: export) or keep them held back in the
 * checkpoints (hold); save the checkpoints, exit 0.
 */
import { redactUrlCredentials } from '../assemble/privacy.js';
import { CheckpointRegistry } from '../checkpoint/checkpoint-registry.js';
import { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { Config } from '../config/schema.js';
import { Counters } from '../observe/counters.js';
import { countInputRecords } from '../observe/input-counts.js';
import type { Logger } from '../observe/logger.js';
import { startOpsServer, type OpsServer } from '../observe/ops-server.js';
import { buildSummary } from '../observe/summary.js';
import { Pipeline } from '../pipeline.js';
import { inputProblem, kubernetesLogDir, kubernetesPattern } from '../tail/discover.js';
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
  // /healthz, /readyz, /metrics: listening before any input is opened, so a taken port stops start-up at once.
  const ops: OpsServer | undefined = config.server.enabled ? await startOpsServer(config, pipeline, log) : undefined;

  let stdinDone: Promise<void> | undefined;
  if (inputs.includes('-')) {
    stdinDone = readOnce('-', { format: config.tail.format, maxRecordBytes: config.limits.maxLineBytes, counters },
      (records) => { countInputRecords(counters, '-', records); return pipeline.processLines(records); })
      .catch((e: Error) => { log.error('stdin_failed', { error: e.message }); });
  }
  for (const pattern of patterns) {
    const problem = await inputProblem(pattern);
    if (problem) log.warn('input_not_followed_yet', { input: pattern, problem });
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
    if (stdinDone && patterns.length === 0) void stdinDone.then(() => resolve('end_of_stdin'));
  });
  const lag = new CheckpointLag();
  const saver = setInterval(() => {
    registry.saveIfChanged();
    void follower.stats().then((s) => lag.update(counters, s.checkpointLagBytes, Date.now()));
  }, config.tail.checkpointIntervalMs);
  // Not awaited: a SIGTERM while a rotated file's rest is still being read must not wait for it.
  void follower.start().then(() => {
    log.info('started', { inputs: patterns.length ? patterns : inputs, zipkin: redactUrlCredentials(config.zipkin.url), checkpoints: loaded, stateDir: config.tail.stateDir || undefined });
  }, (e: Error) => log.error('follow_failed', { error: e.stack ?? e.message }));
  const signal = await stop;

  log.info('stopping', { signal, openSpans: pipeline.assembler.openSpans, queuedSpans: pipeline.queue.queuedSpans });
  pipeline.stopping = true;
  follower.stop();
  const deadlineAtMs = Date.now() + config.export.shutdownDeadlineMs;
  pipeline.queue.setGiveUp(() => Date.now() > deadlineAtMs);
  const giveUpTimer = setTimeout(() => pipeline.sender.stop(), config.export.shutdownDeadlineMs);
  await Promise.race([follower.stopped(), sleep(STOP_READING_WAIT_MS)]);
  // With no checkpoints (stdin, no state directory) holding them back would lose them.
  const exportOpen = config.export.openSpansAtShutdown === 'export' || !store || patterns.length === 0;
  if (exportOpen) {
    const open = pipeline.assembler.flushAll(signal === 'end_of_stdin' ? 'end_of_input' : 'open_at_shutdown');
    if (open.length) pipeline.queue.enqueue(open);
  }
  await pipeline.drain();
  await Promise.race([follower.stopped(), sleep(STOP_READING_WAIT_MS)]);
  clearTimeout(giveUpTimer);
  clearInterval(saver);
  registry.saveIfChanged();
  await follower.close();
  await ops?.close();
  // With `hold`, open spans are not exported: the checkpoints hold them back and a restart rebuilds them whole.
  if (!exportOpen) counters.inc('incomplete.held_at_shutdown', pipeline.assembler.openSpans);
  log.info('stopped', { openSpansHeldBack: exportOpen ? 0 : pipeline.assembler.openSpans, ...buildSummary(counters) });
  log.close();
  return 0;
}

/**
 * checkpoint.lag_bytes: bytes read but not yet safe in a checkpoint;
 * checkpoint.lag_seconds: how long the checkpoints have been behind without
 * catching up (0 when they are level with what was read).
 */
class CheckpointLag {
  private behindSinceMs?: number;

  update(counters: Counters, lagBytes: number, nowMs: number): void {
    if (lagBytes > 0) this.behindSinceMs ??= nowMs;
    else this.behindSinceMs = undefined;
    counters.set('checkpoint.lag_bytes', lagBytes);
    counters.set('checkpoint.lag_seconds', this.behindSinceMs === undefined ? 0 : (nowMs - this.behindSinceMs) / 1000);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
