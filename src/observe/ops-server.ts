/**
 * The HTTP endpoint for the kubelet and Prometheus (follow mode only):
 *   GET /healthz  200 while the event loop is not stuck, else 503
 *   GET /readyz   200 once the pipeline runs and exports succeed (or are
 *                 within their failure budget), else 503
 *   GET /metrics  Prometheus text, or OpenMetrics with exemplars when the
 *                 Accept header asks for application/openmetrics-text
 * Bodies of /healthz and /readyz are JSON with the reasons; nothing of the
 * requests being traced is ever served here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { Pipeline } from '../pipeline.js';
import { EventLoopLag } from './event-loop-lag.js';
import { ExportHealth, liveness, readiness, type HealthFacts } from './health.js';
import { LabelLimiter } from './label-limiter.js';
import type { Logger } from './logger.js';
import { MetricsRegistry } from './metrics-registry.js';
import { RequestMetrics } from './request-metrics.js';
import { SelfMetrics } from './self-metrics.js';

export interface OpsServer {
  /** The port actually bound (server.port 0 takes a free one). */
  readonly port: number;
  close(): Promise<void>;
}

export const PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

/** Starts the server and wires the metrics to the pipeline; resolves once it listens. */
export async function startOpsServer(config: Config, pipeline: Pipeline, log: Logger): Promise<OpsServer> {
  const metrics = new MetricsRegistry();
  const limiter = new LabelLimiter(config.metrics.maxLabelValues);
  const self = new SelfMetrics(metrics.registry, {
    counters: pipeline.counters,
    openSpans: () => pipeline.assembler.openSpans,
    queuedSpans: () => pipeline.queue.queuedSpans,
  }, limiter);
  collectDefaultMetrics({ register: metrics.registry });
  const exportHealth = new ExportHealth();
  pipeline.sender.onPost = (durationMs, ok) => {
    self.observeExport(durationMs, ok);
    exportHealth.record(ok, Date.now(), pipeline.sender.lastError);
  };
  if (config.metrics.requestMetrics) {
    const red = new RequestMetrics(metrics.registry, config.metrics.latencyBucketsMs, limiter);
    pipeline.queue.onEnqueue = (spans) => red.observe(spans);
  }
  const lag = new EventLoopLag();
  lag.start();
  const facts = (): HealthFacts => ({
    nowMs: Date.now(),
    eventLoopLagMs: lag.recentMaxMs(),
    started: pipeline.started,
    stopping: pipeline.stopping,
    exportFailingSinceMs: exportHealth.failingSinceMs,
    lastExportError: exportHealth.lastError,
  });
  const limits = config.server;

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      log.warnSummarised('ops_request_failed', { path: req.url, error: e.message });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'method not allowed\n');
    switch (path) {
      case PATHS.health: {
        const f = facts();
        const v = liveness(f, limits);
        return send(res, v.ok ? 200 : 503, 'application/json', JSON.stringify({ status: v.ok ? 'ok' : 'unhealthy', reasons: v.reasons, eventLoopLagMs: Math.round(f.eventLoopLagMs) }));
      }
      case PATHS.ready: {
        const v = readiness(facts(), limits);
        return send(res, v.ok ? 200 : 503, 'application/json', JSON.stringify({ status: v.ok ? 'ready' : 'not ready', reasons: v.reasons }));
      }
      case PATHS.metrics: {
        const type = MetricsRegistry.contentTypeFor(req.headers.accept);
        return send(res, 200, type, await metrics.render(type));
      }
      default:
        return send(res, 404, 'text/plain', 'not found: try /healthz, /readyz or /metrics\n');
    }
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.server.port, config.server.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    lag.stop();
    log.error('server_failed', { host: config.server.host, port: config.server.port, error: (e as Error).message });
    throw new Error(`cannot serve /healthz, /readyz, /metrics on ${config.server.host}:${config.server.port} (server.port): ${(e as Error).message}`);
  }
  // Probes and scrapes are short; idle keep-alive sockets must not hold shutdown.
  server.keepAliveTimeout = 5_000;
  const port = (server.address() as AddressInfo).port;
  log.info('server_listening', { host: config.server.host, port, paths: Object.values(PATHS) });
  return {
    port,
    close: () => closeServer(server, lag),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function closeServer(server: Server, lag: EventLoopLag): Promise<void> {
  lag.stop();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
