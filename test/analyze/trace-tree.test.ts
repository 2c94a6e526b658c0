// Clock-skew correction and the time split of one trace, on plain Zipkin spans.
// Each row plants a caller's call and its callee's span as the two hosts'
// clocks recorded them, and the position the correction must give the callee.
import t from 'tap';
import { buildTraceTree } from '../../src/analyze/trace-tree.js';
import type { ZipkinSpan } from '../../src/analyze/zipkin-span.js';

const T0 = 1_800_000_000_000_000;
const span = (id: string, kind: 'CLIENT' | 'SERVER', service: string, startUs: number, durationUs: number, extra: Partial<ZipkinSpan> = {}): ZipkinSpan => ({
  traceId: 'a'.repeat(32), id: id.padStart(16, '0'), kind, name: `${service} ${kind}`, timestamp: T0 + startUs, duration: durationUs,
  localEndpoint: { serviceName: service }, ...extra,
});
const withIp = (ip?: string) => (ip ? { ipv4: ip } : {});

interface Row {
  name: string;
  client: { startUs: number; durationUs: number; service?: string; ip?: string };
  server: { startUs: number; durationUs: number; service?: string; ip?: string };
  /** Where the server span must end up, relative to T0. */
  startUs: number;
  networkUs: number;
}

const rows: Row[] = [
  { name: 'callee clock behind (starts before its call): centred, as Zipkin does',
    client: { startUs: 1000, durationUs: 10_000, ip: '10.0.0.1' }, server: { startUs: -99_000, durationUs: 6_000, ip: '10.0.0.2' }, startUs: 3000, networkUs: 4000 },
  { name: 'callee inside its call: left alone',
    client: { startUs: 1000, durationUs: 10_000, ip: '10.0.0.1' }, server: { startUs: 1500, durationUs: 6_000, ip: '10.0.0.2' }, startUs: 1500, networkUs: 4000 },
  { name: 'callee clock ahead (ends after its call): centred too (Zipkin leaves it)',
    client: { startUs: 1000, durationUs: 10_000, ip: '10.0.0.1' }, server: { startUs: 50_000, durationUs: 6_000, ip: '10.0.0.2' }, startUs: 3000, networkUs: 4000 },
  { name: 'callee longer than its call: 1 µs after the call starts, network 0',
    client: { startUs: 1000, durationUs: 5_000, ip: '10.0.0.1' }, server: { startUs: -20_000, durationUs: 6_000, ip: '10.0.0.2' }, startUs: 1001, networkUs: 0 },
  { name: 'same IP (a call to itself): no skew possible, left alone',
    client: { startUs: 1000, durationUs: 10_000, ip: '10.0.0.1' }, server: { startUs: -99_000, durationUs: 6_000, ip: '10.0.0.1' }, startUs: -99_000, networkUs: 4000 },
  { name: 'no IPs, different services: taken as different hosts, centred',
    client: { startUs: 1000, durationUs: 10_000 }, server: { startUs: -99_000, durationUs: 6_000 }, startUs: 3000, networkUs: 4000 },
  { name: 'no IPs, same service: taken as one host, left alone',
    client: { startUs: 1000, durationUs: 10_000, service: 'api' }, server: { startUs: -99_000, durationUs: 6_000, service: 'api' }, startUs: -99_000, networkUs: 4000 },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    const caller = row.client.service ?? 'api';
    const callee = row.server.service ?? 'backend';
    const spans = [
      span('1', 'SERVER', caller, 0, 20_000, { localEndpoint: { serviceName: caller, ...withIp(row.client.ip) } }),
      span('2', 'CLIENT', caller, row.client.startUs, row.client.durationUs, { parentId: '1'.padStart(16, '0'), localEndpoint: { serviceName: caller, ...withIp(row.client.ip) } }),
      span('3', 'SERVER', callee, row.server.startUs, row.server.durationUs, { parentId: '2'.padStart(16, '0'), localEndpoint: { serviceName: callee, ...withIp(row.server.ip) } }),
      // Work the callee did on its own host moves with it.
      span('4', 'CLIENT', callee, row.server.startUs + 1000, 2000, { parentId: '3'.padStart(16, '0'), localEndpoint: { serviceName: callee, ...withIp(row.server.ip) }, remoteEndpoint: { serviceName: 'db' } }),
    ];
    const tree = buildTraceTree(spans);
    const by = (id: string) => tree.nodes.find((n) => n.span.id === id.padStart(16, '0'))!;
    t.equal(by('3').startUs - T0, row.startUs, 'callee start');
    t.equal(by('3').durationUs, row.server.durationUs, 'durations are never changed');
    t.equal(by('4').startUs - by('3').startUs, 1000, "the callee's own call moved with it");
    t.equal(by('2').networkUs, row.networkUs, 'network = call duration minus callee duration');
    t.equal(by('3').skewUs, row.startUs - row.server.startUs, 'skewUs says how far it moved');
  });
}

t.test('a callee on a third host is corrected against its moved caller', async (t) => {
  const ep = (service: string, ip: string) => ({ localEndpoint: { serviceName: service, ipv4: ip } });
  const tree = buildTraceTree([
    span('1', 'SERVER', 'api', 0, 30_000, ep('api', '10.0.0.1')),
    span('2', 'CLIENT', 'api', 1000, 20_000, { parentId: '1'.padStart(16, '0'), ...ep('api', '10.0.0.1') }),
    // b's clock is 500 ms behind; c's is right.
    span('3', 'SERVER', 'b', -500_000 + 2000, 16_000, { parentId: '2'.padStart(16, '0'), ...ep('b', '10.0.0.2') }),
    span('4', 'CLIENT', 'b', -500_000 + 4000, 10_000, { parentId: '3'.padStart(16, '0'), ...ep('b', '10.0.0.2') }),
    span('5', 'SERVER', 'c', 12_000, 6000, { parentId: '4'.padStart(16, '0'), ...ep('c', '10.0.0.3') }),
  ]);
  const by = (id: string) => tree.nodes.find((n) => n.span.id === id.padStart(16, '0'))!;
  t.equal(by('3').startUs - T0, 3000, 'b centred in the call from api');
  t.equal(by('4').startUs - T0, 5000, "b's call moved with b");
  t.equal(by('5').startUs - T0, 7000, "c centred in b's moved call (it would otherwise end after it)");
  t.equal(by('1').ownUs, 10_000, 'api: own = duration minus the call');
  t.equal(by('3').ownUs, 6000, 'b: own = duration minus its call');
});
