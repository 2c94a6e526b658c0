// What of a request may leave the pod: the redactor on plain values, and the
// assembler's tags with the privacy defaults and with each kind allow-listed.
// The default sensitive-name pattern is the config's own default.
import t from 'tap';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { SpanAssembler } from '../../src/assemble/assembler.js';
import { createRedactor, redactUrlCredentials, sensitiveAllowListed, type PrivacyOptions } from '../../src/assemble/privacy.js';
import { configSchema } from '../../src/config/schema.js';
import type { LogEvent } from '../../src/decode/log-event.js';
import { Counters } from '../../src/observe/counters.js';

const DEFAULTS = configSchema.parse({});
const redactor = (p: Partial<PrivacyOptions> = {}) => createRedactor({ ...DEFAULTS.privacy, ...p });

t.test('the defaults export nothing of headers, query, bodies or arguments', async (t) => {
  t.strictSame(
    { ...DEFAULTS.privacy, sensitiveNamePattern: undefined },
    { requestHeaders: [], responseHeaders: [], queryParams: [], bodies: false, dependencyArgs: false, sensitiveNamePattern: undefined },
  );
});

t.test('headerTags: allow-list, case-insensitive', async (t) => {
  const headers = { 'User-Agent': 'curl/8.1', Cookie: 'sid=1', Accept: '*/*', 'X-Count': 3, 'X-List': ['a', 'b'] };
  const cases: Array<[name: string, allow: string[], expected: Record<string, string>]> = [
    ['nothing allowed', [], {}],
    ['one name, as logged', ['User-Agent'], { 'http.request.header.user-agent': 'curl/8.1' }],
    ['one name, lower case', ['user-agent'], { 'http.request.header.user-agent': 'curl/8.1' }],
    ['one name, upper case', ['USER-AGENT'], { 'http.request.header.user-agent': 'curl/8.1' }],
    ['two names', ['accept', 'user-agent'], { 'http.request.header.user-agent': 'curl/8.1', 'http.request.header.accept': '*/*' }],
    ['a name not present', ['x-missing'], {}],
    ['a cookie exported only because it is named', ['cookie'], { 'http.request.header.cookie': 'sid=1' }],
    ['non-string values as JSON text', ['x-count', 'x-list'], { 'http.request.header.x-count': '3', 'http.request.header.x-list': '["a","b"]' }],
    ['"*" is not a wildcard for headers', ['*'], {}],
  ];
  for (const [name, allow, expected] of cases) {
    t.strictSame(redactor().headerTags('http.request.header.', headers, allow), expected, name);
  }
  t.strictSame(redactor().headerTags('p.', undefined, ['a']), {}, 'no headers');
});

t.test('queryTag: allow-list, "*", credential names redacted even when allowed', async (t) => {
  const query = { next: '/home', session_token: 'tok-QUERY-5150', lang: 'de', page: 2 };
  const cases: Array<[name: string, allow: string[], expected: string | undefined]> = [
    ['nothing allowed', [], undefined],
    ['one name', ['lang'], 'lang=de'],
    ['case-insensitive', ['LANG'], 'lang=de'],
    ['in logged order', ['page', 'lang'], 'lang=de&page=2'],
    ['a credential name allowed by name is still redacted', ['session_token'], 'session_token=[redacted]'],
    ['everything', ['*'], 'next=/home&session_token=[redacted]&lang=de&page=2'],
    ['allowed names not present', ['q'], undefined],
  ];
  for (const [name, allow, expected] of cases) t.equal(redactor({ queryParams: allow }).queryTag(query), expected, name);
  t.equal(redactor({ queryParams: ['*'] }).queryTag(undefined), undefined, 'no query');
});

t.test('credential-like names (default pattern)', async (t) => {
  const sensitive = ['token', 'access_token', 'X-Auth-Token', 'refresh-token', 'secret', 'client_secret', 'password', 'Passwd',
    'pwd', 'session', 'sessionid', 'JSESSIONID', 'auth', 'Authorization', 'cookie', 'Set-Cookie', 'credential', 'credentials',
    'signature', 'sig', 'X-Amz-Signature', 'api_key', 'api-key', 'apikey', 'X-Api-Key', 'key', 'KEY', 'private', 'private_key',
    'jwt', 'id_jwt', 'bearer', 'pass', 'PIN', 'sid', 'otp'];
  const plain = ['lang', 'page', 'next', 'q', 'id', 'user', 'keyboard', 'monkey', 'region', 'signal', 'design',
    'passenger', 'shipping', 'pinned', 'side', 'hotpot'];
  const r = redactor();
  t.strictSame(sensitive.filter((n) => !r.isSensitive(n)), [], 'all redacted');
  t.strictSame(plain.filter((n) => r.isSensitive(n)), [], 'none redacted');
  t.equal(redactor({ queryParams: ['*'] }).queryTag(Object.fromEntries(sensitive.map((n) => [n, 'v']))),
    sensitive.map((n) => `${n}=[redacted]`).join('&'), 'each one in a query');
});

