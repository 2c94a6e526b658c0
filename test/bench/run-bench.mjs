// `npm run bench`: what one requestflow sidecar costs, measured on this
// machine, against the budget of the benchmark issue. Not a test: it prints
// a table and writes it (with the machine, Node and dependency versions, the
// date and the command) to test/bench/results/latest.md.
//
//   npm run bench                   full run (~6 min): 400,000 lines, 60 s steady state
//   npm run bench -- --quick        smoke run (~1 min): small file, short steady state, one round
//   npm run bench -- --out FILE     write the table elsewhere (--quick writes to the temp directory by default)
//   npm run bench -- --skip zipkin,overhead   leave sections out (once, heap, follow, steady, zipkin, overhead, metrics)
//   npm run bench -- --only once,follow       run only these sections (the limit always runs)
//   npm run bench -- --profile DIR  CPU profiles (node --cpu-prof) of every requestflow run, one folder per run;
//                                   read them with node test/bench/profile-summary.mjs DIR/<run>
//   npm run bench -- --node-options="--max-old-space-size=96"   a V8 setting to compare with the
//                                   manifest's (k8s/base/deployment.yaml), used wherever that one would be
//
// Sections:
//   1 the limit: read the file, split it into lines, JSON.parse every line (json-limit.mjs)
//   2 requestflow --once on the same file (plain and CRI) into a discarding sink: lines/s,
//     spans/s, ratio to the limit, peak RSS, CPU s per million lines (under /usr/bin/time);
//     again with the Kubernetes manifest's NODE_OPTIONS (V8 heap cap)
//   2b follow mode catching up on the whole CRI file (after an outage, a restart)
//   3 steady state: a writer process appends 10,000 lines/s while requestflow follows the
//     file (Kubernetes mode, state directory, metrics server on, as deployed): CPU share of
//     one core, RSS (peak, end, trend), request_end-written to span-accepted latency
//   4 the same through the real Zipkin server (a forwarding sink records when Zipkin said 202)
//   5 the service library's overhead (instrument-overhead.mjs) and the request metrics' cost
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startZipkin } from '../../dist/demo/zipkin-server.js';
import { runTimed, startSampler } from './process-meter.mjs';
import { startSpanSink } from './span-sink.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const MAIN = join(root, 'dist', 'main.js');
const node = process.execPath;

const { values: opt } = parseArgs({ options: {
  quick: { type: 'boolean', default: false },
  out: { type: 'string' },
  skip: { type: 'string', default: '' },
  only: { type: 'string' },
  lines: { type: 'string' },
  'steady-seconds': { type: 'string' },
  'zipkin-rate': { type: 'string' },
  profile: { type: 'string' },
  'node-options': { type: 'string' },
} });
const quick = opt.quick;
const SECTIONS = ['once', 'heap', 'follow', 'steady', 'zipkin', 'overhead', 'metrics'];
const only = opt.only ? new Set(opt.only.split(',')) : undefined;
const skip = new Set([...opt.skip.split(',').filter(Boolean), ...(only ? SECTIONS.filter((s) => !only.has(s)) : [])]);
const P = {
  lines: Number(opt.lines ?? (quick ? 40_000 : 400_000)),
  runs: quick ? 1 : 3,
  steadyRate: 10_000,
  steadySeconds: Number(opt['steady-seconds'] ?? (quick ? 8 : 60)),
  heapSteadySeconds: quick ? 5 : 20,
  zipkinRate: Number(opt['zipkin-rate'] ?? (quick ? 2_000 : 10_000)),
  zipkinSeconds: quick ? 5 : 30,
  overheadRounds: quick ? 1 : 3,
  overheadSeconds: quick ? 2 : 5,
};
const outFile = opt.out ?? (quick ? join(os.tmpdir(), 'requestflow-bench-quick.md') : join(here, 'results', 'latest.md'));

const MIB = 1024 * 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
const log = (m) => process.stderr.write(`[bench] ${m}\n`);
const round = (x, d = 0) => Number(x.toFixed(d));

