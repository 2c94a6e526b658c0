import t from 'tap';
import { resolveOptions, type InstrumentationOptions } from '../../src/instrument/options.js';
import { Capture } from './harness.js';

t.test('defaults', async (t) => {
  const r = resolveOptions({ serviceName: 'catalog' });
  t.equal(r.mode, 'flat');
  t.equal(r.logging, true);
  t.equal(r.logBodies, false);
  t.equal(r.logArgs, false);
  t.equal(r.logLevel, 'info');
  t.equal(r.environment, undefined);
  t.equal(r.output, process.stdout);
  t.ok(Object.isFrozen(r));
});

t.test('given values are kept; environment is copied', async (t) => {
  const output = new Capture();
  const env = { name: 'prod', hostname: 'h1', datacenter: 'dc' };
  const r = resolveOptions({ serviceName: 's', mode: 'aggregated', logging: false, output, logBodies: true, logArgs: true, environment: env, logLevel: 'debug' });
  t.same({ ...r }, { serviceName: 's', mode: 'aggregated', logging: false, output, logBodies: true, logArgs: true, environment: env, logLevel: 'debug' });
  env.name = 'changed';
  t.equal(r.environment?.name, 'prod');
});

t.test('invalid options throw TypeError at creation', async (t) => {
  const bad: unknown[] = [
    undefined,
    {},
    { serviceName: '' },
    { serviceName: '  ' },
    { serviceName: 3 },
    { serviceName: 's', mode: 'batched' },
    { serviceName: 's', logLevel: 'trace' },
    { serviceName: 's', output: {} },
  ];
  for (const o of bad) t.throws(() => resolveOptions(o as InstrumentationOptions), TypeError, JSON.stringify(o));
});
