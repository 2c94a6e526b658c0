// A request id is the trace id: support staff paste what they were given.
// UUIDs with dashes or upper case are normalised; any other id is hashed
// (README: SHA-256 of "requestflow/request-id/<id>", first 32 hex) and the
// original stays searchable in hulu.request_id.
import t from 'tap';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { runRequestflow, spansUrl } from '../support/requestflow-binary.js';
import { findTraces, waitForTrace, zipkinBaseUrl } from '../support/zipkin-api.js';

const base = zipkinBaseUrl();
const T = Math.floor(Date.now() / 1000) - 60;

const request = (requestId: string, service: string) => [
  { tracking_id: requestId, span_id: '1', service_name: service, timestamp: T, category: 'request_start', context: { http_method: 'GET', url_path: '/ids' } },
  { tracking_id: requestId, span_id: '1', service_name: service, timestamp: T + 0.002, category: 'request_end', context: { status: 200 } },
].map((r) => JSON.stringify(r)).join('\n');

t.test('UUIDs are normalised, other ids hashed with the original kept', async (t) => {
  const uuid = randomUUID().toUpperCase(); // e.g. 6F1C...-....: dashes and upper case
  const opaque = `support-ticket-${randomBytes(4).toString('hex')}`;
  const service = `ids-${randomBytes(3).toString('hex')}`;
  const r = await runRequestflow(['--once', '--zipkin-url', spansUrl(base), '-'], { stdin: `${request(uuid, service)}\n${request(opaque, service)}\n` });
  t.equal(r.code, 0, r.stderr);

  const normalised = uuid.replaceAll('-', '').toLowerCase();
  const [a] = await waitForTrace(base, normalised);
  t.equal(a!.tags?.['hulu.request_id'], uuid, 'original kept');
  t.equal(a!.tags?.['hulu.request_id.mapping'], 'normalised');

  const hashed = createHash('sha256').update(`requestflow/request-id/${opaque}`).digest('hex').slice(0, 32);
  const [b] = await waitForTrace(base, hashed);
  t.equal(b!.tags?.['hulu.request_id'], opaque);
  t.equal(b!.tags?.['hulu.request_id.mapping'], 'hashed');

  const found = await findTraces(base, { serviceName: service, annotationQuery: `hulu.request_id=${opaque}`, lookbackMs: 3_600_000 });
  t.same(found.map((tr) => tr[0]!.traceId), [hashed], 'the original id finds the trace through a tag search');
});
