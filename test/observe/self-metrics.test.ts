// requestflow's own metrics mirror the Counters by name at scrape time.
import t from 'tap';
import { Counters } from '../../src/observe/counters.js';
import { countInputRecords } from '../../src/observe/input-counts.js';
import { LabelLimiter } from '../../src/observe/label-limiter.js';
import { MetricsRegistry, OPENMETRICS, PROMETHEUS_TEXT } from '../../src/observe/metrics-registry.js';
import { SelfMetrics } from '../../src/observe/self-metrics.js';
import { parseMetrics, value } from '../support/metrics-text.js';

function setup(maxLabelValues = 200) {
  const counters = new Counters();
  const metrics = new MetricsRegistry();
  const state = { open: 0, queued: 0 };
  const self = new SelfMetrics(metrics.registry, { counters, openSpans: () => state.open, queuedSpans: () => state.queued }, new LabelLimiter(maxLabelValues));
  return { counters, metrics, state, self };
}

t.test('counter names map to metrics; the values are the planted counts', async (t) => {
  const { counters, metrics, state, self } = setup();
  const planted: [string, number][] = [
    ['lines.read', 17], ['records.request_end', 5], ['records.application', 3], ['skipped.not_json', 4],
    ['rejected.invalid_span_id', 2], ['export.spans_exported', 9], ['export.spans_retried', 6], ['export.spans_set_aside', 1],
    ['dropped.export_failed', 8], ['incomplete.timed_out', 2], ['files.opened', 3], ['files.rotated', 1], ['files.truncated', 1],
    ['anomaly.end_before_start', 1], ['some.new_counter', 12],
  ];
  for (const [name, n] of planted) counters.inc(name, n);
  counters.set('checkpoint.lag_bytes', 4096);
  counters.set('checkpoint.lag_seconds', 2.5);
  state.open = 7;
  state.queued = 40;
  self.observeExport(30, true, 1_700_000_000_000);
  self.observeExport(2000, false);

  const rows: [string, Record<string, string>, number][] = [
    ['requestflow_lines_read_total', {}, 17],
    ['requestflow_records_total', { category: 'request_end' }, 5],
    ['requestflow_records_total', { category: 'application' }, 3],
    ['requestflow_lines_skipped_total', { reason: 'not_json' }, 4],
    ['requestflow_records_rejected_total', { reason: 'invalid_span_id' }, 2],
    ['requestflow_spans_exported_total', {}, 9],
    ['requestflow_spans_retried_total', {}, 6],
    ['requestflow_spans_set_aside_total', {}, 1],
    ['requestflow_spans_dropped_total', { reason: 'export_failed' }, 8],
    ['requestflow_spans_incomplete_total', { reason: 'timed_out' }, 2],
    ['requestflow_files_opened_total', {}, 3],
    ['requestflow_files_rotated_total', {}, 1],
    ['requestflow_files_truncated_total', {}, 1],
    ['requestflow_anomalies_total', { kind: 'end_before_start' }, 1],
    ['requestflow_events_total', { name: 'some.new_counter' }, 12],
    ['requestflow_checkpoint_lag_bytes', {}, 4096],
    ['requestflow_checkpoint_lag_seconds', {}, 2.5],
    ['requestflow_open_spans', {}, 7],
    ['requestflow_export_queue_spans', {}, 40],
    ['requestflow_export_duration_seconds_count', { outcome: 'success' }, 1],
    ['requestflow_export_duration_seconds_count', { outcome: 'failure' }, 1],
    ['requestflow_last_export_success_timestamp_seconds', {}, 1_700_000_000],
  ];
  for (const format of [OPENMETRICS, PROMETHEUS_TEXT]) {
    const s = parseMetrics(await metrics.render(format));
    for (const [name, labels, n] of rows) t.equal(value(s, name, labels), n, `${format.split(';')[0]}: ${name} ${JSON.stringify(labels)}`);
    t.equal(value(s, 'requestflow_events_total', { name: 'lines.read' }), undefined, 'a mapped counter is not repeated in events');
  }
  counters.inc('lines.read', 3);
  t.equal(value(parseMetrics(await metrics.render(OPENMETRICS)), 'requestflow_lines_read_total'), 20, 'read afresh at each scrape');
});

t.test('lines and bytes per file; file labels past the cap are "other"', async (t) => {
  const { counters, metrics } = setup(2);
  countInputRecords(counters, '/logs/a.log', [{ text: 'abc' }, { text: 'é' }]); // 4 + 3 bytes with newlines
  countInputRecords(counters, '/logs/b.log', [{ text: 'x'.repeat(10), cutFromBytes: 5000 }]);
  countInputRecords(counters, '/logs/c.log', [{ text: '12' }]);
  await metrics.render(OPENMETRICS); // a second scrape must not count the refused file again
  const s = parseMetrics(await metrics.render(OPENMETRICS));
  t.equal(value(s, 'requestflow_input_lines_total', { file: '/logs/a.log' }), 2);
  t.equal(value(s, 'requestflow_input_bytes_total', { file: '/logs/a.log' }), 7);
  t.equal(value(s, 'requestflow_input_bytes_total', { file: '/logs/b.log' }), 5001, 'a cut line counts its full length');
  t.equal(value(s, 'requestflow_input_lines_total', { file: 'other' }), 1, 'the third file');
  t.equal(value(s, 'requestflow_metric_label_overflow_total', { label: 'file' }), 1, 'one file refused');
});
