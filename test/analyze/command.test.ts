// `requestflow analyze` end to end: planted request logs go through the real
// sidecar binary (one per service, each with its pod IP) into the real Zipkin;
// then the real `requestflow analyze ... --json` must recover the planted
// numbers (within 1 ms) and name the planted causes, and Zipkin's own API must
// show every planted dependency edge with its call and error counts.
import t, { type Test } from 'tap';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { feedThroughSidecars } from '../support/feed-sidecars.js';
import { generateLogs, plantedEdges, type RequestTruth } from '../support/generate-logs.js';
import { runRequestflow } from '../support/requestflow-binary.js';
import { failingPlayback, runSuffix, slowCohort } from '../support/scenarios.js';
import { getDependencies, waitForTrace, waitForTraces, zipkinBaseUrl, type ZipkinSpan } from '../support/zipkin-api.js';

const base = zipkinBaseUrl();
const run = runSuffix();
const dir = mkdtempSync(join(tmpdir(), 'requestflow-analyze-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const failing = failingPlayback(run);
const slow = slowCohort(run);
const gFailing = generateLogs(failing.scenario);
const gSlow = generateLogs(slow.scenario);
const failingRequest = gFailing.truth[0]!;
const spansOf = (truth: readonly RequestTruth[]) => truth.reduce((a, r) => a + r.spans.length + r.calls.length, 0);

/** Nearest-rank percentile, the definition the README gives. */
const nearestRank = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)]!;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const ms = (us: number) => us / 1000;
const near = (t: Test, actual: number | undefined, expected: number, what: string) =>
  t.ok(actual !== undefined && Math.abs(actual - expected) <= 1, `${what}: ${actual} ≈ ${expected} (±1 ms)`);

async function analyze(args: string[]): Promise<{ json: any; stderr: string }> {
  const r = await runRequestflow(['analyze', ...args, '--zipkin-url', base, '--json'], { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`analyze ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return { json: JSON.parse(r.stdout), stderr: r.stderr };
}

let failingTrace: ZipkinSpan[];
t.before(async () => {
  await feedThroughSidecars(gFailing, failing.hosts, base, join(dir, 'failing'));
  await feedThroughSidecars(gSlow, slow.hosts, base, join(dir, 'slow'));
  failingTrace = await waitForTrace(base, failingRequest.requestId, { minSpans: spansOf(gFailing.truth), timeoutMs: 60_000 });
  await waitForTraces(base, { serviceName: slow.names.catalog, traces: slow.scenario.requests, spans: spansOf(gSlow.truth) });
});

t.test('analyze trace: own time, calls, network, skew, critical path, failure', async (t) => {
  const { json: r } = await analyze(['trace', failingRequest.requestId]);
  t.equal(r.traceId, failingRequest.requestId);
  t.equal(r.spans, spansOf(gFailing.truth), 'every planted span and call is a row');
  for (const planted of failingRequest.spans) {
    const row = r.rows.find((x: any) => x.kind === 'SERVER' && x.spanPath === planted.spanPath);
    t.equal(row?.service, planted.service, `span ${planted.spanPath} is ${planted.service}`);
    near(t, row?.durationMs, ms(planted.durationUs), `${planted.service} duration`);
    near(t, row?.ownMs, ms(planted.ownUs), `${planted.service} own time`);
    near(t, row?.callsMs, ms(planted.callsUs), `${planted.service} time in calls`);
    // Each logging service's clock was off by its host's skew: the correction undoes it.
    near(t, row?.skewMs, -(failing.hosts[planted.service]?.skewMs ?? 0), `${planted.service} skew corrected`);
  }
  for (const call of failingRequest.calls) {
    const row = r.rows.find((x: any) => x.kind === 'CLIENT' && x.spanPath === call.spanPath);
    t.equal(row?.callee, call.callee, `call ${call.spanPath} is labelled with its callee ${call.callee}`);
    t.equal(row?.calleeLogged, call.instrumented, `${call.callee}: logged = ${call.instrumented}`);
    near(t, row?.durationMs, ms(call.durationUs), `call to ${call.callee} duration`);
    if (call.networkUs !== undefined) near(t, row?.networkMs, ms(call.networkUs), `network of the call to ${call.callee}`);
    else t.equal(row?.networkMs, undefined, `no network split for ${call.callee}, which never logged`);
    const server = r.rows.find((x: any) => x.kind === 'SERVER' && x.spanPath === call.spanPath);
    if (server) {
      t.ok(server.startMs >= row.startMs && server.startMs + server.durationMs <= row.startMs + row.durationMs + 0.001,
        `${call.callee} sits inside its caller's call after skew correction`);
    }
  }
  const pathMs = r.criticalPath.reduce((a: number, s: any) => a + s.ms, 0);
  near(t, pathMs, ms(failingRequest.root.durationUs), 'the critical path covers the whole request');
  t.ok(r.criticalPath.some((s: any) => s.service === failing.names.metadataDb && s.what === 'uninstrumented callee' && Math.abs(s.ms - 15) <= 1),
    'metadata-db (15 ms, longer than the parallel drm call) is on the critical path');
  t.notOk(r.criticalPath.some((s: any) => s.service === failing.names.drm), 'the parallel, shorter drm call is not');
  t.equal(r.failure?.requestFailed, true);
  t.equal(r.failure?.origin, failing.names.drm, 'the failure started in drm');
  t.equal(r.failure?.message, failing.error.message);
  t.same(r.failure?.chain.map((l: any) => l.service), [failing.names.api, failing.names.playback, failing.names.drm], 'chain of services above it');
  t.match(r.failure?.logLine, /playback blocked .*"reason":"license_expired"/, 'the ERROR line keeps its structured context');
  t.match(r.failure?.raisedAt, /licenses\.py", line 31/, 'where it was raised, from the shortened traceback');

  const text = await runRequestflow(['analyze', 'trace', failingRequest.requestId, '--zipkin-url', base]);
  t.equal(text.code, 0);
  // Zipkin stores span names in lower case.
  t.ok(text.stdout.includes(`Request failed: ${failing.names.drm} post /license failed: ${failing.error.message}`),
    'the text output explains the failure');
});

