// Generates request logs in the shared format for the benchmark: flat and
// aggregated requests mixed, interleaved as concurrent requests are, with
// some non-request noise. Deterministic (seeded), so runs compare.
//
//   node test/bench/generate-logs.mjs --lines 400000 --out DIR
//     -> DIR/plain.ndjson, DIR/cri.log (the same lines CRI-wrapped), and a
//        JSON line on stdout: lines, requests, bytes, expected spans, sizes.
//
// Library: generateRequest(rng, startSec) gives one request's lines; the
// steady-state writer uses it too.
import { createWriteStream } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** xorshift32: fast, seedable, good enough for test data. */
export function makeRng(seed = 0x2545f491) {
  let x = seed >>> 0 || 1;
  const next = () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x;
  };
  return {
    int: (n) => next() % n,
    float: () => next() / 0x100000000,
    hex: (chars) => {
      let s = '';
      while (s.length < chars) s += next().toString(16).padStart(8, '0');
      return s.slice(0, chars);
    },
    pick: (arr) => arr[next() % arr.length],
  };
}

const SERVICES = ['playback', 'catalog', 'profiles', 'entitlements', 'gateway'];
const CALLEES = ['profiles', 'pricing', 'entitlements', 'session-cache', 'catalog-db', 'ads'];
const PATHS = ['/v1/playback/start', '/v2/shelf', '/profile', '/entitlement/check', '/v1/manifest'];
const FUNCS = ['_make_request', 'get', 'multi_get', 'query', 'check'];

const env = (rng) => ({ datacenter: 'dc-east', hostname: `node-${rng.hex(4)}`, name: 'prod' });

/**
 * One request as log lines (strings, no newline) with their times; the line
 * that carries the request_end has `endOf: requestId` (the steady-state
 * writer times it).
 * Flat: request_start, application, 2 or 3 × (dependency_start,
 * dependency_end), application, request_end = 8 or 10 lines, 3 or 4 spans.
 * Aggregated: the two application lines flat, as they are logged, then one
 * aggregated line with request_start (without headers, full URL and query
 * arguments, as the aggregating loggers write it), one call and request_end = 3 lines, 2 spans.
 * Every request line is 300-1,000 bytes.
 */
export function generateRequest(rng, startSec, { aggregated = false, requestId = rng.hex(32) } = {}) {
  const service = rng.pick(SERVICES);
  const spanPath = rng.int(4) === 0 ? `1.${1 + rng.int(3)}` : '1';
  const base = { tracking_id: requestId, span_id: spanPath, service_name: service, environment: env(rng), process: 4000 + rng.int(100) };
  const path = rng.pick(PATHS);
  const t0 = startSec;
  const events = [];
  const ev = (category, dt, context, extra = {}) => events.push({ category, timestamp: +(t0 + dt).toFixed(6), context, ...extra });
  ev('request_start', 0, {
    http_method: rng.int(5) === 0 ? 'POST' : 'GET', url_path: path, url_host: `${service}.internal`,
    url_full: `http://${service}.internal${path}?device=${rng.int(9)}&region=US&lang=en`, url_args: { device: String(rng.int(9)), region: 'US' },
    headers: { Host: `${service}.internal:8080`, 'User-Agent': 'hulu-android/9.1.2', Accept: 'application/json', 'X-Hulu-Request-Id': requestId, 'X-Hulu-Span-Id': spanPath, Cookie: `sid=${rng.hex(24)}` },
    body: {},
  });
  ev('application', 0.0004, undefined, { levelname: 'INFO', message: `resolved user ${rng.int(100000)} for ${path}` });
  let t = 0.001;
  const calls = aggregated ? 1 : 2 + rng.int(2);
  for (let i = 1; i <= calls; i++) {
    const callee = rng.pick(CALLEES);
    const d = 0.001 + rng.float() * 0.02;
    ev('dependency_start', t, { dependency_span_id: `${spanPath}.${i}`, dependency_name: callee, function_name: rng.pick(FUNCS), args: ['GET', `/${callee}/${rng.int(10000)}`], kwargs: { timeout: 2 } });
    ev('dependency_end', t + d, { dependency_span_id: `${spanPath}.${i}`, exception: false });
    t += d + 0.0002;
  }
  ev('application', t, undefined, { levelname: rng.int(50) === 0 ? 'ERROR' : 'INFO', message: `built response with ${rng.int(40)} items` });
  const failed = rng.int(100) === 0;
  ev('request_end', t + 0.0005, {
    r_status: failed ? '503 Service Unavailable' : '200 OK', r_headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' },
    r_body: '', r_exception: failed ? { msg: 'upstream unavailable', traceback: null } : { msg: null, traceback: null },
  });
  const endSec = t0 + t + 0.0005;
  const spans = 1 + calls;
  const flatLine = (e) => JSON.stringify({
    ...base, levelname: e.levelname ?? 'INFO', name: e.category === 'application' ? `${service}.app` : 'app.tracking',
    message: e.message ?? (e.category === 'request_start' ? 'starting request' : null),
    human_timestamp: '2026-12-03 12:00:00', timestamp: e.timestamp, category: e.category, ...(e.context ? { context: e.context } : {}),
  });
  const line = (e, text) => (e.category === 'request_end' ? { timeSec: e.timestamp, text, endOf: requestId } : { timeSec: e.timestamp, text });
  if (!aggregated) return { lines: events.map((e) => line(e, flatLine(e))), spans, endSec, requestId };
  const apps = events.filter((e) => e.category === 'application');
  const short = ({ headers, url_full, url_args, r_headers, ...rest }) => rest;
  const inner = events.filter((e) => e.category !== 'application')
    .map((e) => ({ category: e.category, timestamp: e.timestamp, context: short(e.context) }));
  return {
    lines: [
      ...apps.map((e) => line(e, flatLine(e))),
      { timeSec: endSec, endOf: requestId, text: JSON.stringify({ ...base, levelname: 'INFO', name: 'app.tracking', message: 'completed request', timestamp: endSec, category: 'aggregated', context: { events: inner } }) },
    ],
    spans,
    endSec,
    requestId,
  };
}

