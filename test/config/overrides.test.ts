// The environment-variable and --set mapping derived from the schema.
import t from 'tap';
import { configKeys, envVarFor } from '../../src/config/config-keys.js';
import { ConfigError } from '../../src/config/load-config.js';
import { ENV_ALIASES, envLayer, parseText, setFlagsLayer } from '../../src/config/overrides.js';

t.test('variable names: REQUESTFLOW_ + the key path in upper snake case', async (t) => {
  // Written out by hand: the documented examples and the awkward cases.
  const rows: [string, string][] = [
    ['zipkin.url', 'REQUESTFLOW_ZIPKIN_URL'],
    ['zipkin.localIp', 'REQUESTFLOW_ZIPKIN_LOCAL_IP'],
    ['export.batchMaxSpans', 'REQUESTFLOW_EXPORT_BATCH_MAX_SPANS'],
    ['server.maxEventLoopLagMs', 'REQUESTFLOW_SERVER_MAX_EVENT_LOOP_LAG_MS'],
    ['inputs', 'REQUESTFLOW_INPUTS'],
    ['log.level', 'REQUESTFLOW_LOG_LEVEL'],
  ];
  for (const [key, variable] of rows) {
    t.equal(envVarFor(key.split('.')), variable, key);
    t.equal(configKeys().find((k) => k.name === key)?.envVar, variable, `${key} in the catalogue`);
  }
});

t.test('no two keys share a variable', async (t) => {
  const seen = new Map<string, string>();
  for (const k of configKeys()) {
    t.notOk(seen.has(k.envVar), `${k.envVar}: ${k.name} vs ${seen.get(k.envVar)}`);
    seen.set(k.envVar, k.name);
  }
});

t.test('text is read by the key kind', async (t) => {
  const key = (name: string) => configKeys().find((k) => k.name === name)!;
  const rows: { key: string; text: string; value: unknown }[] = [
    { key: 'export.batchMaxSpans', text: '250', value: 250 },
    { key: 'export.batchMaxSpans', text: 'lots', value: 'lots' }, // left for the schema to refuse
    { key: 'export.batchMaxSpans', text: '', value: '' },
    { key: 'privacy.bodies', text: 'true', value: true },
    { key: 'privacy.bodies', text: 'No', value: false },
    { key: 'privacy.bodies', text: '1', value: true },
    { key: 'inputs', text: '/a.log, /b.log', value: ['/a.log', '/b.log'] },
    { key: 'inputs', text: '["/a,b.log"]', value: ['/a,b.log'] },
    { key: 'inputs', text: '', value: [] },
    { key: 'metrics.latencyBucketsMs', text: '1,2.5,10', value: [1, 2.5, 10] },
    { key: 'zipkin.headers', text: '{"authorization":"Bearer x"}', value: { authorization: 'Bearer x' } },
    { key: 'zipkin.url', text: 'http://z:9411/api/v2/spans', value: 'http://z:9411/api/v2/spans' },
  ];
  for (const row of rows) t.same(parseText(key(row.key), row.text, 'test'), row.value, `${row.key} <- ${JSON.stringify(row.text)}`);
  t.throws(() => parseText(key('zipkin.headers'), 'authorization=x', 'environment variable REQUESTFLOW_ZIPKIN_HEADERS'),
    /REQUESTFLOW_ZIPKIN_HEADERS: expected a JSON object/);
});

t.test('an unknown REQUESTFLOW_ variable stops start-up with the nearest name', async (t) => {
  t.throws(() => envLayer({ REQUESTFLOW_ZIPKIN_ULR: 'x' }), new ConfigError(
    'environment variable REQUESTFLOW_ZIPKIN_ULR is not a configuration key (did you mean REQUESTFLOW_ZIPKIN_URL?)'));
  t.same(envLayer({ PATH: '/bin', HOME: '/root' }).values, {}, 'other variables are not ours');
});

t.test('downward-API variables and REQUESTFLOW_CONTAINER fill only keys the schema declares', async (t) => {
  const declared = new Set(configKeys().map((k) => k.name));
  const planted: Record<string, string> = { POD_IP: '10.1.2.3', POD_NAMESPACE: 'shop', POD_NAME: 'web-1', POD_UID: 'u-1', REQUESTFLOW_CONTAINER: 'web' };
  const layer = envLayer(planted);
  t.equal(ENV_ALIASES.POD_IP, 'zipkin.localIp');
  for (const [variable, key] of Object.entries(ENV_ALIASES)) {
    if (declared.has(key)) t.equal(layer.values[key], planted[variable], `${variable} -> ${key}`);
    else t.notOk(key in layer.values, `${variable}: ${key} is not declared yet, ignored`);
  }
  t.same(Object.keys(ENV_ALIASES).sort(), ['POD_IP', 'POD_NAME', 'POD_NAMESPACE', 'POD_UID', 'REQUESTFLOW_CONTAINER']);
});

t.test('--set: known keys, keys inside a map, and a did-you-mean for the rest', async (t) => {
  const l = setFlagsLayer(['export.batchMaxSpans=7', 'zipkin.headers.authorization=Bearer a=b', 'privacy.bodies=true']);
  t.same(l.values, { 'export.batchMaxSpans': 7, 'zipkin.headers.authorization': 'Bearer a=b', 'privacy.bodies': true });
  t.equal(l.origins['export.batchMaxSpans'], '--set export.batchMaxSpans');
  t.throws(() => setFlagsLayer(['export.batchMaxSpams=7']), /--set export\.batchMaxSpams: unknown key export\.batchMaxSpams \(did you mean export\.batchMaxSpans\?\)/);
  t.throws(() => setFlagsLayer(['justakey']), /expected key=value/);
});
