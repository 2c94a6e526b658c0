/**
 * The one declaration of every configuration key: type, default, unit and a
 * one-line description. The Config type, validation, config/requestflow.example.yaml
 * and the README's reference table all come from this schema.
 */
import { z } from 'zod';

/** A key with its default, unit and description in one place. */
function key<T extends z.ZodType>(schema: T, def: z.input<T>, description: string, unit?: string) {
  const withDefault = (schema as unknown as z.ZodType<z.output<T>, z.input<T>>).default(def as never);
  return (unit ? withDefault.meta({ unit }) : withDefault).describe(description);
}

/** Marks a key whose values print-config masks (e.g. credentials in headers). */
function secret<T extends z.ZodType>(schema: T): T {
  return schema.meta({ secret: true }) as T;
}

const ms = z.number().int().min(0);
const positiveInt = z.number().int().min(1);

export const DEFAULT_ZIPKIN_URL = 'http://localhost:9411/api/v2/spans';
export const DEFAULT_SERVER_PORT = 9464;
export const DEFAULT_SENSITIVE_NAMES = '(token|secret|passw|pwd|session|auth|cookie|credential|signature|sig$|api[-_]?key|^key$|private|jwt|bearer|^pass$|^pin$|^sid$|^otp$)';

const zipkin = z.strictObject({
  // load-config.ts turns a base or UI URL into the span endpoint first (toSpansUrl).
  url: key(z.url({ protocol: /^https?$/ }).refine(isSpansUrl, {
    message: "not Zipkin's span endpoint: give the base URL (http://zipkin:9411) or the full endpoint ending in /api/v2/spans",
  }), DEFAULT_ZIPKIN_URL, "Zipkin's v2 span endpoint; a base URL (http://zipkin:9411) or the UI's (.../zipkin/) means its /api/v2/spans."),
  headers: secret(key(z.record(z.string(), z.string()), {}, 'Extra HTTP headers on every POST to Zipkin (secrets: use ${VAR}); print-config masks their values.')),
  localIp: key(z.union([z.ipv4(), z.ipv6(), z.literal('')]), '', "This pod's IP (IPv4 or IPv6), sent as every span's localEndpoint.ipv4 or .ipv6 so Zipkin's UI can correct clock skew (Kubernetes: status.podIP)."),
});

const exportSection = z.strictObject({
  batchMaxSpans: key(positiveInt.max(10_000), 500, 'Most spans in one POST to Zipkin.', 'spans'),
  batchMaxBytes: key(positiveInt.min(65_536), 4_194_304, "Largest POST body to Zipkin (its server refuses more than 10 MiB by default).", 'bytes'),
  flushIntervalMs: key(positiveInt, 200, 'A partial batch is sent after this long.', 'ms'),
  maxQueuedSpans: key(positiveInt, 5_000, 'Spans held for export at most; beyond it reading pauses (the log file is the buffer).', 'spans'),
  maxQueuedBytes: key(positiveInt, 4_194_304, 'Characters of span names, tags and annotations held for export at most; beyond it reading pauses (spans with many log lines are large).', 'bytes'),
  retryInitialMs: key(positiveInt, 500, 'First delay before retrying a failed POST; doubles each attempt.', 'ms'),
  retryMaxMs: key(positiveInt, 30_000, 'Longest delay between retries.', 'ms'),
  onceDeadlineMs: key(positiveInt, 60_000, 'With --once: how long to keep retrying an unreachable Zipkin before failing.', 'ms'),
  shutdownDeadlineMs: key(positiveInt, 20_000, "On SIGTERM: how long to keep delivering complete spans before saving checkpoints and exiting; keep it below the pod's terminationGracePeriodSeconds.", 'ms'),
  openSpansAtShutdown: key(z.enum(['export', 'hold']), 'export',
    'On SIGTERM, spans still waiting for their end: export them marked incomplete (the app has stopped, and an emptyDir state directory goes with the pod), or hold them back in the checkpoints for a restart to rebuild.'),
});

