/**
 * requestflow's own metrics, read from the Counters by name when Prometheus
 * scrapes (nothing is added to the hot path). Each counter group becomes one
 * metric with its reason as a label; a counter no row names still appears,
 * in requestflow_events_total{name}, so a new counter is never invisible.
 *
 * The log-file reader (Kubernetes mode) feeds files.opened, files.rotated,
 * files.truncated, input_lines.<file>, input_bytes.<file> (counters) and
 * checkpoint.lag_bytes, checkpoint.lag_seconds (gauges, Counters.set).
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Counters } from './counters.js';
import type { LabelLimiter } from './label-limiter.js';
import type { OpenMetricsRegistry } from './metrics-registry.js';

/** A single counter mirrored as a metric. */
export const COUNTER_METRICS: readonly { metric: string; counter: string; help: string }[] = [
  { metric: 'requestflow_lines_read', counter: 'lines.read', help: 'Lines read from all inputs.' },
  { metric: 'requestflow_spans_queued', counter: 'export.spans_queued', help: 'Spans assembled and queued for export.' },
  { metric: 'requestflow_spans_exported', counter: 'export.spans_exported', help: 'Spans accepted by Zipkin.' },
  { metric: 'requestflow_spans_retried', counter: 'export.spans_retried', help: 'Spans in POSTs that failed and were retried (a span counts once per retry).' },
  { metric: 'requestflow_export_retries', counter: 'export.retries', help: 'POSTs to Zipkin retried after a network error, 429 or 5xx.' },
  { metric: 'requestflow_export_batches_split', counter: 'export.batches_split', help: 'Batches Zipkin refused (400, 413), split to find the bad span.' },
  { metric: 'requestflow_spans_set_aside', counter: 'export.spans_set_aside', help: 'Spans Zipkin refuses (invalid), logged and not retried.' },
  { metric: 'requestflow_files_opened', counter: 'files.opened', help: 'Log files opened.' },
  { metric: 'requestflow_files_rotated', counter: 'files.rotated', help: 'Log files seen rotated (renamed and replaced).' },
  { metric: 'requestflow_files_truncated', counter: 'files.truncated', help: 'Log files seen truncated (copytruncate).' },
];

/** A counter group "<prefix>.<value>" mirrored as one metric with one label. */
export const GROUP_METRICS: readonly { metric: string; prefix: string; label: string; help: string }[] = [
  { metric: 'requestflow_input_lines', prefix: 'input_lines', label: 'file', help: 'Lines read, per input file.' },
  { metric: 'requestflow_input_bytes', prefix: 'input_bytes', label: 'file', help: 'Bytes read, per input file.' },
  { metric: 'requestflow_records', prefix: 'records', label: 'category', help: 'Request records decoded, by category.' },
  { metric: 'requestflow_lines_skipped', prefix: 'skipped', label: 'reason', help: 'Lines that are not request records (ignored), by reason.' },
  { metric: 'requestflow_records_rejected', prefix: 'rejected', label: 'reason', help: 'Request records that cannot become spans, by reason.' },
  { metric: 'requestflow_values_converted', prefix: 'converted', label: 'kind', help: 'Values repaired while decoding, by kind.' },
  { metric: 'requestflow_values_truncated', prefix: 'truncated', label: 'kind', help: 'Tag values and annotations cut or dropped at their limits, by kind.' },
  { metric: 'requestflow_anomalies', prefix: 'anomaly', label: 'kind', help: 'Odd but accepted records (duplicate start, end before start), by kind.' },
  { metric: 'requestflow_spans_incomplete', prefix: 'incomplete', label: 'reason', help: 'Spans exported without their start or end, by reason.' },
  { metric: 'requestflow_spans_dropped', prefix: 'dropped', label: 'reason', help: 'Spans (or inputs) given up on, by reason.' },
];

/** Gauges set through Counters.set. */
export const GAUGE_METRICS: readonly { metric: string; counter: string; help: string }[] = [
  { metric: 'requestflow_checkpoint_lag_bytes', counter: 'checkpoint.lag_bytes', help: 'Bytes written to the log files past the saved checkpoints.' },
  { metric: 'requestflow_checkpoint_lag_seconds', counter: 'checkpoint.lag_seconds', help: 'Age of the newest line not yet covered by a checkpoint.' },
];

export interface PipelineView {
  counters: Counters;
  openSpans(): number;
  queuedSpans(): number;
}

export class SelfMetrics {
  readonly exportDuration: Histogram<'outcome'>;
  private readonly lastExportSuccess: Gauge;

  constructor(registry: OpenMetricsRegistry, view: PipelineView, limiter: LabelLimiter) {
    const c = view.counters;
    const registers = [registry];
    for (const row of COUNTER_METRICS) {
      new Counter({ name: row.metric, help: row.help, registers,
        collect() { this.reset(); this.inc(c.get(row.counter)); } });
    }
    for (const row of GROUP_METRICS) {
      new Counter({ name: row.metric, help: row.help, labelNames: [row.label], registers,
        collect() {
          this.reset();
          for (const [value, n] of Object.entries(c.group(row.prefix))) this.inc({ [row.label]: limiter.value(row.label, value) }, n);
        } });
    }
    for (const row of GAUGE_METRICS) {
      new Gauge({ name: row.metric, help: row.help, registers, collect() { this.set(c.get(row.counter)); } });
    }
    const known = new Set([...COUNTER_METRICS, ...GAUGE_METRICS].map((r) => r.counter));
    const prefixes = GROUP_METRICS.map((r) => `${r.prefix}.`);
    new Counter({ name: 'requestflow_events', help: 'Counters without a metric of their own, by counter name.', labelNames: ['name'], registers,
      collect() {
        this.reset();
        for (const [name, n] of Object.entries(c.snapshot())) {
          if (!known.has(name) && !prefixes.some((p) => name.startsWith(p))) this.inc({ name }, n);
        }
      } });
    new Counter({ name: 'requestflow_metric_label_overflow', help: 'Distinct label values replaced by "other" because the label already had metrics.maxLabelValues values, by label.',
      labelNames: ['label'], registers,
      collect() {
        this.reset();
        for (const [label, n] of limiter.overflowCounts()) this.inc({ label }, n);
      } });
    new Gauge({ name: 'requestflow_open_spans', help: 'Spans waiting for their end.', registers, collect() { this.set(view.openSpans()); } });
    new Gauge({ name: 'requestflow_export_queue_spans', help: 'Spans assembled and waiting to be sent to Zipkin.', registers,
      collect() { this.set(view.queuedSpans()); } });
    this.exportDuration = new Histogram({ name: 'requestflow_export_duration_seconds', help: 'Duration of each POST to Zipkin, by outcome.',
      labelNames: ['outcome'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers });
    this.lastExportSuccess = new Gauge({ name: 'requestflow_last_export_success_timestamp_seconds',
      help: 'When Zipkin last accepted a POST (Unix time; 0: not yet).', registers });
  }

  /** One POST to Zipkin finished. */
  observeExport(durationMs: number, ok: boolean, nowMs = Date.now()): void {
    this.exportDuration.observe({ outcome: ok ? 'success' : 'failure' }, durationMs / 1000);
    if (ok) this.lastExportSuccess.set(nowMs / 1000);
  }
}