/** The V8 heap setting the Kubernetes manifest gives the sidecar (NODE_OPTIONS in k8s/base/deployment.yaml). */
function manifestNodeOptions() {
  const text = readFileSync(join(root, 'k8s', 'base', 'deployment.yaml'), 'utf8');
  const m = /name: NODE_OPTIONS\s+value: (.+)/.exec(text);
  return m ? m[1].trim().replace(/^["']|["']$/g, '') : '';
}
const K8S_NODE_OPTIONS = opt['node-options'] ?? manifestNodeOptions();

/** Node's arguments for one requestflow run: dist/main.js and `args`, with --profile a CPU profile into DIR/<run>. */
function requestflowArgs(run, args) {
  if (!opt.profile) return [MAIN, ...args];
  const dir = join(opt.profile, run.replace(/[^a-z0-9]+/gi, '-'));
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`, MAIN, ...args];
}

// ---- the machine -------------------------------------------------------------

function machine() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = (name) => { try { return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version; } catch { return '?'; } };
  const names = [...Object.keys(pkg.dependencies), 'autocannon'];
  let osName = `${os.type()} ${os.release()}`;
  try { osName = `${/PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))[1]}, kernel ${os.release()}`; } catch { /* not Linux */ }
  let commit = '?';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    if (execFileSync('git', ['status', '--porcelain', '--', 'src', 'test/bench'], { cwd: root, encoding: 'utf8' }).trim()) commit += ' (with uncommitted changes)';
  } catch { /* not a git checkout */ }
  let java = '?';
  try { java = /version "([^"]+)"/.exec(execFileSync('sh', ['-c', 'java -version 2>&1'], { encoding: 'utf8' }))[1]; } catch { /* no java */ }
  return {
    cpu: `${os.cpus()[0]?.model ?? '?'}, ${os.cpus().length} cores`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: osName,
    node: process.version,
    java,
    dependencies: names.map((n) => `${n} ${version(n)}`).join(', '),
    date: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    commit,
    loadAverage: os.loadavg().map((x) => x.toFixed(2)).join(' '),
  };
}

// ---- helpers -----------------------------------------------------------------

function runNode(args, { env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(node, args, { cwd: root, env: env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`node ${args.join(' ')} exited ${code}`))));
  });
}

const lastJson = (text) => JSON.parse(text.trim().split('\n').filter((l) => l.startsWith('{')).pop());

async function waitFor(cond, timeoutMs, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
  return true;
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

/** Starts requestflow in follow mode; resolves once it has logged "started". */
async function startFollower(args, env) {
  const child = spawn(node, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => { stderr += c; });
  const ok = await waitFor(() => /"msg":"started"/.test(stderr) || child.exitCode !== null, 20_000);
  if (!ok || child.exitCode !== null) throw new Error(`requestflow did not start:\n${stderr}`);
  return { child, stderr: () => stderr };
}

/** Kubernetes mode, as k8s/base/requestflow.yaml configures it, under a temporary log root. */
function kubernetesSetup(dir) {
  const pod = { POD_NAMESPACE: 'bench', POD_NAME: 'my-service-0', POD_UID: '00000000-0000-0000-0000-000000000001', REQUESTFLOW_CONTAINER: 'my-service' };
  const logDir = join(dir, 'pods', `${pod.POD_NAMESPACE}_${pod.POD_NAME}_${pod.POD_UID}`, pod.REQUESTFLOW_CONTAINER);
  mkdirSync(logDir, { recursive: true });
  mkdirSync(join(dir, 'state'));
  const config = join(dir, 'requestflow.yaml');
  writeFileSync(config, [
    'tail:', `  stateDir: ${join(dir, 'state')}`, '  kubernetes:', '    enabled: true', `    logRoot: ${join(dir, 'pods')}`,
    'server:', '  host: 127.0.0.1', '  port: 0', 'log:', '  level: info', '',
  ].join('\n'));
  return { pod, logFile: join(logDir, '0.log'), config };
}

// ---- 1 and 2: the limit and --once --------------------------------------------

async function limit(file, format) {
  const runs = [];
  for (let i = 0; i < P.runs; i++) runs.push(lastJson(await runNode([join(here, 'json-limit.mjs'), file, format])));
  return { linesPerSecond: median(runs.map((r) => r.linesPerSecond)), lines: runs[0].lines, seconds: median(runs.map((r) => r.seconds)) };
}

async function once(file, sink, expectedSpans, nodeOptions, run) {
  const before = sink.stats.spans;
  const env = { ...process.env, NODE_OPTIONS: nodeOptions };
  const r = await runTimed(node, requestflowArgs(run, ['--once', '--json', '--zipkin-url', sink.url, file]), { env, cwd: root });
  if (r.code !== 0) throw new Error(`requestflow --once exited ${r.code}:\n${r.stderr}`);
  const summary = lastJson(r.stdout);
  const received = sink.stats.spans - before;
  if (received !== expectedSpans) throw new Error(`--once: the sink received ${received} spans, expected ${expectedSpans}`);
  return {
    wallS: r.wallS, cpuS: r.cpuS, peakRssMiB: r.peakRssMiB, lines: summary.linesRead, spans: received,
    linesPerSecond: summary.linesRead / r.wallS, spansPerSecond: received / r.wallS,
    cpuSPerMillionLines: (r.cpuS / summary.linesRead) * 1e6,
  };
}

async function onceRows(files, input, limits, sink) {
  const rows = {};
  for (const format of ['plain', 'cri']) {
    const runs = [];
    for (let i = 0; i < P.runs; i++) runs.push(await once(files[format], sink, input.expectedSpans, '', `once-${format}`));
    const m = (k) => median(runs.map((r) => r[k]));
    rows[format] = {
      linesPerSecond: m('linesPerSecond'), spansPerSecond: m('spansPerSecond'), ratio: m('linesPerSecond') / limits[format].linesPerSecond,
      peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)), cpuSPerMillionLines: m('cpuSPerMillionLines'), wallS: m('wallS'), runs: runs.length,
    };
    log(`--once ${format}: ${Math.round(rows[format].linesPerSecond)} lines/s, ratio ${rows[format].ratio.toFixed(2)}, peak RSS ${rows[format].peakRssMiB.toFixed(0)} MiB`);
  }
  return rows;
}

async function onceHeapRows(files, input, sink) {
  const rows = {};
  for (const format of ['plain', 'cri']) {
    rows[format] = await once(files[format], sink, input.expectedSpans, K8S_NODE_OPTIONS, `once-${format}-heap`);
    log(`--once ${format} with ${K8S_NODE_OPTIONS}: ${Math.round(rows[format].linesPerSecond)} lines/s, peak RSS ${rows[format].peakRssMiB.toFixed(0)} MiB`);
  }
  return rows;
}

// ---- 2b: follow mode catching up ------------------------------------------------

async function followCatchUp(criFile, input, sink) {
  const dir = mkdtempSync(join(os.tmpdir(), 'rf-bench-follow-'));
  try {
    const k = kubernetesSetup(dir);
    execFileSync('cp', [criFile, k.logFile]);
    const before = sink.stats.spans;
    const env = { ...process.env, ...k.pod, NODE_OPTIONS: K8S_NODE_OPTIONS };
    const startedMs = performance.now();
    const child = spawn(node, requestflowArgs('follow', ['--config', k.config, '--zipkin-url', sink.url]), { cwd: root, env, stdio: ['ignore', 'ignore', 'ignore'] });
    const sampler = startSampler(child.pid, 100);
    const ok = await waitFor(() => sink.stats.spans - before >= input.expectedSpans || child.exitCode !== null, 600_000, 20);
    const seconds = (performance.now() - startedMs) / 1000;
    const samples = sampler.stop();
    await stopChild(child);
    if (!ok) throw new Error(`follow catch-up: ${sink.stats.spans - before} of ${input.expectedSpans} spans`);
    const r = {
      linesPerSecond: input.lines / seconds, seconds, peakRssMiB: Math.max(...samples.map((s) => s.rssMiB)),
      cpuSPerMillionLines: (samples[samples.length - 1].cpuS / input.lines) * 1e6,
    };
    log(`follow catch-up: ${Math.round(r.linesPerSecond)} lines/s, peak RSS ${r.peakRssMiB.toFixed(0)} MiB`);
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- 3 and 4: steady state ---------------------------------------------------------

/** Least-squares slope of RSS over time, MiB per minute. */
function rssSlopePerMinute(samples) {
  const n = samples.length;
  if (n < 3) return 0;
  const xs = samples.map((s) => s.atMs / 60_000);
  const ys = samples.map((s) => s.rssMiB);
  const mx = xs.reduce((a, b) => a + b) / n;
  const my = ys.reduce((a, b) => a + b) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) { num += (xs[i] - mx) * (ys[i] - my); den += (xs[i] - mx) ** 2; }
  return den ? num / den : 0;
}

/**
 * A writer appends `rate` lines/s for `seconds` while requestflow follows the
 * file and exports to `sinkOpts` (discarding, or forwarding to Zipkin).
 * `alsoSample`: another pid whose CPU share to report (Zipkin's).
 */
async function steady({ rate, seconds, nodeOptions, forwardTo, alsoSample, label }) {
  const dir = mkdtempSync(join(os.tmpdir(), 'rf-bench-steady-'));
  const acceptedAt = new Map();
  const sink = await startSpanSink({ forwardTo, onSpan: (s, at) => { if (s.kind === 'SERVER' && !acceptedAt.has(s.traceId)) acceptedAt.set(s.traceId, at); } });
  let rf;
  try {
    const k = kubernetesSetup(dir);
    writeFileSync(k.logFile, '');
    rf = await startFollower(requestflowArgs(label, ['--config', k.config, '--zipkin-url', sink.url]), { ...process.env, ...k.pod, NODE_OPTIONS: nodeOptions });
    await sleep(1000); // settle after start-up (module loading, first discovery)
    const sampler = startSampler(rf.child.pid, 500);
    const other = alsoSample ? startSampler(alsoSample, 1000) : undefined;
    const timesFile = join(dir, 'times.json');
    const writerStartMs = performance.now();
    await runNode([join(here, 'steady-writer.mjs'), '--file', k.logFile, '--rate', String(rate), '--seconds', String(seconds), '--format', 'cri', '--times', timesFile]);
    const writerEndMs = performance.now();
    const written = JSON.parse(readFileSync(timesFile, 'utf8'));
    const drained = await waitFor(() => sink.stats.spans >= written.spans, 30_000);
    sampler.take();
    const samples = sampler.stop();
    const otherSamples = other?.stop();
    const code = await stopChild(rf.child);
    const inWindow = samples.filter((s) => s.atMs >= writerStartMs && s.atMs <= writerEndMs + 600);
    const first = inWindow[0];
    const last = inWindow[inWindow.length - 1];
    const latencies = [];
    let missing = 0;
    for (const [id, writtenAt] of Object.entries(written.ends)) {
      const at = acceptedAt.get(id);
      if (at === undefined) missing += 1;
      else latencies.push(at - writtenAt);
    }
    latencies.sort((a, b) => a - b);
    const share = (s) => (s.length > 1 ? (s[s.length - 1].cpuS - s[0].cpuS) / ((s[s.length - 1].atMs - s[0].atMs) / 1000) : NaN);
    const late = inWindow.filter((s) => s.atMs >= writerStartMs + 10_000);
    const r = {
      label, rate, seconds: written.seconds, linesWritten: written.lines, linesPerSecond: written.lines / written.seconds,
      spansExpected: written.spans, spansReceived: sink.stats.spans, drained, missing, exitCode: code,
      cpuShare: (last.cpuS - first.cpuS) / ((last.atMs - first.atMs) / 1000),
      peakRssMiB: Math.max(...inWindow.map((s) => s.rssMiB)), endRssMiB: last.rssMiB,
      rssSlopeMiBPerMin: rssSlopePerMinute(late.length >= 3 ? late : inWindow),
      latencyP50Ms: quantile(latencies, 0.5), latencyP99Ms: quantile(latencies, 0.99), latencyMaxMs: latencies[latencies.length - 1],
      otherCpuShare: otherSamples ? share(otherSamples.filter((s) => s.atMs >= writerStartMs && s.atMs <= writerEndMs + 1000)) : undefined,
    };
    if (!drained || missing > 0) log(`${label}: ${sink.stats.spans} of ${written.spans} spans arrived, ${missing} request ends without their span\n${rf.stderr().slice(-2000)}`);
    log(`${label}: CPU ${(100 * r.cpuShare).toFixed(1)}% of a core, RSS peak ${r.peakRssMiB.toFixed(0)} MiB (end ${r.endRssMiB.toFixed(0)}, ${r.rssSlopeMiBPerMin.toFixed(1)} MiB/min), latency p50 ${r.latencyP50Ms?.toFixed(0)} ms p99 ${r.latencyP99Ms?.toFixed(0)} ms`);
    return r;
  } finally {
    if (rf) await stopChild(rf.child);
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function steadyZipkin() {
  const zk = await startZipkin();
  try {
    const r = await steady({ rate: P.zipkinRate, seconds: P.zipkinSeconds, nodeOptions: K8S_NODE_OPTIONS, forwardTo: `${zk.baseUrl}/api/v2/spans`, alsoSample: zk.pid, label: 'steady, real Zipkin' });
    // Zipkin answers 202 before storing: a sample of traces must be there to read back.
    const res = await fetch(`${zk.baseUrl}/api/v2/traces?limit=20&lookback=86400000`);
    r.zipkinTracesReadBack = res.ok ? (await res.json()).length : 0;
    return r;
  } finally {
    await zk.stop();
  }
}

// ---- 5: the library and the metrics -------------------------------------------------

async function overhead() {
  const out = await runNode([join(here, 'instrument-overhead.mjs'), '--json', '--rounds', String(P.overheadRounds), '--seconds', String(P.overheadSeconds), '--variants', 'plain,instrumented,aggregated']);
  return lastJson(out);
}

async function metricsCost() {
  return {
    idPaths: lastJson(await runNode([join(here, 'request-metrics-cost.mjs')])),
    fixedPaths: lastJson(await runNode([join(here, 'request-metrics-cost.mjs'), 'fixed-paths'])),
  };
}

// ---- the table -------------------------------------------------------------------------

const fmt = (x, d = 0) => (x === undefined || Number.isNaN(x) ? 'n/a' : x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }));
const mark = (ok) => (ok === undefined ? '' : ok ? 'yes' : '**no**');

function table(m, input, R) {
  const rows = [];
  const add = (section, measure, figure, target = '', ok) => rows.push(`| ${section} | ${measure} | ${figure} | ${target} | ${mark(ok)} |`);
  for (const f of ['plain', 'cri']) if (R.limit?.[f]) add('1 limit', `read + split + JSON.parse, ${f}`, `${fmt(R.limit[f].linesPerSecond)} lines/s`);
  for (const f of ['plain', 'cri']) {
    const o = R.once?.[f];
    if (!o) continue;
    add('2 --once', `${f}: lines/s (spans/s)`, `${fmt(o.linesPerSecond)} (${fmt(o.spansPerSecond)})`);
    add('2 --once', `${f}: ratio to the limit`, fmt(o.ratio, 2), '>= 0.6', o.ratio >= 0.6);
    add('2 --once', `${f}: peak RSS, default heap`, `${fmt(o.peakRssMiB)} MiB`, '< 150 MiB', o.peakRssMiB < 150);
    add('2 --once', `${f}: CPU per million lines`, `${fmt(o.cpuSPerMillionLines, 2)} s`);
  }
  for (const f of ['plain', 'cri']) {
    const o = R.onceHeap?.[f];
    if (o) add('2 --once', `${f}: peak RSS with NODE_OPTIONS=${K8S_NODE_OPTIONS} (lines/s)`, `${fmt(o.peakRssMiB)} MiB (${fmt(o.linesPerSecond)})`, '< 150 MiB', o.peakRssMiB < 150);
  }
  if (R.follow) add('2b follow', 'catching up on the whole CRI file: lines/s, peak RSS', `${fmt(R.follow.linesPerSecond)}, ${fmt(R.follow.peakRssMiB)} MiB`);
  const steadyRows = (s, section) => {
    add(section, `${s.label}: lines/s written, spans arrived`, `${fmt(s.linesPerSecond)} for ${fmt(s.seconds)} s, ${fmt(s.spansReceived)} of ${fmt(s.spansExpected)}`, 'all', s.missing === 0 && s.drained);
    add(section, `${s.label}: CPU, share of one core`, `${fmt(100 * s.cpuShare, 1)}%`, s.rate >= 10_000 ? '<= 10%' : '', s.rate >= 10_000 ? s.cpuShare <= 0.10 : undefined);
    add(section, `${s.label}: RSS peak / at end / trend`, `${fmt(s.peakRssMiB)} / ${fmt(s.endRssMiB)} MiB / ${fmt(s.rssSlopeMiBPerMin, 1)} MiB/min`, '<= 100 MiB, flat', s.peakRssMiB <= 100 && Math.abs(s.rssSlopeMiBPerMin) < 2);
    add(section, `${s.label}: request_end written -> span accepted, p50 / p99 (max)`, `${fmt(s.latencyP50Ms)} / ${fmt(s.latencyP99Ms)} ms (${fmt(s.latencyMaxMs)})`, 'p99 < 1,000 ms', s.latencyP99Ms < 1000);
    if (s.otherCpuShare !== undefined) add(section, `${s.label}: Zipkin's CPU, share of one core; traces read back`, `${fmt(100 * s.otherCpuShare, 1)}%; ${s.zipkinTracesReadBack}`);
  };
  if (R.steady) steadyRows(R.steady, '3 steady');
  if (R.steadyHeap) steadyRows(R.steadyHeap, '3 steady');
  if (R.zipkin) steadyRows(R.zipkin, '4 Zipkin');
  if (R.overhead) {
    const v = R.overhead.variants;
    add('5 library', 'plain service: requests/s', fmt(v.plain.medianRps));
    for (const name of ['instrumented', 'aggregated']) {
      if (v[name]) add('5 library', `${name}: requests/s (fewer; CPU µs/request)`, `${fmt(v[name].medianRps)} (${fmt(v[name].overheadPct, 1)}%; ${v[name].medianCpuUsPerRequest} vs ${v.plain.medianCpuUsPerRequest})`, '< 5% fewer', v[name].overheadPct < 5);
    }
  }
  if (R.metrics) add('5 metrics', 'request metrics (RED) CPU per span: 5 fixed paths / a new path with an id per request', `${R.metrics.fixedPaths.cpuUsPerSpan} / ${R.metrics.idPaths.cpuUsPerSpan} µs`);
  const lines = [
    `# requestflow benchmark${quick ? ' (quick)' : ''}`,
    '',
    `- machine: ${m.cpu}, ${m.memory} memory, ${m.os}; load average at start ${m.loadAverage}`,
    `- Node ${m.node}; Java ${m.java} (Zipkin)`,
    `- dependencies: ${m.dependencies}`,
    `- date: ${m.date}; commit ${m.commit}`,
    `- command: \`${m.command}\``,
    `- input: ${fmt(input.lines)} lines, ${fmt(input.requests)} requests (${fmt(input.lines / input.requests, 2)} lines per request, flat and aggregated), ${fmt(input.bytes / MIB)} MiB, ${fmt(input.expectedSpans)} spans; request lines ${input.minRequestLineBytes}-${input.maxRequestLineBytes} bytes, mean ${input.avgLineBytes}; CRI copy ${fmt(input.criBytes / MIB)} MiB`,
    `- medians of ${P.runs} run(s); steady state in Kubernetes mode with a state directory and the metrics server, NODE_OPTIONS=${K8S_NODE_OPTIONS}${opt['node-options'] === undefined ? ' as in k8s/base/deployment.yaml' : ' (--node-options)'} unless said otherwise`,
    '',
    '| section | measure | figure | target | met |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ];
  return lines.join('\n');
}