const assemble = z.strictObject({
  openSpanTimeoutMs: key(positiveInt, 300_000, 'A span whose end has not arrived this long after its first line is exported, marked incomplete.', 'ms'),
  maxOpenSpans: key(positiveInt, 10_000, 'Most spans waiting for their end; beyond it the oldest is exported, marked incomplete.', 'spans'),
  maxOpenSpanBytes: key(positiveInt, 4_194_304, 'Most bytes of log records held by spans waiting for their end; beyond it the oldest is exported, marked incomplete.', 'bytes'),
});

const kubernetes = z.strictObject({
  enabled: key(z.boolean(), false, 'Read this pod\'s container log files: <logRoot>/<namespace>_<podName>_<podUid>/<container>/*.log, following restarts (0.log, 1.log, ...).'),
  logRoot: key(z.string().min(1), '/var/log/pods', "The kubelet's pod log directory (mounted read-only into the sidecar)."),
  namespace: key(z.string(), '', 'Pod namespace; empty: the POD_NAMESPACE environment variable (downward API).'),
  podName: key(z.string(), '', 'Pod name; empty: the POD_NAME environment variable (downward API).'),
  podUid: key(z.string(), '', 'Pod UID; empty: the POD_UID environment variable (downward API).'),
  container: key(z.string(), '', 'Name of the container whose log to read; empty: the REQUESTFLOW_CONTAINER environment variable.'),
});

const tail = z.strictObject({
  format: key(z.enum(['auto', 'cri', 'docker', 'plain']), 'auto', 'Log file format: CRI (containerd, CRI-O), Docker json-file, or plain lines; auto detects it per file from its first line.'),
  kubernetes: kubernetes.prefault({}).describe('Kubernetes pod log files.'),
  stateDir: key(z.string(), '', 'Directory for checkpoints (read offsets per file), kept across restarts; empty: no checkpoints, every start reads files from their beginning.'),
  checkpointIntervalMs: key(positiveInt, 1000, 'How often acknowledged read offsets are saved to the state directory.', 'ms'),
  pollIntervalMs: key(positiveInt.min(10), 250, 'How often each open file is checked for new data, rotation and truncation.', 'ms'),
  discoveryIntervalMs: key(positiveInt.min(10), 1000, 'How often globs and the Kubernetes log directory are listed for new files.', 'ms'),
  rotateWaitMs: key(ms, 5000, 'A rotated or deleted file is still read this long after its last growth (late writes through its old handle).', 'ms'),
  partialFlushMs: key(positiveInt, 5000, 'A chain of partial CRI/Docker pieces whose final piece has not come this long after the last one is flushed as a record.', 'ms'),
  readChunkBytes: key(positiveInt.min(4096), 262_144, 'Bytes read from a file at a time.', 'bytes'),
  fingerprintBytes: key(positiveInt.min(16).max(65_536), 1024, "Bytes at a file's start that identify it, with its device and inode, across renames and restarts.", 'bytes'),
});

const limits = z.strictObject({
  maxLineBytes: key(positiveInt.min(1024), 1_048_576, 'Longest log line (or joined CRI/Docker record) read whole; longer ones are cut and counted.', 'bytes'),
  maxTagValueLength: key(positiveInt.min(64), 2048, 'Longest tag value sent to Zipkin; longer values are cut with a marker.', 'characters'),
  maxAnnotationLength: key(positiveInt.min(64), 1024, 'Longest annotation (application log line) text.', 'characters'),
  maxAnnotationsPerSpan: key(positiveInt, 128, 'Most annotations per span; the rest are counted in a tag.', 'annotations'),
});

const privacy = z.strictObject({
  requestHeaders: key(z.array(z.string()), [], 'Request header names exported as http.request.header.<name> tags. None by default.'),
  responseHeaders: key(z.array(z.string()), [], 'Response header names exported as http.response.header.<name> tags. None by default.'),
  queryParams: key(z.array(z.string()), [], 'Query parameter names exported in the http.query tag ("*" for all); credential-like names are redacted even then.'),
  bodies: key(z.boolean(), false, 'Export request and response bodies.'),
  dependencyArgs: key(z.boolean(), false, 'Export dependency call arguments (args, kwargs).'),
  sensitiveNamePattern: key(z.string().refine(isRegExp, 'not a valid regular expression'), DEFAULT_SENSITIVE_NAMES,
    'Regular expression (case-insensitive) for names that are always redacted: query parameters, application-log context keys.'),
});