t.test('scrubContext: credential keys at any depth, other values untouched, depth bounded', async (t) => {
  const r = redactor();
  t.strictSame(
    r.scrubContext({ user: 'alice', password: 'p', n: 1, ok: true, none: null, nested: { token: 't', list: [{ secret: 's', v: 2 }, 'x'] } }),
    { user: 'alice', password: '[redacted]', n: 1, ok: true, none: null, nested: { token: '[redacted]', list: [{ secret: '[redacted]', v: 2 }, 'x'] } },
  );
  const original = { password: 'p' };
  r.scrubContext(original);
  t.strictSame(original, { password: 'p' }, 'the event itself is not changed');
  // 10 levels of nesting: below depth 8 the value is replaced.
  let deep: Record<string, unknown> = { leaf: 'x' };
  for (let i = 0; i < 10; i++) deep = { d: deep };
  t.strictSame(r.scrubContext(deep as never), { d: { d: { d: { d: { d: { d: { d: { d: { d: '[depth limit]' } } } } } } } } });
});

t.test('bodyText: JSON bodies scrubbed, other text kept as logged', async (t) => {
  const cases: Array<[name: string, body: unknown, expected: string]> = [
    ['object', { username: 'alice', password: 'hunter2' }, '{"username":"alice","password":"[redacted]"}'],
    ['array of objects', [{ token: 't', n: 1 }], '[{"token":"[redacted]","n":1}]'],
    ['JSON object in a string', '{"error": "cache unavailable", "session": "s"}', '{"error":"cache unavailable","session":"[redacted]"}'],
    ['JSON array in a string, leading spaces', '  [{"api_key": "k"}]', '[{"api_key":"[redacted]"}]'],
    ['plain text', 'cache unavailable', 'cache unavailable'],
    ['empty string', '', ''],
    ['text that looks like JSON but is not', '{not json', '{not json'],
    // Python services write bodies with json.dumps, which writes NaN and Infinity.
    ['JSON from Python with NaN', '{"password": "hunter2", "score": NaN}', '{"password":"[redacted]","score":null}'],
    ['JSON from Python with -Infinity in a list', '[{"token": "t", "v": [-Infinity]}]', '[{"token":"[redacted]","v":[null]}]'],
    ['number', 12, '12'],
    ['null', null, ''],
  ];
  for (const [name, body, expected] of cases) t.equal(redactor({ bodies: true }).bodyText(body as never), expected, name);
});

// ---- through the assembler -------------------------------------------------------

const REQ = '7e57ab1e0000400080000000000c00c1';
const T = 1764600000_100000;
const EVENTS: LogEvent[] = [
  { category: 'request_start', requestId: REQ, spanPath: '1', service: 'account', timeUs: T,
    method: 'POST', path: '/login', query: { next: '/home', session_token: 'tok-QUERY-5150', lang: 'de' },
    urlFull: 'http://account.internal/login?next=%2Fhome&session_token=tok-QUERY-5150&lang=de',
    headers: { Cookie: 'sid=COOKIE-SECRET-8841', Authorization: 'Bearer AUTH-TOKEN-7731', 'User-Agent': 'UA-Probe/9.9' },
    body: { username: 'alice@example.com', password: 'PASSWORD-hunter2' } },
  { category: 'dependency_start', requestId: REQ, spanPath: '1', service: 'account', timeUs: T + 1000,
    callSpanPath: '1.1', dependencyName: 'sessions', functionName: 'create', args: ['ARG-SECRET-1919'], kwargs: { ttl: 'KWARG-3600s', password: 'KWARG-PASSWORD-5' } },
  { category: 'dependency_end', requestId: REQ, spanPath: '1', service: 'account', timeUs: T + 5000, callSpanPath: '1.1', exception: false },
  { category: 'request_end', requestId: REQ, spanPath: '1', service: 'account', timeUs: T + 9000, statusCode: 302,
    headers: { 'Set-Cookie': 'sid=SETCOOKIE-SECRET-1', Location: '/home' }, body: '{"session": "SESSION-BODY-77", "ok": true}' },
];

