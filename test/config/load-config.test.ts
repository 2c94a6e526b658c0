// loadConfig: YAML < environment < flags; every problem names where it is.
// Files are written by each row; expected messages are the rows' own facts
// (the line a key is on, the key the row misspelt).
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load-config.js';
import { setFlagsLayer } from '../../src/config/overrides.js';

const dir = mkdtempSync(join(tmpdir(), 'rf-config-'));
let n = 0;
function file(text: string): string {
  const f = join(dir, `c${n++}.yaml`);
  writeFileSync(f, text);
  return f;
}
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

t.test('bad files name the file, the line, the key path and the nearest key', async (t) => {
  const rows: { name: string; yaml: string; line: number; expect: RegExp }[] = [
    { name: 'misspelt key in a section', yaml: 'zipkin:\n  url: http://z:9411/api/v2/spans\nexport:\n  batchMaxSpan: 10\n', line: 4,
      expect: /unknown key export\.batchMaxSpan \(did you mean export\.batchMaxSpans\?\)/ },
    { name: 'misspelt section', yaml: 'log:\n  level: info\nzipkn:\n  url: x\n', line: 3, expect: /unknown key zipkn \(did you mean zipkin\?\)/ },
    { name: 'unknown key far from any', yaml: 'export:\n  somethingElseEntirely: 1\n', line: 2, expect: /unknown key export\.somethingElseEntirely$/m },
    { name: 'number out of range', yaml: 'server:\n  enabled: true\n  port: 70000\n', line: 3, expect: /server\.port: Too big/ },
    { name: 'wrong type', yaml: 'export:\n  flushIntervalMs: soon\n', line: 2, expect: /export\.flushIntervalMs: .*expected number/ },
    { name: 'not one of the levels', yaml: '\n\nlog:\n  level: verbose\n', line: 4, expect: /log\.level: / },
    { name: 'URL of the wrong scheme', yaml: 'zipkin:\n  url: ftp://zipkin/api\n', line: 2, expect: /zipkin\.url: / },
    { name: 'buckets out of order', yaml: 'metrics:\n  latencyBucketsMs: [10, 5]\n', line: 2, expect: /metrics\.latencyBucketsMs: must be in ascending order/ },
    { name: 'bad regular expression', yaml: 'privacy:\n  sensitiveNamePattern: "(unclosed"\n', line: 2, expect: /privacy\.sensitiveNamePattern: not a valid regular expression/ },
  ];
  for (const row of rows) {
    const f = file(row.yaml);
    const msg = errorOf(() => loadConfig({ file: f, env: {} }));
    t.match(msg, `${f}:${row.line}: `, `${row.name}: file and line`);
    t.match(msg, row.expect, `${row.name}: key path and message`);
  }
});

t.test('invalid YAML and an unreadable file are ConfigErrors', async (t) => {
  const f = file('zipkin:\n  url: [unclosed\n');
  t.match(errorOf(() => loadConfig({ file: f, env: {} })), new RegExp(`${f}: invalid YAML at line \\d`));
  t.match(errorOf(() => loadConfig({ file: join(dir, 'missing.yaml'), env: {} })), /cannot read config file .*missing\.yaml/);
});

t.test('${VAR} is expanded in values, typed when unquoted, never in comments', async (t) => {
  const f = file([
    '# a comment mentioning ${NOT_SET_ANYWHERE} is left alone',
    'server:',
    '  port: ${RF_TEST_PORT}',
    'zipkin:',
    '  url: "http://${RF_TEST_HOST}:9411/api/v2/spans"',
    '  headers:',
    '    x-tenant: "${RF_TEST_TENANT:-default-tenant}"',
    '',
  ].join('\n'));
  const c = loadConfig({ file: f, env: { RF_TEST_PORT: '9999', RF_TEST_HOST: 'zipkin.example' } });
  t.equal(c.server.port, 9999, 'unquoted: read as a number');
  t.equal(c.zipkin.url, 'http://zipkin.example:9411/api/v2/spans');
  t.same(c.zipkin.headers, { 'x-tenant': 'default-tenant' }, ':- default');
  t.match(errorOf(() => loadConfig({ file: f, env: { RF_TEST_PORT: '1' } })), `${f}:5: \${RF_TEST_HOST} is not set`);
});

t.test('a section with every key commented out reads as absent', async (t) => {
  const f = file('export:\n  # batchMaxSpans: 10\nlog:\n  level: warn\n');
  const c = loadConfig({ file: f, env: {} });
  t.equal(c.export.batchMaxSpans, 500, 'default kept');
  t.equal(c.log.level, 'warn');
});

