/**
 * Every tag requestflow writes, named once. The README's span mapping lists
 * them; the ones worth Zipkin's AUTOCOMPLETE_KEYS are marked.
 */
export const TAG = {
  requestId: 'hulu.request_id',
  spanPath: 'hulu.span_id',
  /** How the request id became the trace id when it was not 32 hex: normalised | hashed. */
  requestIdMapping: 'hulu.request_id.mapping',
  httpMethod: 'http.method', // autocomplete
  httpPath: 'http.path',
  httpHost: 'http.host',
  httpQuery: 'http.query',
  httpStatusCode: 'http.status_code', // autocomplete
  httpRequestBody: 'http.request.body',
  httpResponseBody: 'http.response.body',
  requestHeaderPrefix: 'http.request.header.',
  responseHeaderPrefix: 'http.response.header.',
  peerService: 'peer.service', // autocomplete
  codeFunction: 'code.function',
  codeArgs: 'code.args',
  codeKwargs: 'code.kwargs',
  exceptionMessage: 'exception.message',
  exceptionStacktrace: 'exception.stacktrace',
  environment: 'deployment.environment', // autocomplete
  hostName: 'host.name',
  /** Own time of a SERVER span: its duration minus the union of its outgoing calls (ms). */
  selfMs: 'time.self_ms',
  /** Time a SERVER span spent in outgoing calls: the union of their intervals (ms). */
  callsMs: 'time.calls_ms',
  /** Number of outgoing calls a SERVER span made. */
  callsCount: 'calls.count',
  /** Per callee: `callee.<callee>` = "count=N total_ms=T". */
  calleePrefix: 'callee.',
  /** Sequential runs of calls to one callee: "cache x5 total_ms=25.0 batch_saving_ms=20.0; ...". */
  sequentialCalls: 'calls.sequential',
  /** Groups of calls that overlapped: "2 calls at once (cache, recs) wall_ms=20.000 sum_ms=28.000; ...". */
  parallelCalls: 'calls.parallel',
  /** The callee of the costliest sequential run, for search. */
  sequentialCallee: 'calls.sequential_callee', // autocomplete
  /** Set when no end (or no start) of the span was seen: missing_end | missing_start. */
  incomplete: 'requestflow.incomplete', // autocomplete
  /** Set when the record was cut at the line limit. */
  truncated: 'requestflow.truncated',
  droppedAnnotations: 'requestflow.dropped_annotations',
} as const;

/** Tag keys with a small set of values, for Zipkin's AUTOCOMPLETE_KEYS. */
export const AUTOCOMPLETE_KEYS = [
  TAG.httpMethod, TAG.httpStatusCode, TAG.peerService, TAG.environment,
  TAG.sequentialCallee, TAG.incomplete,
];
