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

const ms = z.number().int().min(0);
const positiveInt = z.number().int().min(1);

export const DEFAULT_ZIPKIN_URL = 'http://localhost:9411/api/v2/spans';
export const DEFAULT_SENSITIVE_NAMES = '(token|secret|passw|pwd|session|auth|cookie|credential|signature|sig$|api[-_]?key|^key$|private)';

const zipkin = z.strictObject({
  url: key(z.url({ protocol: /^https?$/ }), DEFAULT_ZIPKIN_URL, "Zipkin's v2 span endpoint."),
  headers: key(z.record(z.string(), z.string()), {}, 'Extra HTTP headers on every POST to Zipkin (secrets: use ${VAR}).'),
  localIpv4: key(z.union([z.ipv4(), z.literal('')]), '', "This pod's IPv4, sent as every span's localEndpoint.ipv4 so Zipkin's UI can correct clock skew (Kubernetes: status.podIP)."),
});

const exportSection = z.strictObject({
  batchMaxSpans: key(positiveInt.max(10_000), 500, 'Most spans in one POST to Zipkin.', 'spans'),
  flushIntervalMs: key(positiveInt, 200, 'A partial batch is sent after this long.', 'ms'),
  maxQueuedSpans: key(positiveInt, 20_000, 'Spans held for export at most; beyond it reading pauses (the log file is the buffer).', 'spans'),
  retryInitialMs: key(positiveInt, 500, 'First delay before retrying a failed POST; doubles each attempt.', 'ms'),
  retryMaxMs: key(positiveInt, 30_000, 'Longest delay between retries.', 'ms'),
  onceDeadlineMs: key(positiveInt, 60_000, 'With --once: how long to keep retrying an unreachable Zipkin before failing.', 'ms'),
  shutdownDeadlineMs: key(positiveInt, 20_000, "On SIGTERM: how long to keep delivering complete spans before saving checkpoints and exiting; keep it below the pod's terminationGracePeriodSeconds.", 'ms'),
});

const assemble = z.strictObject({
  openSpanTimeoutMs: key(positiveInt, 300_000, 'A span whose end has not arrived this long after its first line is exported, marked incomplete.', 'ms'),
  maxOpenSpans: key(positiveInt, 100_000, 'Most spans waiting for their end; beyond it the oldest is exported, marked incomplete.', 'spans'),
  maxOpenSpanBytes: key(positiveInt, 67_108_864, 'Most bytes of log records held by spans waiting for their end; beyond it the oldest is exported, marked incomplete.', 'bytes'),
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

export const configSchema = z.strictObject({
  inputs: key(z.array(z.string().min(1)), [], 'Files or glob patterns to follow ("-" for stdin); command-line arguments replace this list.'),
  zipkin: zipkin.prefault({}).describe('Where spans go.'),
  export: exportSection.prefault({}).describe('Batching and retries.'),
  assemble: assemble.prefault({}).describe('Spans waiting for their end.'),
  tail: tail.prefault({}).describe('Reading log files: formats, Kubernetes pod logs, checkpoints, rotation.'),
  limits: limits.prefault({}).describe('Bounds on lines and span contents.'),
  privacy: privacy.prefault({}).describe('What of a request may leave the pod.'),
  log: log.prefault({}).describe("requestflow's own log."),
});

export type Config = z.output<typeof configSchema>;

function isRegExp(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}
