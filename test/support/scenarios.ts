// The planted scenarios the analysis, UI and README tests share. Every
// service name carries a run suffix so tests sharing one Zipkin never see
// each other's data; the numbers here are the planted facts the tests expect
// requestflow and Zipkin to recover.
import { randomBytes } from 'node:crypto';
import type { Host, Scenario, SpanPlan } from './generate-logs.js';

export const runSuffix = (): string => randomBytes(3).toString('hex');

/**
 * One failing playback request across three logging services and three that
 * never log. Planted:
 *   api       own 12 ms; calls playback (network 4 ms)
 *   playback  own 8 ms; redis x3 one after another (2 ms each), then drm
 *             (network 2 ms) in parallel with metadata-db (15 ms); its host's
 *             clock is 300 ms behind
 *   drm       own 5 ms; license-db (6 ms); fails: "license expired for title
 *             42" with a traceback and an ERROR line with context; its clock
 *             is 120 ms behind
 * So the drm call (2 + 11 = 13 ms) is off the critical path: metadata-db
 * (15 ms) decides when playback ends.
 */
export function failingPlayback(run: string) {
  const names = {
    api: `api-${run}`, playback: `playback-${run}`, drm: `drm-${run}`,
    redis: `redis-${run}`, metadataDb: `metadata-db-${run}`, licenseDb: `license-db-${run}`,
  };
  const hosts: Record<string, Host> = {
    [names.api]: { ip: '10.20.0.1' },
    [names.playback]: { ip: '10.20.0.2', skewMs: -300 },
    [names.drm]: { ip: '10.20.0.3', skewMs: -120 },
  };
  const error = {
    message: 'license expired for title 42',
    traceback: [
      'Traceback (most recent call last):',
      '  File "/app/drm/views.py", line 88, in license',
      '    check_license(title_id)',
      '  File "/app/drm/licenses.py", line 31, in check_license',
      '    raise LicenseExpired(title_id)',
      'drm.errors.LicenseExpired: license expired for title 42',
    ].join('\n'),
    log: { message: 'playback blocked', context: { reason: 'license_expired', title_id: 42, region: 'US' } },
  };
  const drm: SpanPlan = {
    service: names.drm, method: 'POST', path: '/license', ownMs: 5, error,
    steps: [{ callee: names.licenseDb, functionName: 'select_license', durationMs: 6 }],
  };
  const playback: SpanPlan = {
    service: names.playback, method: 'GET', path: '/playback', ownMs: 8, status: 500,
    error: { log: { message: 'drm refused playback', context: { title_id: 42 } } },
    steps: [
      { callee: names.redis, functionName: 'get', durationMs: 2 },
      { callee: names.redis, functionName: 'get', durationMs: 2 },
      { callee: names.redis, functionName: 'get', durationMs: 2 },
      [
        { callee: names.drm, functionName: 'post_license', networkMs: 2, server: drm, fails: '500 INTERNAL SERVER ERROR' },
        { callee: names.metadataDb, functionName: 'select_title', durationMs: 15 },
      ],
    ],
  };
  const api: SpanPlan = {
    service: names.api, method: 'GET', path: '/watch', ownMs: 12, status: 500,
    steps: [{ callee: names.playback, functionName: 'get_playback', networkMs: 4, server: playback, fails: '500 INTERNAL SERVER ERROR' }],
  };
  const scenario: Scenario = { hosts, requests: 1, plan: () => api, format: 'mixed' };
  return { names, hosts, scenario, error };
}

/**
 * An endpoint with a slow cohort: catalog GET /shelf, 200 requests. Planted:
 *   own 10 + (i % 5) ms; profiles (network 3 ms, own 4 ms); price-cache called
 *   4 or 6 times one after another (3 ms each); then recs (network 2 ms, own
 *   20 ms) in parallel with cache (8 ms).
 *   Every 50th request (i % 50 == 7, 4 of 200 = the slowest 2%) waits 300 ms
 *   more in recs: the planted cause of the requests above p99.
 *   profiles' clock is 40 ms behind, recs' 25 ms ahead: recs then appears to
 *   start after its call ended, which Zipkin's UI leaves uncorrected and the
 *   analysis must correct to find the time in recs.
 */
export function slowCohort(run: string, requests = 200) {
  const names = {
    catalog: `catalog-${run}`, profiles: `profiles-${run}`, recs: `recs-${run}`,
    priceCache: `price-cache-${run}`, cache: `cache-${run}`,
  };
  const hosts: Record<string, Host> = {
    [names.catalog]: { ip: '10.30.0.1' },
    [names.profiles]: { ip: '10.30.0.2', skewMs: -40 },
    [names.recs]: { ip: '10.30.0.3', skewMs: 25 },
  };
  const slowExtraMs = 300;
  const isSlow = (i: number) => i % 50 === 7;
  const priceCalls = (i: number) => (i % 2 === 0 ? 4 : 6);
  const plan = (i: number): SpanPlan => ({
    service: names.catalog, method: 'GET', path: '/shelf', ownMs: 10 + (i % 5),
    steps: [
      { callee: names.profiles, functionName: 'get_profile', networkMs: 3, server: { service: names.profiles, method: 'GET', path: '/profile', ownMs: 4 } },
      ...Array.from({ length: priceCalls(i) }, () => ({ callee: names.priceCache, functionName: 'get_price', durationMs: 3 })),
      [
        { callee: names.recs, functionName: 'get_recs', networkMs: 2, server: { service: names.recs, method: 'GET', path: '/recs', ownMs: 20 + (isSlow(i) ? slowExtraMs : 0) } },
        { callee: names.cache, functionName: 'get', durationMs: 8 },
      ],
    ],
  });
  const scenario: Scenario = { hosts, requests, plan, format: 'mixed', intervalMs: 20 };
  return { names, hosts, scenario, slowExtraMs, isSlow, priceCalls };
}