const NOISE = [
  'Starting new HTTP connection (1): profiles.internal:8080',
  'Traceback (most recent call last):',
  '  File "/app/server.py", line 88, in handle',
  '{"levelname": "INFO", "name": "urllib3.connectionpool", "message": "Resetting dropped connection"}',
];

/** CRI line prefix, as containerd writes it (nanosecond fraction). */
export function criPrefix(timeSec) {
  const ms = Math.floor(timeSec * 1000);
  const iso = new Date(ms).toISOString(); // ...sss Z
  const nanos = String(Math.floor((timeSec * 1e9) % 1e9)).padStart(9, '0');
  return `${iso.slice(0, 19)}.${nanos}Z stdout F `;
}

/** Interleaves requests ~16 at a time, in time order, until `lines` lines. */
export function* generateLines(totalLines, { seed, startSec = 1764760000, aggregatedShare = 0.15, noiseShare = 0.02 } = {}) {
  const rng = makeRng(seed);
  const pending = []; // lines of in-flight requests, sorted by time at the end
  let emitted = 0;
  let clock = startSec;
  const stats = { requests: 0, spans: 0 };
  while (emitted < totalLines) {
    while (pending.length < 16 * 5) {
      const r = generateRequest(rng, clock, { aggregated: rng.float() < aggregatedShare });
      clock += 0.0008;
      stats.requests += 1;
      stats.spans += r.spans;
      pending.push(...r.lines);
    }
    pending.sort((a, b) => a.timeSec - b.timeSec);
    const batch = pending.splice(0, 16);
    for (const l of batch) {
      if (rng.float() < noiseShare) { yield { timeSec: l.timeSec, text: rng.pick(NOISE), noise: true, stats }; emitted++; }
      yield { ...l, stats };
      emitted++;
    }
  }
  // Finish the requests already started, so every span has its end.
  pending.sort((a, b) => a.timeSec - b.timeSec);
  for (const l of pending) yield { ...l, stats };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { lines: { type: 'string', default: '400000' }, out: { type: 'string' }, seed: { type: 'string', default: '1' } } });
  if (!values.out) {
    console.error('usage: node test/bench/generate-logs.mjs --lines N --out DIR');
    process.exit(2);
  }
  mkdirSync(values.out, { recursive: true });
  const plain = createWriteStream(join(values.out, 'plain.ndjson'));
  const cri = createWriteStream(join(values.out, 'cri.log'));
  let lines = 0;
  let bytes = 0;
  // Of request lines (noise lines are short on purpose).
  let minLine = Infinity;
  let maxLine = 0;
  let stats;
  for (const l of generateLines(Number(values.lines), { seed: Number(values.seed) })) {
    stats = l.stats;
    const b = Buffer.byteLength(l.text);
    lines += 1;
    bytes += b + 1;
    if (!l.noise) {
      minLine = Math.min(minLine, b);
      maxLine = Math.max(maxLine, b);
    }
    if (!plain.write(`${l.text}\n`)) await new Promise((r) => plain.once('drain', r));
    if (!cri.write(`${criPrefix(l.timeSec)}${l.text}\n`)) await new Promise((r) => cri.once('drain', r));
  }
  await Promise.all([new Promise((r) => plain.end(r)), new Promise((r) => cri.end(r))]);
  console.log(JSON.stringify({ lines, requests: stats.requests, expectedSpans: stats.spans, bytes, avgLineBytes: Math.round(bytes / lines), minRequestLineBytes: minLine, maxRequestLineBytes: maxLine }));
}