function tagsOf(privacy: Partial<PrivacyOptions>): { server: Record<string, unknown>; client: Record<string, unknown> } {
  const a = new SpanAssembler({ privacy: { ...DEFAULTS.privacy, ...privacy }, limits: DEFAULTS.limits, openSpanTimeoutMs: 1000, maxOpenSpans: 10, maxOpenSpanBytes: 1 << 20 }, new Counters());
  const spans: ReadableSpan[] = a.add(EVENTS, 0);
  const pick = (path: string, kind: number) => {
    const s = spans.find((x) => x.attributes['hulu.span_id'] === path && x.kind === kind)!;
    const { 'hulu.request_id': _r, 'time.self_ms': _s, 'time.calls_ms': _c, 'calls.count': _n, 'callee.sessions': _k, 'service.name': _v, ...rest } = s.attributes;
    return rest;
  };
  return { server: pick('1', 1), client: pick('1.1', 2) };
}

t.test('assembled spans: defaults and each allow-list', async (t) => {
  const SERVER_BASE = { 'hulu.span_id': '1', 'http.method': 'POST', 'http.path': '/login', 'http.status_code': '302' };
  const CLIENT_BASE = { 'hulu.span_id': '1.1', 'peer.service': 'sessions', 'code.function': 'create' };
  const cases: Array<[name: string, privacy: Partial<PrivacyOptions>, server: Record<string, string>, client: Record<string, string>]> = [
    ['defaults: none of it', {}, SERVER_BASE, CLIENT_BASE],
    ['request and response headers by name', { requestHeaders: ['user-agent', 'COOKIE'], responseHeaders: ['location'] },
      { ...SERVER_BASE, 'http.request.header.user-agent': 'UA-Probe/9.9', 'http.request.header.cookie': 'sid=COOKIE-SECRET-8841',
        'http.response.header.location': '/home' }, CLIENT_BASE],
    ['query: allowed names, the token redacted', { queryParams: ['lang', 'session_token'] },
      { ...SERVER_BASE, 'http.query': 'session_token=[redacted]&lang=de' }, CLIENT_BASE],
    ['query: all', { queryParams: ['*'] }, { ...SERVER_BASE, 'http.query': 'next=/home&session_token=[redacted]&lang=de' }, CLIENT_BASE],
    ['bodies, JSON-scrubbed', { bodies: true },
      { ...SERVER_BASE, 'http.request.body': '{"username":"alice@example.com","password":"[redacted]"}',
        'http.response.body': '{"session":"[redacted]","ok":true}' }, CLIENT_BASE],
    ['dependency arguments', { dependencyArgs: true }, SERVER_BASE,
      { ...CLIENT_BASE, 'code.args': '["ARG-SECRET-1919"]', 'code.kwargs': '{"ttl":"KWARG-3600s","password":"[redacted]"}' }],
  ];
  for (const [name, privacy, server, client] of cases) {
    const tags = tagsOf(privacy);
    t.strictSame(tags.server, server, `${name}: SERVER`);
    t.strictSame(tags.client, client, `${name}: CLIENT`);
  }
});

t.test('url_full never becomes a tag, whatever is allowed', async (t) => {
  const everything = tagsOf({ requestHeaders: ['cookie'], queryParams: ['*'], bodies: true, dependencyArgs: true });
  const values = JSON.stringify(everything);
  t.notOk(values.includes('tok-QUERY-5150'), 'the query token appears nowhere');
  t.notOk(values.includes('AUTH-TOKEN-7731'), 'a header not named appears nowhere');
  t.notOk(values.includes('PASSWORD-hunter2') || values.includes('SESSION-BODY-77'), 'body credentials appear nowhere');
});

t.test('redactUrlCredentials: the password of any URL in free text', async (t) => {
  const cases: Array<[text: string, expected: string]> = [
    ['postgres://app:s3cr3t@db:5432/main', 'postgres://app:[redacted]@db:5432/main'],
    ['connect to redis://:hunter2@cache:6379 failed', 'connect to redis://:[redacted]@cache:6379 failed'],
    ['two: http://a:b@x/ and https://c:d@y/', 'two: http://a:[redacted]@x/ and https://c:[redacted]@y/'],
    ['a user without password: http://alice@x/', 'a user without password: http://alice@x/'],
    ['no url at all: user:pass@host', 'no url at all: user:pass@host'],
    ['an email alice@example.com in text', 'an email alice@example.com in text'],
  ];
  for (const [text, expected] of cases) t.equal(redactUrlCredentials(text), expected, text);
  t.equal(redactor({ dependencyArgs: true }).bodyText({ dsn: 'mysql://u:pw@db/x' } as never), '{"dsn":"mysql://u:[redacted]@db/x"}', 'inside JSON values too');
});

t.test('sensitiveAllowListed: allow-listed header names that look like credentials', async (t) => {
  t.same(sensitiveAllowListed({ ...DEFAULTS.privacy, requestHeaders: ['User-Agent', 'Authorization'], responseHeaders: ['Set-Cookie', 'Content-Type'] }),
    ['Authorization', 'Set-Cookie']);
});
