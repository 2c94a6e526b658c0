// Feeds generated logs into Zipkin the way production does: one real
// requestflow binary (`dist/main.js --once`) per service, each with its own
// config naming its pod IP (zipkin.localIp), as one sidecar per pod would.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeServiceLogs, type Generated, type Host } from './generate-logs.js';
import { runRequestflow, spansUrl } from './requestflow-binary.js';

export async function feedThroughSidecars(g: Generated, hosts: Record<string, Host>, baseUrl: string, dir: string): Promise<void> {
  const files = writeServiceLogs(dir, g);
  // Two at a time: the machine has two cores shared with other tests.
  const jobs = [...files];
  const worker = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const [service, file] = job;
      const config = join(dir, `${service}.yaml`);
      writeFileSync(config, `zipkin:\n  url: ${spansUrl(baseUrl)}\n  localIp: '${hosts[service]?.ip ?? ''}'\n`);
      const r = await runRequestflow(['--once', '--json', '--config', config, file], { timeoutMs: 120_000 });
      if (r.code !== 0) throw new Error(`requestflow --once for ${service} exited ${r.code}: ${r.stderr.slice(-2000)}`);
    }
  };
  await Promise.all([worker(), worker()]);
}
