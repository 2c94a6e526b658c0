// The standard Zipkin UI, driven in headless Chromium (Debian's package, via
// playwright-core), on what requestflow sent for a planted failing request:
// the failing span is marked as an error, uninstrumented callees are labelled
// by name, skewed callees are drawn inside their caller's call, and the
// dependency page shows the planted edges with their call and error counts.
// Screenshots go to test-artifacts/.
import t from 'tap';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, type RunningBrowser } from '../support/browser.js';
import { feedThroughSidecars } from '../support/feed-sidecars.js';
import { generateLogs, plantedEdges } from '../support/generate-logs.js';
import { repoRoot } from '../support/requestflow-binary.js';
import { failingPlayback, runSuffix } from '../support/scenarios.js';
import { waitForTrace, zipkinBaseUrl } from '../support/zipkin-api.js';

const base = zipkinBaseUrl();
const run = runSuffix();
const artifacts = join(repoRoot, 'test-artifacts');
mkdirSync(artifacts, { recursive: true });
const failing = failingPlayback(run);
const generated = generateLogs(failing.scenario);
const request = generated.truth[0]!;
const n = failing.names;

let chromium: RunningBrowser;
t.before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'requestflow-ui-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  await feedThroughSidecars(generated, failing.hosts, base, dir);
  await waitForTrace(base, request.requestId, { minSpans: request.spans.length + request.calls.length, timeoutMs: 60_000 });
  chromium = await launchChromium();
});
t.teardown(async () => chromium?.close());

interface Row { label: string; error: boolean; left: number; right: number }

/** Zipkin Lens draws each span as a 30 px row: its label, an error icon when failed, and a 6 px bar. */
async function traceRows(page: Page): Promise<Row[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('div[style*="position: absolute"][style*="height: 30px"]')).map((row) => {
    const leaves = Array.from(row.querySelectorAll('div')).filter((d) => d.children.length === 0);
    const label = leaves.find((d) => /: /.test(d.textContent ?? ''))?.textContent ?? '';
    const bar = leaves.find((d) => {
      const r = d.getBoundingClientRect();
      return r.height >= 3 && r.height <= 10 && getComputedStyle(d).backgroundColor !== 'rgba(0, 0, 0, 0)';
    })?.getBoundingClientRect();
    return { label, error: row.querySelector('.MuiSvgIcon-colorError') !== null, left: bar?.left ?? NaN, right: bar?.right ?? NaN };
  }));
}

t.test('trace page: error marked, uninstrumented callees named, skewed callees inside their calls', async (t) => {
  const page = await chromium.browser.newPage();
  await page.goto(`${base}/zipkin/traces/${request.requestId}`);
  await page.getByText(`${n.drm}: post /license`).first().waitFor({ timeout: 30_000 });
  const rows = await traceRows(page);
  await page.screenshot({ path: join(artifacts, 'zipkin-trace-failing.png') });
  const row = (label: string) => rows.find((r) => r.label === label);

  t.equal(row(`${n.drm}: post /license`)?.error, true, 'the span where the failure started is marked as an error');
  for (const callee of [n.redis, n.metadataDb, n.licenseDb]) {
    const calls = request.calls.filter((c) => c.callee === callee);
    const labelled = rows.filter((r) => r.label.startsWith(`${callee}: `));
    t.equal(labelled.length, calls.length, `uninstrumented ${callee} labels its ${calls.length} call(s)`);
    t.ok(labelled.every((r) => !r.error), `${callee}: calls that did not fail are not marked`);
  }
  // playback's clock is 300 ms behind, drm's 120 ms: without the pod IPs Zipkin would draw them far outside.
  for (const [caller, callee, name, fn] of [[n.api, n.playback, 'get /playback', 'get_playback'], [n.playback, n.drm, 'post /license', 'post_license']] as const) {
    const call = row(`${caller}: ${callee} ${fn}`);
    const server = row(`${callee}: ${name}`);
    t.ok(call && server && server.left >= call.left - 1 && server.right <= call.right + 1,
      `${callee} (skewed) is drawn inside ${caller}'s call: [${server?.left}, ${server?.right}] within [${call?.left}, ${call?.right}]`);
  }
  await page.close();
});

