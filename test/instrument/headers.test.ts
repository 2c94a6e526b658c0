import t from 'tap';
import type { OutgoingHttpHeaders } from 'node:http';
import { fetchHeadersWithPropagation, isSensitiveName, redactHeaders, withPropagation } from '../../src/instrument/headers.js';

const RID = '5f1c0e2a9b7d4c3e8a6f0b1d2c3e4f50';

t.test('sensitive names', async (t) => {
  const sensitive = ['cookie', 'Cookie', 'set-cookie', 'authorization', 'Proxy-Authorization', 'X-API-KEY', 'x-auth-token', 'X-Secret-Thing', 'password', 'x-session-id', 'JSESSIONID', 'access_token',
    'x-goog-api-key', 'apikey', 'X-Amz-Security-Token', 'x-hub-signature', 'x-csrf-token', 'www-authenticate', 'x-client-credentials', 'key', 'sig', 'x-private-data', 'x-user-pwd'];
  const kept = ['accept', 'host', 'user-agent', 'x-hulu-request-id', 'content-type', 'x-api-version', 'x-forwarded-for'];
  for (const n of sensitive) t.ok(isSensitiveName(n), `${n} is sensitive`);
  for (const n of kept) t.notOk(isSensitiveName(n), `${n} is kept`);
});

t.test('redactHeaders drops sensitive headers and keeps the rest as strings', async (t) => {
  const input: OutgoingHttpHeaders = {
    host: 'a:1',
    cookie: 'sid=1',
    authorization: 'Bearer x',
    'x-api-key': 'k',
    'x-session-token': 't',
    'set-cookie': ['a=1', 'b=2'],
    'content-length': 12,
    vary: ['accept', 'origin'],
    'x-skip': undefined,
  } as unknown as OutgoingHttpHeaders; // repeated headers as arrays, as node:http gives them
  t.same(redactHeaders(input), { host: 'a:1', 'content-length': '12', vary: ['accept', 'origin'] });
  t.equal(input.cookie, 'sid=1', 'input left unchanged');
});

t.test('withPropagation replaces X-Hulu ids case-insensitively (object headers)', async (t) => {
  const given = { 'x-hulu-request-id': 'old', 'X-HULU-SPAN-ID': '9.9', Accept: 'text/plain', 'X-Hulu-Device': 'tv' };
  const out = withPropagation(given, RID, '1.3');
  t.same(out, { Accept: 'text/plain', 'X-Hulu-Device': 'tv', 'X-Hulu-Request-Id': RID, 'X-Hulu-Span-Id': '1.3' });
  t.same(given['X-HULU-SPAN-ID'], '9.9', 'caller object not modified');
  t.same(withPropagation(undefined, RID, '1.1'), { 'X-Hulu-Request-Id': RID, 'X-Hulu-Span-Id': '1.1' });
});

t.test('withPropagation replaces X-Hulu ids in flat header lists', async (t) => {
  const out = withPropagation(['X-Hulu-Span-Id', '9.9', 'Accept', '*/*', 'x-hulu-request-id', 'old'], RID, '1.2');
  t.same(out, ['Accept', '*/*', 'X-Hulu-Request-Id', RID, 'X-Hulu-Span-Id', '1.2']);
});

t.test('fetchHeadersWithPropagation', async (t) => {
  const h = fetchHeadersWithPropagation({ 'x-hulu-span-id': '7', 'X-Other': 'y' }, RID, '1.1.4');
  t.same([...h.entries()].sort(), [['x-hulu-request-id', RID], ['x-hulu-span-id', '1.1.4'], ['x-other', 'y']]);
  const fromPairs = fetchHeadersWithPropagation([['X-HULU-REQUEST-ID', 'a'], ['X-HULU-REQUEST-ID', 'b']], RID, '1.1');
  t.equal(fromPairs.get('x-hulu-request-id'), RID, 'a repeated header collapses to ours');
});