t.test('precedence: file < REQUESTFLOW_* < flags, downward API below REQUESTFLOW_*', async (t) => {
  const f = file('zipkin:\n  url: http://from-file:9411/api/v2/spans\n  localIp: 10.0.0.1\nexport:\n  batchMaxSpans: 11\nlog:\n  level: warn\n');
  const rows: { name: string; env: NodeJS.ProcessEnv; set: string[]; url: string; ip: string; batch: number; level: string }[] = [
    { name: 'file only', env: {}, set: [], url: 'http://from-file:9411/api/v2/spans', ip: '10.0.0.1', batch: 11, level: 'warn' },
    { name: 'env over file', env: { REQUESTFLOW_ZIPKIN_URL: 'http://from-env:9411/api/v2/spans', REQUESTFLOW_EXPORT_BATCH_MAX_SPANS: '22' }, set: [],
      url: 'http://from-env:9411/api/v2/spans', ip: '10.0.0.1', batch: 22, level: 'warn' },
    { name: 'flag over env', env: { REQUESTFLOW_EXPORT_BATCH_MAX_SPANS: '22', REQUESTFLOW_LOG_LEVEL: 'error' }, set: ['export.batchMaxSpans=33'],
      url: 'http://from-file:9411/api/v2/spans', ip: '10.0.0.1', batch: 33, level: 'error' },
    { name: 'POD_IP over file', env: { POD_IP: '10.9.9.9' }, set: [], url: 'http://from-file:9411/api/v2/spans', ip: '10.9.9.9', batch: 11, level: 'warn' },
    { name: 'REQUESTFLOW_ over POD_IP', env: { POD_IP: '10.9.9.9', REQUESTFLOW_ZIPKIN_LOCAL_IP: '10.8.8.8' }, set: [],
      url: 'http://from-file:9411/api/v2/spans', ip: '10.8.8.8', batch: 11, level: 'warn' },
    { name: 'later --set wins', env: {}, set: ['log.level=debug', 'log.level=info'], url: 'http://from-file:9411/api/v2/spans', ip: '10.0.0.1', batch: 11, level: 'info' },
  ];
  for (const row of rows) {
    const c = loadConfig({ file: f, env: row.env, flags: setFlagsLayer(row.set) });
    t.same([c.zipkin.url, c.zipkin.localIp, c.export.batchMaxSpans, c.log.level], [row.url, row.ip, row.batch, row.level], row.name);
  }
});

t.test('a bad value from a variable or a flag names that variable or flag, not the file', async (t) => {
  const f = file('server:\n  port: 1234\n');
  t.match(errorOf(() => loadConfig({ file: f, env: { REQUESTFLOW_SERVER_PORT: 'ninety' } })),
    /^environment variable REQUESTFLOW_SERVER_PORT: server\.port: .*expected number/m);
  t.match(errorOf(() => loadConfig({ file: f, env: {}, flags: setFlagsLayer(['server.port=-1']) })), /^--set server\.port: server\.port: Too small/m);
  t.match(errorOf(() => loadConfig({ file: f, env: { POD_IP: 'not-an-ip' } })), /^environment variable POD_IP: zipkin\.localIp: /m);
  t.notMatch(errorOf(() => loadConfig({ file: f, env: { REQUESTFLOW_SERVER_PORT: 'ninety' } })), `${f}:`, 'no file line for an env value');
});

t.test('validate-config mode ignores the environment', async (t) => {
  const f = file('log:\n  level: warn\n');
  const c = loadConfig({ file: f, env: { REQUESTFLOW_LOG_LEVEL: 'debug', REQUESTFLOW_NOT_A_KEY: 'x' }, envOverrides: false });
  t.equal(c.log.level, 'warn');
});

t.test('the result is frozen', async (t) => {
  const c = loadConfig({ env: {} });
  t.throws(() => { (c.zipkin as { url: string }).url = 'x'; });
  t.ok(Object.isFrozen(c.metrics.latencyBucketsMs));
});

t.test('zipkin.url: a base or UI URL means the span endpoint; another path is refused', async (t) => {
  const url = (u: string) => loadConfig({ overrides: { 'zipkin.url': u }, env: {} }).zipkin.url;
  const kept: Array<[given: string, used: string]> = [
    ['http://zipkin:9411/api/v2/spans', 'http://zipkin:9411/api/v2/spans'],
    ['http://zipkin:9411', 'http://zipkin:9411/api/v2/spans'],
    ['http://zipkin:9411/', 'http://zipkin:9411/api/v2/spans'],
    ['http://zipkin:9411/zipkin/', 'http://zipkin:9411/api/v2/spans'],
    ['https://gw.example/tracing/zipkin', 'https://gw.example/tracing/api/v2/spans'],
    ['https://gw.example/tracing/api/v2/spans', 'https://gw.example/tracing/api/v2/spans'],
  ];
  for (const [given, used] of kept) t.equal(url(given), used, given);
  // Zipkin answers a POST elsewhere with a 302 (which the exporter's transport counts as delivered) or a 404.
  for (const wrong of ['http://zipkin:9411/api/v2/span', 'http://zipkin:9411/api/v1/spans', 'http://zipkin:9411/tracing']) {
    t.throws(() => url(wrong), /zipkin\.url: not Zipkin's span endpoint/, wrong);
  }
});

t.test('zipkin.localIp: an IPv4 or IPv6 pod IP (POD_IP)', async (t) => {
  for (const ip of ['10.1.2.3', 'fd00::5', '2001:db8::1']) t.equal(loadConfig({ env: { POD_IP: ip } }).zipkin.localIp, ip, ip);
  t.throws(() => loadConfig({ env: { POD_IP: 'pod-a' } }), /POD_IP: zipkin\.localIp/);
});
