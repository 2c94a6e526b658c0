/**
 * The Zipkin v2 JSON model as the analysis reads it back from Zipkin's API
 * (test/fixtures/zipkin-api/zipkin2-api.yaml), plus the few accessors that
 * know which tags requestflow writes. Plain data: tests build these by hand.
 */
import { TAG } from '../assemble/tag-names.js';

export type SpanKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';

export interface ZipkinEndpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface ZipkinAnnotation {
  /** Epoch microseconds. */
  timestamp: number;
  value: string;
}

export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: SpanKind;
  /** Epoch microseconds. */
  timestamp?: number;
  /** Microseconds. */
  duration?: number;
  localEndpoint?: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: ZipkinAnnotation[];
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}

export interface ZipkinDependencyLink {
  parent: string;
  child: string;
  callCount: number;
  errorCount?: number;
}

/** Tags requestflow writes that the analysis reads. */
export const ANALYZED_TAG = {
  error: 'error',
  spanPath: TAG.spanPath,
  requestId: TAG.requestId,
  statusCode: TAG.httpStatusCode,
  peerService: TAG.peerService,
  codeFunction: TAG.codeFunction,
  exceptionMessage: TAG.exceptionMessage,
  exceptionStacktrace: TAG.exceptionStacktrace,
  incomplete: TAG.incomplete,
} as const;

export function serviceOf(span: ZipkinSpan): string {
  return span.localEndpoint?.serviceName ?? 'unknown';
}

/** The callee of a CLIENT span: remote endpoint, else the peer.service tag. */
export function remoteServiceOf(span: ZipkinSpan): string | undefined {
  return span.remoteEndpoint?.serviceName ?? span.tags?.[ANALYZED_TAG.peerService];
}

export function statusCodeOf(span: ZipkinSpan): number | undefined {
  const raw = span.tags?.[ANALYZED_TAG.statusCode];
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The failure message of a span, or undefined when it did not fail. A 5xx
 * without an error tag still counts: the status is then the message.
 */
export function errorOf(span: ZipkinSpan): string | undefined {
  const tag = span.tags?.[ANALYZED_TAG.error];
  if (tag !== undefined) return tag === '' || tag === 'true' ? 'error' : tag;
  const status = statusCodeOf(span);
  if (status !== undefined && status >= 500) return `HTTP ${status}`;
  return undefined;
}

/** The sidecar writes missing_end, missing_start or missing_start_and_end. */
export function isIncomplete(span: ZipkinSpan): boolean {
  const v = span.tags?.[ANALYZED_TAG.incomplete];
  return v !== undefined && v !== '' && v !== 'false';
}