/** Centres of the dependency graph's node circles, found by their fill colour in a screenshot. */
async function nodeCentres(page: Page): Promise<{ x: number; y: number }[]> {
  const png = (await page.screenshot()).toString('base64');
  const scratch = await chromium.browser.newPage();
  await scratch.setContent('<canvas id="c"></canvas>');
  const centres = await scratch.evaluate(async (data) => {
    const img = new Image();
    img.src = `data:image/png;base64,${data}`;
    await img.decode();
    const c = document.getElementById('c') as HTMLCanvasElement;
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const cells = new Map<string, { x: number; y: number; n: number }>();
    for (let y = 0; y < c.height; y += 2) {
      for (let x = 0; x < c.width; x += 2) {
        const i = (y * c.width + x) * 4;
        // Lens's node fill (theme primary.light), rgb(51, 123, 161).
        if (Math.abs(px[i]! - 51) < 8 && Math.abs(px[i + 1]! - 123) < 8 && Math.abs(px[i + 2]! - 161) < 8) {
          const key = `${Math.floor(x / 40)},${Math.floor(y / 40)}`;
          const cell = cells.get(key) ?? { x: 0, y: 0, n: 0 };
          cell.x += x; cell.y += y; cell.n += 1;
          cells.set(key, cell);
        }
      }
    }
    // Neighbouring cells of one circle merge into one centre.
    const centres: { x: number; y: number; n: number }[] = [];
    for (const cell of [...cells.values()].filter((k) => k.n > 5)) {
      const p = { x: cell.x / cell.n, y: cell.y / cell.n };
      const near = centres.find((q) => Math.hypot(q.x / q.n - p.x, q.y / q.n - p.y) < 30);
      if (near) { near.x += cell.x; near.y += cell.y; near.n += cell.n; } else centres.push({ ...cell });
    }
    return centres.map((q) => ({ x: q.x / q.n, y: q.y / q.n }));
  }, png);
  await scratch.close();
  return centres;
}

t.test('dependency page: the planted edges with their call and error counts', async (t) => {
  const page = await chromium.browser.newPage();
  await page.goto(`${base}/zipkin/dependency`);
  await page.getByRole('button', { name: /run query/i }).click();
  const filter = page.getByLabel('Filter');
  await filter.waitFor({ timeout: 30_000 });
  await page.waitForTimeout(2_000);
  await page.screenshot({ path: join(artifacts, 'zipkin-dependencies.png') });

  const edges = [...plantedEdges(generated.truth).values()];
  // Every planted node is offered by the graph's filter.
  await filter.click();
  const options = await page.getByRole('option').allTextContents();
  for (const name of new Set(edges.flatMap((e) => [e.caller, e.callee]))) t.ok(options.includes(name), `graph has node ${name}`);
  await page.keyboard.press('Escape');

  // Filtered on one service, the graph shows it with its neighbours. Clicking a node opens Lens's
  // detail panel, whose "Uses" and "Used" tables list that node's edges with call and error
  // counts. The panel narrows the graph and moves the nodes, so circles are found anew each round.
  const shown = new Map<string, [number, number]>();
  const panels = new Set<string>();
  const wanted = (e: { caller: string; callee: string }) => `${e.caller}->${e.callee}`;
  let circles = 0;
  // Playback's neighbourhood holds every edge but drm → license-db; drm's holds that one.
  for (const focus of [n.playback, n.drm]) {
    if (edges.every((e) => shown.has(wanted(e)))) break;
    await filter.fill(focus);
    await page.getByRole('option', { name: focus, exact: true }).click();
    await page.waitForTimeout(5_000); // the graph is laid out anew and zooms in
    for (let round = 0; round < 3 && !edges.every((e) => shown.has(wanted(e))); round++) {
      const centres = await nodeCentres(page);
      circles = Math.max(circles, centres.length);
      for (const c of centres) {
        await page.mouse.move(c.x, c.y, { steps: 4 });
        await page.mouse.click(c.x, c.y);
        await page.waitForTimeout(1_000);
        const panel = await page.evaluate(() => {
          // The panel's header holds the service name (h6) and Lens's "Traces" button.
          const header = document.querySelector('[data-testid="search-traces-button"]')?.parentElement?.parentElement;
          const tables = Array.from(document.querySelectorAll('table')).map((table) => ({
            // "Uses (traced requests)" or "Used (traced requests)"
            title: table.parentElement?.parentElement?.querySelector('p')?.textContent ?? '',
            rows: Array.from(table.querySelectorAll('tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')),
          }));
          return { service: header?.querySelector('h6')?.textContent?.trim() ?? '', tables };
        });
        if (!panel.tables.length) continue;
        panels.add(panel.service);
        for (const table of panel.tables) {
          for (const [other, calls, errors] of table.rows) {
            const key = table.title.startsWith('Uses') ? `${panel.service}->${other}` : `${other}->${panel.service}`;
            shown.set(key, [Number(calls), Number(errors)]);
          }
        }
      }
    }
  }
  await page.screenshot({ path: join(artifacts, 'zipkin-dependencies-detail.png') });
  t.ok(circles >= 2, `found ${circles} node circles in the graph`);
  t.comment(`detail panels opened: ${[...panels].join(', ')}`);
  for (const e of edges) {
    t.same(shown.get(wanted(e)), [e.calls, e.errors], `${e.caller} → ${e.callee}: ${e.calls} calls, ${e.errors} errors shown`);
  }
  await page.close();
});
