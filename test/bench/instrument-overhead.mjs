// Benchmark (not a test): requests per second of a small HTTP service with
// and without requestflow/instrument. The service runs in its own process
// (instrument-overhead-server.mjs, log lines to a file); autocannon loads it
// from this process. Rounds alternate between variants so drift in machine
// load hits all of them alike; the report gives each variant's median and
// spread (min..max) and the median overhead against "plain".
//
//   npm run build && node test/bench/instrument-overhead.mjs [--rounds 5] [--seconds 10] [--connections 50]
//        [--work-us 0] [--variants plain,instrumented,aggregated,logging-off] [--json]
// --work-us N: the handler spends N µs of CPU per request (the service's own work).
import autocannon from 'autocannon';
import { execFileSync, fork } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: {
  rounds: { type: 'string', default: '5' },
  seconds: { type: 'string', default: '10' },
  connections: { type: 'string', default: '50' },
  variants: { type: 'string', default: 'plain,instrumented,aggregated,logging-off' },
  'work-us': { type: 'string', default: '0' },
  json: { type: 'boolean', default: false },
} });
const workUs = Number(values['work-us']);
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const variants = values.variants.split(',');
const serverScript = fileURLToPath(new URL('./instrument-overhead-server.mjs', import.meta.url));
const dir = mkdtempSync(join(os.tmpdir(), 'rf-bench-'));

// With taskset (util-linux) and 2+ cores: the service on core 0, the load on
// core 1, so the two do not take turns on one core.
let pinned = false;
if (os.cpus().length >= 2) {
  try {
    execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
    pinned = true;
  } catch {
    // no taskset: unpinned
  }
}

async function startServer(variant, logFile) {
  const fd = openSync(logFile, 'w');
  const child = fork(serverScript, [variant, String(workUs)], { stdio: ['ignore', fd, 'inherit', 'ipc'] });
  closeSync(fd);
  if (pinned) execFileSync('taskset', ['-cp', '0', String(child.pid)], { stdio: 'ignore' });
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`${variant} server exited ${code}`)));
  });
  const cpuUs = () => new Promise((resolve) => {
    const onMessage = (m) => {
      if (m?.cpu) {
        child.off('message', onMessage);
        resolve(m.cpu.user + m.cpu.system);
      }
    };
    child.on('message', onMessage);
    child.send('cpu');
  });
  return { child, cpuUs, url: `http://127.0.0.1:${port}/titles/42?lang=en` };
}

function load(url, durationSeconds) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: durationSeconds, pipelining: 1 }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const results = Object.fromEntries(variants.map((v) => [v, []]));
const cpu = Object.fromEntries(variants.map((v) => [v, []]));
const logBytes = Object.fromEntries(variants.map((v) => [v, 0]));
try {
  for (let round = 1; round <= rounds; round++) {
    for (const variant of variants) {
      const logFile = join(dir, `${variant}.log`);
      const server = await startServer(variant, logFile);
      try {
        await load(server.url, 2); // warm-up: JIT, connections
        const cpuBefore = await server.cpuUs();
        const r = await load(server.url, seconds);
        const cpuUsPerRequest = (await server.cpuUs() - cpuBefore) / r.requests.total;
        if (r.errors || r.non2xx) throw new Error(`${variant}: ${r.errors} errors, ${r.non2xx} non-2xx answers`);
        results[variant].push(r.requests.average);
        cpu[variant].push(cpuUsPerRequest);
        logBytes[variant] = statSync(logFile).size;
        if (!values.json) process.stderr.write(`round ${round} ${variant.padEnd(12)} ${Math.round(r.requests.average)} req/s, ${cpuUsPerRequest.toFixed(1)} µs CPU per request\n`);
      } finally {
        server.child.kill('SIGTERM');
        await new Promise((r) => (server.child.exitCode !== null ? r() : server.child.once('exit', r)));
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const plain = median(results.plain ?? [NaN]);
const plainCpu = median(cpu.plain ?? [NaN]);
const report = {
  node: process.version,
  cpu: `${os.cpus()[0]?.model} x ${os.cpus().length}`,
  loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
  settings: { rounds, seconds, connections, workUs, pinned },
  variants: Object.fromEntries(variants.map((v) => {
    const xs = results[v];
    return [v, {
      medianRps: Math.round(median(xs)),
      minRps: Math.round(Math.min(...xs)),
      maxRps: Math.round(Math.max(...xs)),
      overheadPct: v === 'plain' ? 0 : Number((100 * (1 - median(xs) / plain)).toFixed(1)),
      medianCpuUsPerRequest: Number(median(cpu[v]).toFixed(1)),
      minCpuUsPerRequest: Number(Math.min(...cpu[v]).toFixed(1)),
      maxCpuUsPerRequest: Number(Math.max(...cpu[v]).toFixed(1)),
      // What the CPU cost means for a service that is CPU-bound: 1 - plain/this.
      cpuBoundOverheadPct: v === 'plain' ? 0 : Number((100 * (1 - plainCpu / median(cpu[v]))).toFixed(1)),
      logBytesPerRequest: v === 'plain' ? 0 : Math.round(logBytes[v] / (xs[xs.length - 1] * seconds + 1)),
    }];
  })),
};
if (values.json) console.log(JSON.stringify(report));
else {
  console.log(`node ${report.node}, ${report.cpu}, load average ${report.loadAverage.join(' ')}`);
  console.log(`${rounds} rounds x ${seconds} s, ${connections} connections, handler work ${workUs} µs, ${pinned ? 'service on core 0, load on core 1' : 'not pinned'}`);
  console.log('variant        median req/s   min..max       fewer req/s   CPU µs/request (min..max)   fewer req/s when CPU-bound');
  for (const [v, r] of Object.entries(report.variants)) {
    const cpuText = `${r.medianCpuUsPerRequest} (${r.minCpuUsPerRequest}..${r.maxCpuUsPerRequest})`;
    console.log(`${v.padEnd(14)} ${String(r.medianRps).padStart(12)}   ${`${r.minRps}..${r.maxRps}`.padEnd(14)} ${(v === 'plain' ? '' : `${r.overheadPct}%`).padStart(11)}   ${cpuText.padEnd(27)} ${v === 'plain' ? '' : `${r.cpuBoundOverheadPct}%`}`);
  }
}
