// Where an error was raised, from the stack trace a span carries
// (exception.stacktrace), for the languages services are written in. Each row
// is a traceback as that runtime prints it and the line that names the place
// where the error started, written down by reading the traceback.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explainFailure, raisedAt } from '../../src/analyze/failure-explanation.js';
import { buildTraceTree } from '../../src/analyze/trace-tree.js';
import type { ZipkinSpan } from '../../src/analyze/zipkin-span.js';

interface Row {
  name: string;
  stack: string[];
  raisedAt: string | undefined;
}

const rows: Row[] = [
  {
    name: 'Python: the last File line',
    stack: [
      'Traceback (most recent call last):',
      '  File "/app/service/handlers.py", line 88, in post_license',
      '    grant = licenses.check(title_id, region)',
      '  File "/app/service/licenses.py", line 31, in check',
      '    raise LicenseExpired(f"license expired for title {title_id}")',
      'LicenseExpired: license expired for title 42',
    ],
    raisedAt: 'File "/app/service/licenses.py", line 31, in check',
  },
  {
    name: 'Python, chained ("During handling of the above exception"): the last raise',
    stack: [
      'Traceback (most recent call last):',
      '  File "/app/kv.py", line 12, in get',
      '    return self.conn.recv()',
      'ConnectionResetError: [Errno 104] Connection reset by peer',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/app/profile.py", line 40, in load',
      '    data = kv.get(key)',
      '  File "/app/kv.py", line 14, in get',
      '    raise BackendUnavailable("kv") from None',
      'BackendUnavailable: kv',
    ],
    raisedAt: 'File "/app/kv.py", line 14, in get',
  },
  {
    name: 'Python, shortened by the sidecar: its end is kept, so the answer too',
    stack: ['…', '  File "/app/service/licenses.py", line 31, in check', '    raise LicenseExpired("expired")', 'LicenseExpired: expired'],
    raisedAt: 'File "/app/service/licenses.py", line 31, in check',
  },
  {
    name: 'Node.js: the first frame, not the event loop below it',
    stack: [
      'Error: ranking backend answered 503',
      '    at rank (/app/ranking.js:11:19)',
      '    at async Promise.all (index 0)',
      '    at async handle (/app/recommendations.js:42:5)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    ],
    raisedAt: 'at rank (/app/ranking.js:11:19)',
  },
  {
    name: "Node.js, raised inside Node's own fs: the app's call that made it",
    stack: [
      "Error: ENOENT: no such file or directory, open '/etc/catalog/titles.json'",
      '    at Object.openSync (node:fs:596:3)',
      '    at Object.readFileSync (node:fs:464:35)',
      '    at loadCatalog (/app/catalog.js:8:18)',
      '    at Server.<anonymous> (/app/server.js:20:11)',
      '    at Server.emit (node:events:517:28)',
    ],
    raisedAt: 'at loadCatalog (/app/catalog.js:8:18)',
  },
  {
    name: 'Node.js, an anonymous function: the frame is the place',
    stack: ["TypeError: Cannot read properties of undefined (reading 'id')", '    at /app/server.js:20:11', '    at node:internal/main/run_main_module:28:49'],
    raisedAt: 'at /app/server.js:20:11',
  },
  {
    name: 'Node.js, shortened from the top: the first frames are gone, no guess',
    stack: ['…', '    at Layer.handle (/app/node_modules/express/lib/router/layer.js:95:5)', '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'],
    raisedAt: undefined,
  },
  {
    name: 'Java: the first at line',
    stack: [
      'java.lang.IllegalStateException: license expired for title 42',
      '\tat com.example.drm.LicenseService.check(LicenseService.java:31)',
      '\tat com.example.drm.LicenseController.post(LicenseController.java:57)',
      '\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)',
    ],
    raisedAt: 'at com.example.drm.LicenseService.check(LicenseService.java:31)',
  },
  {
    name: 'Java with causes: the first frame of the root cause',
    stack: [
      'org.springframework.web.util.NestedServletException: Request processing failed',
      '\tat org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)',
      '\tat javax.servlet.http.HttpServlet.service(HttpServlet.java:681)',
      'Caused by: com.example.catalog.CatalogException: shelf 7 not loaded',
      '\tat com.example.catalog.ShelfService.load(ShelfService.java:44)',
      '\t... 12 more',
      'Caused by: java.net.SocketTimeoutException: Read timed out',
      '\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)',
      '\tat com.example.catalog.PriceClient.fetch(PriceClient.java:61)',
      '\t... 15 more',
    ],
    raisedAt: 'at java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)',
  },
  {
    name: 'Java, shortened from the top without a cause left: no guess',
    stack: ['…', '\tat org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:197)', '\tat java.base/java.lang.Thread.run(Thread.java:833)'],
    raisedAt: undefined,
  },
  {
    name: 'Java, shortened from the top with the root cause kept',
    stack: ['…', '\tat javax.servlet.http.HttpServlet.service(HttpServlet.java:681)', 'Caused by: java.lang.NullPointerException', '\tat com.example.Shelf.price(Shelf.java:19)', '\t... 40 more'],
    raisedAt: 'at com.example.Shelf.price(Shelf.java:19)',
  },
  {
    name: 'Go panic: the first frame, with its function',
    stack: [
      'panic: runtime error: index out of range [5] with length 3',
      '',
      'goroutine 1 [running]:',
      'main.lookup(...)',
      '\t/app/main.go:12',
      'main.main()',
      '\t/app/main.go:8 +0x1d',
      'exit status 2',
    ],
    raisedAt: 'main.lookup(...) /app/main.go:12',
  },
  {
    name: 'Go panic in a method',
    stack: [
      'panic: assignment to entry in nil map',
      '',
      'goroutine 7 [running]:',
      'main.(*Cache).Put(0xc000010000, {0x4b8f2a, 0x3}, {0x4b8f2d, 0x5})',
      '\t/app/cache.go:27 +0x5c',
      'main.main()',
      '\t/app/main.go:14 +0x65',
    ],
    raisedAt: 'main.(*Cache).Put(0xc000010000, {0x4b8f2a, 0x3}, {0x4b8f2d, 0x5}) /app/cache.go:27 +0x5c',
  },
  {
    name: "Go panic recovered by net/http and raised again: below runtime's panic frame",
    stack: [
      'http: panic serving 10.0.0.7:51234: runtime error: invalid memory address or nil pointer dereference',
      'goroutine 21 [running]:',
      'net/http.(*conn).serve.func1()',
      '\t/usr/local/go/src/net/http/server.go:1868 +0xb9',
      'panic({0x6a4f20?, 0x92bc30?})',
      '\t/usr/local/go/src/runtime/panic.go:920 +0x270',
      'main.priceOf(...)',
      '\t/app/prices.go:33',
      'main.handler({0x7f6c18, 0xc0001a4000}, 0xc00019e000)',
      '\t/app/main.go:21 +0x1f',
    ],
    raisedAt: 'main.priceOf(...) /app/prices.go:33',
  },
  {
    name: 'Go error with a stack (pkg/errors %+v)',
    stack: ['open /etc/app/prices.csv: no such file or directory', 'main.loadPrices', '\t/app/load.go:22', 'main.main', '\t/app/main.go:9', 'runtime.main', '\t/usr/local/go/src/runtime/proc.go:250'],
    raisedAt: 'main.loadPrices /app/load.go:22',
  },
  {
    name: 'anything else: its last line',
    stack: ['upstream said: quota exceeded', 'retry after 30 s'],
    raisedAt: 'retry after 30 s',
  },
];

for (const row of rows) {
  t.test(row.name, async (t) => {
    t.equal(raisedAt(row.stack.join('\n')), row.raisedAt);
  });
}

t.test('real Node.js stacks, made here: the frame in this file, not Node\'s own', async (t) => {
  const thisFile = fileURLToPath(import.meta.url).split('/').pop()!.replaceAll('.', '\\.');
  async function rankTitles(): Promise<never> {
    // Resumed from process.nextTick: Node adds a processTicksAndRejections frame below.
    await new Promise((r) => process.nextTick(r));
    throw new Error('ranking backend answered 503');
  }
  const rejected = await rankTitles().catch((e: Error) => e.stack ?? '');
  t.match(rejected, /at process\.processTicksAndRejections \(node:internal\//, 'the stack has the event-loop frame the report showed');
  t.match(raisedAt(rejected), new RegExp(`^at rankTitles \\(.*${thisFile}:\\d+:\\d+\\)$`));
  // Raised inside Node's fs: its frames come first.
  const enoent = await readFile(join(tmpdir(), 'requestflow-no-such-file')).then(() => '', (e: Error) => e.stack ?? '');
  t.match(enoent, /^\s+at async \w+ \(node:internal\//m, 'the stack starts in node:internal');
  t.match(raisedAt(enoent), new RegExp(`^at async .*${thisFile}:\\d+:\\d+\\)?$`));
});

t.test('the failure summary says where a Node.js service raised the error', async (t) => {
  const stack = [
    'Error: ranking backend answered 503',
    '    at rank (/app/ranking.js:11:19)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  ].join('\n');
  const span: ZipkinSpan = {
    traceId: 'b'.repeat(32), id: '1'.padStart(16, '0'), kind: 'SERVER', name: 'get /rank', timestamp: 1_800_000_000_000_000, duration: 5000,
    localEndpoint: { serviceName: 'ranking' },
    tags: { error: 'ranking backend answered 503', 'exception.stacktrace': stack },
  };
  const failure = explainFailure(buildTraceTree([span]));
  t.equal(failure?.raisedAt, 'at rank (/app/ranking.js:11:19)');
  t.match(failure?.summary, /\nraised at: at rank \(\/app\/ranking\.js:11:19\)$/);
});