const log = z.strictObject({
  level: key(z.enum(['debug', 'info', 'warn', 'error']), 'info', "Level of requestflow's own log (JSON lines on stderr)."),
});

const server = z.strictObject({
  enabled: key(z.boolean(), true, 'Serve /healthz, /readyz and /metrics over HTTP in follow mode (never with --once).'),
  host: key(z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]), '0.0.0.0', 'Address the HTTP server binds to; 0.0.0.0 lets the kubelet and Prometheus reach it on the pod IP.'),
  port: key(z.number().int().min(0).max(65_535), DEFAULT_SERVER_PORT, 'Port of /healthz, /readyz and /metrics; 0 takes any free port (logged at start).', 'port'),
  maxEventLoopLagMs: key(positiveInt, 2000, '/healthz fails while the event loop lags behind by more than this.', 'ms'),
  // 0 by default: a sidecar's readiness is its pod's, and a tracing outage must not take the app out of its Service.
  exportFailureBudgetMs: key(ms, 0, '/readyz fails once every POST to Zipkin has failed for this long; 0 (the default): export failures never make it fail (alert on the metrics instead).', 'ms'),
});

const metrics = z.strictObject({
  requestMetrics: key(z.boolean(), true, 'Count requests, errors and latency per service and endpoint, and per caller, callee and call, from the assembled spans.'),
  latencyBucketsMs: key(z.array(z.number().positive()).min(1).refine(isAscending, 'must be in ascending order'),
    [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000], 'Upper bounds of the request latency histogram buckets (exported in seconds).', 'ms'),
  maxLabelValues: key(positiveInt, 200, 'Most distinct values per metric label (service, endpoint, caller, callee, call, file); later ones become "other", counted.', 'values'),
});

export const configSchema = z.strictObject({
  inputs: key(z.array(z.string().min(1)), [], 'Files or glob patterns to follow ("-" for stdin); command-line arguments replace this list.'),
  zipkin: zipkin.prefault({}).describe('Where spans go.'),
  export: exportSection.prefault({}).describe('Batching and retries.'),
  assemble: assemble.prefault({}).describe('Spans waiting for their end.'),
  tail: tail.prefault({}).describe('Reading log files: formats, Kubernetes pod logs, checkpoints, rotation.'),
  limits: limits.prefault({}).describe('Bounds on lines and span contents.'),
  privacy: privacy.prefault({}).describe('What of a request may leave the pod.'),
  log: log.prefault({}).describe("requestflow's own log."),
  server: server.prefault({}).describe('The HTTP server for probes and Prometheus.'),
  metrics: metrics.prefault({}).describe('What /metrics counts.'),
});

export type Config = z.output<typeof configSchema>;

function isAscending(xs: number[]): boolean {
  return xs.every((x, i) => i === 0 || x > xs[i - 1]!);
}

function isRegExp(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

const SPANS_PATH = '/api/v2/spans';

/**
 * A base URL or the UI's URL becomes the span endpoint. Anything else is
 * kept, for isSpansUrl to refuse: Zipkin answers a POST elsewhere with a
 * redirect (which the exporter's transport counts as success) or a 404.
 */
export function toSpansUrl(url: string): string {
  if (!URL.canParse(url)) return url; // the schema says what is wrong with it
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  if (path === '') u.pathname = SPANS_PATH;
  else if (path.endsWith('/zipkin')) u.pathname = `${path.slice(0, -'/zipkin'.length)}${SPANS_PATH}`;
  return u.toString();
}

export function isSpansUrl(url: string): boolean {
  return new URL(url).pathname.replace(/\/+$/, '').endsWith(SPANS_PATH);
}
