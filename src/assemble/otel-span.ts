/**
 * Builds an OpenTelemetry ReadableSpan from plain values. The spans are made
 * after the fact from log lines, so they are constructed as data rather than
 * started and ended through a Tracer (whose clock and ids we must not use).
 */
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

// The exporter copies resource attributes into every span's tags; the service
// name travels per span in the `service.name` attribute instead, so one
// requestflow can speak for several services.
const EMPTY_RESOURCE = resourceFromAttributes({});
const SCOPE = { name: 'requestflow' };

export interface SpanData {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'SERVER' | 'CLIENT';
  service: string;
  startUs: number;
  endUs: number;
  attributes: Attributes;
  annotations: { timeUs: number; text: string }[];
  /** Present when the span failed: becomes Zipkin's `error` tag. */
  error?: string;
}

export function hrTimeFromUs(us: number): HrTime {
  const seconds = Math.floor(us / 1e6);
  return [seconds, (us - seconds * 1e6) * 1000];
}

export function toReadableSpan(d: SpanData): ReadableSpan {
  const durationUs = Math.max(1, d.endUs - d.startUs);
  const spanContext = { traceId: d.traceId, spanId: d.spanId, traceFlags: TraceFlags.SAMPLED };
  const events: TimedEvent[] = d.annotations.length === 0 ? [] : d.annotations.map((a) => ({ name: a.text, time: hrTimeFromUs(a.timeUs) }));
  return {
    name: d.name,
    kind: d.kind === 'SERVER' ? SpanKind.SERVER : SpanKind.CLIENT,
    spanContext: () => spanContext,
    parentSpanContext: d.parentSpanId
      ? { traceId: d.traceId, spanId: d.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: true }
      : undefined,
    startTime: hrTimeFromUs(d.startUs),
    endTime: hrTimeFromUs(d.startUs + durationUs),
    duration: hrTimeFromUs(durationUs),
    status: d.error !== undefined
      ? { code: SpanStatusCode.ERROR, message: d.error || 'error' }
      : { code: SpanStatusCode.UNSET },
    // The assembler's attributes already carry service.name: used as they are, not copied.
    attributes: d.attributes['service.name'] === d.service ? d.attributes : { 'service.name': d.service, ...d.attributes },
    links: [],
    events,
    ended: true,
    resource: EMPTY_RESOURCE,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}
