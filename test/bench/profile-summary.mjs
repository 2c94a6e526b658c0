// The top self-time functions of a V8 CPU profile (node --cpu-prof), as
// shares of the profile's samples: what `npm run bench -- --profile DIR`
// profiles are read with.
//
//   node test/bench/profile-summary.mjs FILE.cpuprofile [top=25]
//   node test/bench/profile-summary.mjs DIR [top=25]      (every profile in DIR)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export function summarise(file, top = 25) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  let totalUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    const cf = byId.get(p.samples[i]).callFrame;
    const where = cf.url ? ` ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'}${where}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + dt);
    totalUs += dt;
  }
  const idleUs = selfUs.get('(idle)') ?? 0;
  const rows = [...selfUs].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, share: us / totalUs, busyShare: name === '(idle)' ? 0 : us / (totalUs - idleUs) }));
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [target, topArg] = process.argv.slice(2);
  const files = statSync(target).isDirectory()
    ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).sort().map((f) => join(target, f))
    : [target];
  for (const f of files) {
    const s = summarise(f, Number(topArg ?? 25));
    console.log(`${basename(f)}: ${(s.totalMs / 1000).toFixed(2)} s sampled, ${(s.idleMs / 1000).toFixed(2)} s idle; share of busy time:`);
    for (const r of s.rows) console.log(`${(100 * r.busyShare).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`);
  }
}