t.test('analyze trace: unknown request id exits 1 with a reason', async (t) => {
  const r = await runRequestflow(['analyze', 'trace', `no-such-request-${run}`, '--zipkin-url', base]);
  t.equal(r.code, 1);
  t.match(r.stderr, /no trace for request id/);
});

t.test('analyze endpoint: percentiles, the slow cohort and its cause, fan-out, sequential calls', async (t) => {
  const html = join(dir, 'endpoint.html');
  const { json: r, stderr } = await analyze(['endpoint', '--service', slow.names.catalog, '--span', 'GET /shelf', '--lookback', '1h', '--html', html]);
  const durations = gSlow.truth.map((x) => ms(x.root.durationUs));
  t.equal(r.requests, slow.scenario.requests);
  for (const p of [50, 90, 99] as const) near(t, r.durationMs[`p${p}`], nearestRank(durations, p), `p${p}`);
  const plantedSlow = gSlow.truth.filter((x) => slow.isSlow(x.index)).length;
  t.equal(r.comparison.slow.count, plantedSlow, 'the requests at or above p99 are the planted slow ones');
  t.equal(r.comparison.cause?.component, slow.names.recs, 'the cause named is the planted callee');
  near(t, r.comparison.cause?.deltaMs, slow.slowExtraMs, 'by the planted amount');
  t.match(r.comparison.summary, new RegExp(`time in ${slow.names.recs} \\+300\\.0 ms`));
  for (const callee of [slow.names.profiles, slow.names.priceCache, slow.names.recs, slow.names.cache]) {
    const counts = gSlow.truth.map((x) => x.root.calls.filter((c) => c.callee === callee).length);
    const row = r.fanOut.find((f: any) => f.callee === callee);
    t.same([row?.mean, row?.p50, row?.p99], [mean(counts), nearestRank(counts, 50), nearestRank(counts, 99)], `calls per request to ${callee}`);
  }
  const seq = r.sequential.find((s: any) => s.callee === slow.names.priceCache);
  t.equal(seq?.requests, slow.scenario.requests, 'every request makes sequential price-cache calls');
  t.equal(seq?.functionName, 'get_price');
  t.equal(seq?.meanCalls, mean(gSlow.truth.map((x) => slow.priceCalls(x.index))));
  near(t, seq?.meanSavingMs, mean(gSlow.truth.map((x) => (slow.priceCalls(x.index) - 1) * 3)), 'mean saving of one batched call');
  t.same(r.parallel.map((p: any) => p.callees), [[slow.names.cache, slow.names.recs].sort()], 'recs and cache recognised as parallel');
  t.equal(r.sequential.length, 1, 'the parallel calls are not mistaken for a sequential run');
  t.match(stderr, /traces read/, 'progress is shown for many traces');
  t.ok(existsSync(html), 'the HTML page is written');
  const page = readFileSync(html, 'utf8');
  t.match(page, /aria-label="latency histogram"/);
  t.match(page, /p99 \d+\.\d ms/, 'the histogram marks p99');
  t.match(page, /aria-label="where the time goes"/);
  t.notMatch(page, /<script|<link|src=/i, 'self-contained: no scripts, stylesheets or remote resources');
});

t.test('analyze endpoint --limit caps the traces read, and says so', async (t) => {
  const { json: r, stderr } = await analyze(['endpoint', '--service', slow.names.catalog, '--limit', '50']);
  t.equal(r.requests, 50, '50 of the 200 requests read');
  t.match(stderr, /stopped at --limit 50 traces/);
});

t.test('analyze endpoint --lookback excludes older requests', async (t) => {
  const r = await runRequestflow(['analyze', 'endpoint', '--service', slow.names.catalog, '--lookback', '10ms', '--zipkin-url', base]);
  t.equal(r.code, 1, 'nothing within 10 ms: exit 1');
  t.match(r.stderr, /no requests of/);
});

