// Nothing sensitive leaves the pod unless configured: the real binary sends
// the fixtures to the real Zipkin, and everything Zipkin returns for them is
// searched for every header, cookie, body, argument and query value they hold.
import t from 'tap';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtures, runRequestflow, spansUrl } from '../support/requestflow-binary.js';
import { getTrace, waitForTrace, zipkinBaseUrl } from '../support/zipkin-api.js';

const base = zipkinBaseUrl();
const dir = mkdtempSync(join(tmpdir(), 'rf-privacy-'));

/** A copy of a fixture with every request id replaced by a fresh one (tests share one Zipkin). */
function withFreshIds(file: string): { path: string; ids: string[] } {
  let text = readFileSync(file, 'utf8');
  const ids: string[] = [];
  for (const old of new Set(text.match(/"tracking_id": ?"([0-9a-f]{32})"/g)?.map((m) => m.slice(-33, -1)))) {
    const id = `a${randomBytes(15).toString('hex')}b`;
    text = text.replaceAll(old, id);
    ids.push(id);
  }
  const path = join(dir, `${ids[0]}.ndjson`);
  writeFileSync(path, text);
  return { path, ids };
}

async function exportAndFetch(files: string[], config?: string): Promise<{ text: string; ids: string[] }> {
  const copies = files.map(withFreshIds);
  const args = ['--once', '--zipkin-url', spansUrl(base), ...(config ? ['--config', config] : []), ...copies.map((c) => c.path)];
  const r = await runRequestflow(args);
  if (r.code !== 0) throw new Error(`requestflow exited ${r.code}: ${r.stderr}`);
  const ids = copies.flatMap((c) => c.ids);
  for (const id of ids) await waitForTrace(base, id);
  const traces = await Promise.all(ids.map((id) => getTrace(base, id)));
  return { text: JSON.stringify(traces), ids };
}

// Values planted in test/fixtures/privacy/secrets.ndjson, and the header,
// body, argument and query values of the shared legacy fixtures.
const SECRETS = [
  'COOKIE-SECRET-8841', 'AUTH-TOKEN-7731', 'UA-Probe/9.9', 'APIKEY-4242', // request headers
  'alice@example.com', 'PASSWORD-hunter2', // request body
  'tok-QUERY-5150', '%2Fhome', // query string
  'ARG-SECRET-1919', 'KWARG-3600s', // dependency args, kwargs
  'CTX-TOKEN-6060', // a credential-named key in an application line's context
  'SETCOOKIE-9090', 'RESPONSE-BODY-1212', // response header, body
];
const LEGACY_VALUES = [
  'search.internal:7100', 'curl/8.1', '*/*', // header values
  '"lang"', 'items\\": 12', '{\\"error\\"', // bodies (as they appear inside JSON)
  'application/json', // response header
  '/profile/7001', '"kwargs"', 'timeout', // dependency args
  '198.51.100.7', 'device=3', 'sku', // query strings
];

t.test('by default no header, cookie, body, argument or query value reaches Zipkin', async (t) => {
  const { text } = await exportAndFetch([
    join(fixtures, 'privacy', 'secrets.ndjson'),
    join(fixtures, 'legacy', 'flat-single-service.ndjson'),
    join(fixtures, 'legacy', 'aggregated-two-services.ndjson'),
    join(fixtures, 'legacy', 'request-end-variants.ndjson'),
  ]);
  t.ok(text.includes('login accepted'), 'the spans did arrive (the search is not vacuous)');
  for (const v of [...SECRETS, ...LEGACY_VALUES]) t.notOk(text.includes(v), `${v} is not in Zipkin`);
  t.ok(text.includes(String.raw`login accepted {\"user\":\"alice\",\"api_token\":\"[redacted]\",\"reason\":\"password ok\"}`),
    'the application line keeps its context, the credential-named key redacted');
});

t.test('allow-listed headers, query parameters and bodies are exported; credentials stay redacted', async (t) => {
  const config = join(dir, 'allow.yaml');
  writeFileSync(config, [
    'privacy:',
    '  requestHeaders: [User-Agent]',
    '  responseHeaders: [content-type]',
    "  queryParams: ['*']",
    '  bodies: true',
    '',
  ].join('\n'));
  const { text, ids } = await exportAndFetch([join(fixtures, 'privacy', 'secrets.ndjson')], config);
  const [trace] = [await getTrace(base, ids[0]!)];
  const server = trace!.find((s) => s.kind === 'SERVER')!;
  t.equal(server.tags?.['http.request.header.user-agent'], 'UA-Probe/9.9');
  t.equal(server.tags?.['http.response.header.content-type'], 'application/json');
  t.equal(server.tags?.['http.query'], 'next=/home&session_token=[redacted]&lang=de');
  t.equal(server.tags?.['http.request.body'], '{"username":"alice@example.com","password":"[redacted]"}',
    'bodies: true exports the body, credential-named keys redacted');
  t.equal(server.tags?.['http.response.body'], '{"session":"[redacted]"}', 'also inside a body logged as a JSON string');
  for (const v of ['COOKIE-SECRET-8841', 'AUTH-TOKEN-7731', 'APIKEY-4242', 'tok-QUERY-5150', 'ARG-SECRET-1919', 'SETCOOKIE-9090',
    'PASSWORD-hunter2', 'RESPONSE-BODY-1212']) {
    t.notOk(text.includes(v), `${v} (not allow-listed, or credential-named) is not in Zipkin`);
  }
});