// ---- main ------------------------------------------------------------------------------

const m = machine();
log(`${m.cpu}; node ${m.node}; ${quick ? 'quick' : 'full'} run, writing ${relative(process.cwd(), outFile) || outFile}`);
const dir = mkdtempSync(join(os.tmpdir(), 'rf-bench-'));
const R = {};
let sink;
try {
  const input = lastJson(await runNode([join(here, 'generate-logs.mjs'), '--lines', String(P.lines), '--out', dir]));
  const files = { plain: join(dir, 'plain.ndjson'), cri: join(dir, 'cri.log') };
  input.criBytes = Number(execFileSync('stat', ['-c', '%s', files.cri], { encoding: 'utf8' }));
  log(`input: ${input.lines} lines, ${input.requests} requests, ${input.expectedSpans} spans`);
  R.limit = { plain: await limit(files.plain, 'plain'), cri: await limit(files.cri, 'cri') };
  log(`limit: plain ${Math.round(R.limit.plain.linesPerSecond)} lines/s, cri ${Math.round(R.limit.cri.linesPerSecond)} lines/s`);
  sink = await startSpanSink();
  if (!skip.has('once')) R.once = await onceRows(files, input, R.limit, sink);
  if (!skip.has('heap')) R.onceHeap = await onceHeapRows(files, input, sink);
  if (!skip.has('follow')) R.follow = await followCatchUp(files.cri, input, sink);
  await sink.close();
  sink = undefined;
  rmSync(dir, { recursive: true, force: true });
  if (!skip.has('steady')) R.steady = await steady({ rate: P.steadyRate, seconds: P.steadySeconds, nodeOptions: K8S_NODE_OPTIONS, label: 'steady' });
  if (!skip.has('steady') && !skip.has('heap')) R.steadyHeap = await steady({ rate: P.steadyRate, seconds: P.heapSteadySeconds, nodeOptions: '', label: 'steady, default heap' });
  if (!skip.has('zipkin')) R.zipkin = await steadyZipkin();
  if (!skip.has('overhead')) R.overhead = await overhead();
  if (!skip.has('metrics')) R.metrics = await metricsCost();
  const text = table(m, input, R);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, text);
  writeFileSync(outFile.replace(/\.md$/, '.json'), `${JSON.stringify({ machine: m, params: P, input, results: R }, null, 2)}\n`);
  process.stdout.write(`${text}\nwritten to ${outFile}\n`);
} finally {
  await sink?.close();
  rmSync(dir, { recursive: true, force: true });
}