t.test('analyze dependencies and Zipkin /api/v2/dependencies: every planted edge with its calls and errors', async (t) => {
  const html = join(dir, 'deps.html');
  const { json: g } = await analyze(['dependencies', '--lookback', '1h', '--html', html]);
  const links = await getDependencies(base, { endTs: Date.now(), lookbackMs: 3600_000 });
  const truth = [...gFailing.truth, ...gSlow.truth];
  const edges = plantedEdges(truth);
  t.equal(edges.size, 5 + 4, 'planted: api→playback, playback→redis|drm|metadata-db, drm→license-db; catalog→4 callees');
  for (const e of edges.values()) {
    const mine = g.edges.find((x: any) => x.caller === e.caller && x.callee === e.callee);
    t.same([mine?.calls, mine?.errors], [e.calls, e.errors], `analyze: ${e.caller} → ${e.callee} ${e.calls} calls, ${e.errors} errors`);
    const durations = truth.flatMap((r) => r.calls.filter((c) => c.caller === e.caller && c.callee === e.callee).map((c) => ms(c.durationUs)));
    near(t, mine?.latencyMs.p99, nearestRank(durations, 99), `${e.caller} → ${e.callee} p99 latency`);
    const link = links.find((l) => l.parent === e.caller && l.child === e.callee);
    t.same([link?.callCount, link?.errorCount ?? 0], [e.calls, e.errors], `Zipkin: ${e.caller} → ${e.callee}`);
  }
  const ours = (name: string) => name.endsWith(`-${run}`);
  t.same(g.edges.filter((x: any) => ours(x.caller)).length, edges.size, 'no edge that was not planted');
  t.same(links.filter((l) => ours(l.parent)).length, edges.size, 'Zipkin shows no edge that was not planted');
  t.match(readFileSync(html, 'utf8'), /aria-label="dependency graph"/);
});

t.test('the sidecar side: endpoints, timing tags, the error story', async (t) => {
  const span = (service: string, kind: string, path: string) =>
    failingTrace.find((s) => s.localEndpoint?.serviceName === service && s.kind === kind && s.tags?.['hulu.span_id'] === path);
  const playback = span(failing.names.playback, 'SERVER', '1.1')!;
  const planted = failingRequest.spans.find((s) => s.spanPath === '1.1')!;
  t.equal(playback.localEndpoint?.ipv4, failing.hosts[failing.names.playback]!.ip, 'localEndpoint.ipv4 is the pod IP');
  t.equal(Number(playback.tags!['time.self_ms']), ms(planted.ownUs), 'time.self_ms');
  t.equal(Number(playback.tags!['time.calls_ms']), ms(planted.callsUs), 'time.calls_ms');
  t.equal(playback.tags!['calls.count'], String(planted.calls.length), 'calls.count');
  t.equal(playback.tags![`callee.${failing.names.redis}`], 'count=3 total_ms=6.000', 'per callee count and total');
  t.equal(playback.tags!['calls.sequential'], `${failing.names.redis} x3 total_ms=6.000 batch_saving_ms=4.000`, 'the sequential run and its saving');
  t.equal(playback.tags!['calls.sequential_callee'], failing.names.redis);
  t.match(playback.tags!['calls.parallel'], /^2 calls at once \(.+\) wall_ms=15\.000 sum_ms=28\.000$/, 'the parallel pair: wall 15 ms, 13 + 15 one after another');
  for (const call of failingRequest.calls.filter((c) => !c.instrumented)) {
    const client = failingTrace.find((s) => s.kind === 'CLIENT' && s.tags?.['hulu.span_id'] === call.spanPath);
    t.equal(client?.remoteEndpoint?.serviceName, call.callee, `CLIENT ${call.spanPath} names its uninstrumented callee ${call.callee}`);
  }
  const drm = span(failing.names.drm, 'SERVER', '1.1.4')!;
  t.equal(drm.tags!.error, failing.error.message, 'error tag on the span where the failure started');
  t.equal(drm.tags!['exception.message'], failing.error.message);
  t.match(drm.tags!['exception.stacktrace'], /LicenseExpired: license expired for title 42$/);
  t.ok(drm.annotations?.some((a) => /^ERROR .*playback blocked \{"reason":"license_expired","title_id":42,"region":"US"\}$/.test(a.value)),
    'the ERROR line is an annotation with its structured context');
});

t.test('Zipkin autocomplete lists the values of the AUTOCOMPLETE_KEYS tags', async (t) => {
  const values = async (key: string) => {
    const res = await fetch(`${base}/api/v2/autocompleteValues?key=${encodeURIComponent(key)}`);
    return (await res.json()) as string[];
  };
  const keys = (await (await fetch(`${base}/api/v2/autocompleteKeys`)).json()) as string[];
  t.ok(keys.includes('calls.sequential_callee') && keys.includes('peer.service'), `keys: ${keys.join(', ')}`);
  const seq = await values('calls.sequential_callee');
  t.ok(seq.includes(failing.names.redis) && seq.includes(slow.names.priceCache), 'sequential callees are searchable');
  const peers = await values('peer.service');
  t.ok(peers.includes(failing.names.licenseDb), 'uninstrumented callees are searchable by peer.service');
  t.ok((await values('http.status_code')).includes('500'));
});
