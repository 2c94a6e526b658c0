// k8s/: every manifest parses and validates against the Kubernetes API
// schemas; the overlays render; the sidecar's config passes requestflow's own
// validation in the pod's environment; probes, ports and mounts agree with
// what requestflow serves and reads.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { configKeys } from '../../src/config/config-keys.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Config } from '../../src/config/schema.js';
import { ZIPKIN_VERSION } from '../../src/demo/zipkin-jar.js';
import { PATHS } from '../../src/observe/ops-server.js';
import { containers, readManifests, render, type Container, type K8sObject } from '../support/kustomize.js';
import { KUBERNETES_VERSION, schemaErrors, strictErrors } from '../support/k8s-validate.js';
import { repoRoot } from '../support/requestflow-binary.js';

const K8S = join(repoRoot, 'k8s');
const RENDERINGS = ['base', 'overlays/test-cluster', 'overlays/emptydir'];
const rendered = Object.fromEntries(RENDERINGS.map((r) => [r, render(join(K8S, r))])) as Record<string, K8sObject[]>;
/** The pod's own values for the downward-API fields (any plausible ones). */
const POD_FIELDS: Record<string, string> = {
  'metadata.namespace': 'shop', 'metadata.name': 'my-service-7d9f-x2k4q', 'metadata.uid': '0f2e8c1a-3b4d-4e5f-8a9b-0c1d2e3f4a5b', 'status.podIP': '10.244.1.17',
};
// Room the memory limit leaves above the highest RSS the benchmark measured.
const MEMORY_HEADROOM = 1.15;
// What the manifest's comment allows the app to take of the grace period, and the margin after the sidecar's deadline.
const APP_SHUTDOWN_ALLOWANCE_S = 15;
const MARGIN_S = 5;


function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? yamlFiles(p) : p.endsWith('.yaml') ? [p] : [];
  });
}
type Deployment = K8sObject & { spec: { template: { metadata: { annotations?: Record<string, string> }; spec: PodSpec } } };
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: { seccompProfile?: { type: string } };
  initContainers?: Container[];
  containers: Container[];
  volumes?: { name: string; hostPath?: { path: string; type?: string }; emptyDir?: object; configMap?: { name: string } }[];
}
interface Mount { name: string; mountPath: string; readOnly?: boolean }
const deployment = (objs: K8sObject[], name: string) => objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as Deployment;
const sidecarOf = (d: Deployment) => d.spec.template.spec.initContainers!.find((c) => c.name === 'requestflow')!;
const mountsOf = (c: Container) => (c.volumeMounts ?? []) as Mount[];
const envOf = (c: Container) => (c.env ?? []) as { name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[];

/** The sidecar's effective config: the ConfigMap's file with the container's environment (downward API filled in). */
function effectiveConfig(objs: K8sObject[]): { config: Config; file: string } {
  const d = deployment(objs, 'my-service');
  const sidecar = sidecarOf(d);
  const args = sidecar.args as string[];
  const configPath = args[args.indexOf('--config') + 1]!;
  const mount = mountsOf(sidecar).find((m) => configPath.startsWith(`${m.mountPath}/`))!;
  const volume = d.spec.template.spec.volumes!.find((v) => v.name === mount.name)!;
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap!.name) as K8sObject & { data: Record<string, string> };
  const text = cm.data[relative(mount.mountPath, configPath)]!;
  const file = join(mkdtempSync(join(tmpdir(), 'rf-k8s-')), 'requestflow.yaml');
  writeFileSync(file, text);
  const env: NodeJS.ProcessEnv = {};
  for (const e of envOf(sidecar)) env[e.name] = e.value ?? POD_FIELDS[e.valueFrom!.fieldRef!.fieldPath];
  return { config: loadConfig({ file, env }), file };
}

/**
 * What `npm run bench` measured (test/bench/results/latest.md): the V8 setting
 * it ran the sidecar with, the steady state's RSS at its end, and the highest
 * peak RSS of the runs with that setting (--once, catching up, steady).
 */
function benchmarkFigures(): { nodeOptions: string; steadyEndMiB: number; peakMiB: number } {
  const md = readFileSync(join(repoRoot, 'test', 'bench', 'results', 'latest.md'), 'utf8');
  const nodeOptions = /NODE_OPTIONS=(.+?) as in k8s\/base\/deployment\.yaml/.exec(md)?.[1];
  const steady = /\| 3 steady \| steady: RSS peak \/ at end \/ trend \| (\d+) \/ (\d+) MiB/.exec(md);
  const peaks = [...md.matchAll(/peak RSS with NODE_OPTIONS=[^|]*\| (\d+) MiB/g), ...md.matchAll(/catching up[^|]*\| [\d,]+, (\d+) MiB/g)]
    .map((m) => Number(m[1]));
  if (!nodeOptions || !steady || peaks.length < 3) throw new Error('test/bench/results/latest.md lacks the figures: run npm run bench');
  return { nodeOptions, steadyEndMiB: Number(steady[2]), peakMiB: Math.max(Number(steady[1]), ...peaks) };
}

/** Kubernetes quantities: cpu "100m" -> 0.1, memory "100Mi" -> bytes. */
function quantity(q: string | number): number {
  const m = /^([0-9.]+)(m|Ki|Mi|Gi)?$/.exec(String(q));
  if (!m) throw new Error(`quantity ${q}`);
  const n = Number(m[1]);
  return m[2] === 'm' ? n / 1000 : m[2] === 'Ki' ? n * 2 ** 10 : m[2] === 'Mi' ? n * 2 ** 20 : m[2] === 'Gi' ? n * 2 ** 30 : n;
}

t.test('every YAML file under k8s/ parses', async (t) => {
  const files = yamlFiles(K8S);
  t.ok(files.length >= 9, `${files.length} files`);
  for (const f of files) {
    const docs = parseAllDocuments(readFileSync(f, 'utf8'));
    t.same(docs.flatMap((d) => d.errors.map((e) => e.message)), [], relative(repoRoot, f));
  }
});

t.test(`every object validates against the Kubernetes ${KUBERNETES_VERSION} API schemas`, async (t) => {
  const all: { label: string; object: K8sObject }[] = [];
  for (const f of yamlFiles(K8S).filter((f) => !/kustomization\.yaml$|\/patch-[^/]*\.yaml$/.test(f) && !f.endsWith('requestflow.yaml'))) {
    for (const o of readManifests(f)) all.push({ label: `${relative(repoRoot, f)} ${o.kind}/${o.metadata.name}`, object: o });
  }
  for (const [r, objs] of Object.entries(rendered)) for (const o of objs) all.push({ label: `rendered ${r} ${o.kind}/${o.metadata.name}`, object: o });
  for (const { label, object } of all) t.same(await schemaErrors(object), [], `schema: ${label}`);
  t.same(strictErrors(all), [], 'no field the API does not know, no wrong type');
});

t.test('the validators reject what the API server would', async (t) => {
  // Controls: without them a validator that accepts everything would pass the test above.
  const good = deployment(rendered.base!, 'my-service');
  const badPort = structuredClone(good);
  (badPort.spec.template.spec.containers[0]!.ports as { containerPort: unknown }[])[0]!.containerPort = 'eighty';
  t.match((await schemaErrors(badPort)).join('\n'), /containerPort must be integer/);
  const badQuantity = structuredClone(good);
  (sidecarOf(badQuantity).resources as { limits: Record<string, string> }).limits.memory = 'lots';
  t.match((await schemaErrors(badQuantity)).join('\n'), /memory/);
  const misspelt = structuredClone(good);
  const c = sidecarOf(misspelt);
  c.readinesProbe = c.readinessProbe;
  delete c.readinessProbe;
  t.match(strictErrors([{ label: 'misspelt', object: misspelt }]).join('\n'), /misspelt: .*'"readinesProbe"' does not exist in type/);
  t.match((await schemaErrors({ apiVersion: 'v1', kind: 'NoSuchKind', metadata: { name: 'x' } })).join(), /no schema for v1 NoSuchKind/);
});

t.test('the in-process rendering is what kustomize renders', async (t) => {
  let kubectl = true;
  try { execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' }); } catch { kubectl = false; }
  if (!kubectl) {
    t.comment('kubectl is not installed: the manifests are still rendered and checked by test/support/kustomize.ts');
    t.pass('skipped: no kubectl');
    return;
  }
  const key = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const sorted = (objs: K8sObject[]) => [...objs].sort((a, b) => key(a).localeCompare(key(b)));
  for (const r of RENDERINGS) {
    const out = execFileSync('kubectl', ['kustomize', join(K8S, r)], { encoding: 'utf8' });
    const theirs = parseAllDocuments(out).map((d) => d.toJS() as K8sObject);
    t.same(sorted(rendered[r]!), sorted(theirs), r);
  }
});

t.test("the sidecar's ConfigMap passes requestflow's own validation, in each rendering", async (t) => {
  for (const r of RENDERINGS) {
    const { config, file } = effectiveConfig(rendered[r]!);
    t.ok(config, `${r}: valid`);
    t.equal(config.zipkin.localIp, POD_FIELDS['status.podIP'], `${r}: POD_IP reaches zipkin.localIp`);
    const check = execFileSync(process.execPath, [join(repoRoot, 'dist', 'main.js'), 'validate-config', file], {
      encoding: 'utf8', env: { ...process.env, POD_NAMESPACE: 'shop', POD_NAME: 'p', POD_UID: 'u' },
    });
    t.match(check, 'valid configuration', `${r}: requestflow validate-config`);
  }
});

t.test('probes and ports match what requestflow serves', async (t) => {
  for (const r of RENDERINGS) {
    const { config } = effectiveConfig(rendered[r]!);
    const d = deployment(rendered[r]!, 'my-service');
    const sidecar = sidecarOf(d);
    const ports = sidecar.ports as { name: string; containerPort: number }[];
    const portOf = (p: string | number) => (typeof p === 'number' ? p : ports.find((x) => x.name === p)?.containerPort);
    const live = (sidecar.livenessProbe as { httpGet: { path: string; port: string | number } }).httpGet;
    const ready = (sidecar.readinessProbe as { httpGet: { path: string; port: string | number } }).httpGet;
    t.equal(live.path, PATHS.health, `${r}: liveness on ${PATHS.health}`);
    t.equal(ready.path, PATHS.ready, `${r}: readiness on ${PATHS.ready}`);
    t.equal(portOf(live.port), config.server.port, `${r}: liveness port = server.port`);
    t.equal(portOf(ready.port), config.server.port, `${r}: readiness port = server.port`);
    t.ok(config.server.enabled, `${r}: the server is on`);
    t.equal(config.server.host, '0.0.0.0', `${r}: reachable on the pod IP`);
    const a = d.spec.template.metadata.annotations!;
    t.equal(Number(a['prometheus.io/port']), config.server.port, `${r}: scrape port`);
    t.equal(a['prometheus.io/path'], PATHS.metrics, `${r}: scrape path`);
    const appPorts = d.spec.template.spec.containers.flatMap((c) => (c.ports as { containerPort: number }[] | undefined ?? []).map((p) => p.containerPort));
    t.notOk(appPorts.includes(config.server.port), `${r}: no clash with the app's ports in the shared network namespace`);
  }
  const dockerfile = readFileSync(join(K8S, 'Dockerfile'), 'utf8');
  t.equal(Number(/^EXPOSE (\d+)$/m.exec(dockerfile)?.[1]), effectiveConfig(rendered.base!).config.server.port, 'Dockerfile EXPOSE');
});

t.test('hostPath mode: the pod log directory is mounted read-only where the Kubernetes mode reads', async (t) => {
  const objs = rendered.base!;
  const { config } = effectiveConfig(objs);
  const d = deployment(objs, 'my-service');
  const sidecar = sidecarOf(d);
  const appName = d.spec.template.spec.containers[0]!.name;
  const k = config.tail.kubernetes;
  t.equal(k.enabled, true, 'the Kubernetes mode is on');
  t.equal(k.container, appName, "it reads the app container's log");
  t.equal(k.namespace, POD_FIELDS['metadata.namespace'], 'namespace from the downward API');
  t.equal(k.podName, POD_FIELDS['metadata.name'], 'pod name from the downward API');
  t.equal(k.podUid, POD_FIELDS['metadata.uid'], 'pod uid from the downward API');
  const logRoot = k.logRoot;
  const vol = d.spec.template.spec.volumes!.find((v) => v.hostPath)!;
  t.equal(vol.hostPath!.path, logRoot, 'hostPath is the log root');
  const mount = mountsOf(sidecar).find((m) => m.name === vol.name)!;
  t.equal(mount.mountPath, logRoot, 'mounted at the same path, so paths inside match the host');
  t.equal(mount.readOnly, true, 'read-only');
  const names = envOf(sidecar).map((e) => e.name);
  for (const v of ['POD_NAMESPACE', 'POD_NAME', 'POD_UID', 'POD_IP']) t.ok(names.includes(v), `downward API ${v}`);
});

t.test('emptyDir mode: the app writes the file the sidecar reads; nothing Pod Security "restricted" forbids', async (t) => {
  const objs = rendered['overlays/emptydir']!;
  const { config } = effectiveConfig(objs);
  const d = deployment(objs, 'my-service');
  const spec = d.spec.template.spec;
  t.same(spec.volumes!.filter((v) => v.hostPath), [], 'no hostPath');
  const sidecar = sidecarOf(d);
  const app = spec.containers[0]!;
  t.same(config.inputs, ['/var/log/app/requests.log'], 'REQUESTFLOW_INPUTS overrides the file');
  t.equal(config.tail.kubernetes.enabled, false, 'the Kubernetes mode is off: no pod logs mounted');
  for (const input of config.inputs) {
    const rm = mountsOf(sidecar).find((m) => input.startsWith(`${m.mountPath}/`))!;
    const wm = mountsOf(app).find((m) => m.name === rm.name)!;
    t.ok(spec.volumes!.find((v) => v.name === rm.name)?.emptyDir, 'an emptyDir');
    t.equal(rm.readOnly, true, 'the sidecar only reads it');
    t.equal(wm.mountPath, rm.mountPath, 'the app sees it at the same path');
    t.notOk(wm.readOnly, 'the app can write it');
    t.equal(envOf(app).find((e) => e.name === 'REQUEST_LOG_FILE')?.value, input, 'and is told the file name');
  }
  const ns = objs.find((o) => o.kind === 'Namespace')!;
  t.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
  for (const c of [...spec.initContainers!, ...spec.containers]) {
    const sc = c.securityContext as { runAsNonRoot?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] }; seccompProfile?: { type: string } };
    t.equal(sc.runAsNonRoot, true, `${c.name}: runAsNonRoot`);
    t.equal(sc.allowPrivilegeEscalation, false, `${c.name}: no privilege escalation`);
    t.ok(sc.capabilities?.drop?.includes('ALL'), `${c.name}: drops ALL capabilities`);
    t.equal((sc.seccompProfile ?? spec.securityContext?.seccompProfile)?.type, 'RuntimeDefault', `${c.name}: seccomp`);
  }
});

t.test('the sidecar: non-root, read-only root, no capabilities, state directory, resources, grace period', async (t) => {
  for (const r of RENDERINGS) {
    const d = deployment(rendered[r]!, 'my-service');
    const spec = d.spec.template.spec;
    const sidecar = sidecarOf(d);
    t.equal(sidecar.restartPolicy, 'Always', `${r}: a native sidecar (stops after the app)`);
    const sc = sidecar.securityContext as Record<string, unknown> & { capabilities: { drop: string[] } };
    t.equal(sc.runAsNonRoot, true, `${r}: runAsNonRoot`);
    t.not(sc.runAsUser, 0, `${r}: a non-root uid`);
    t.equal(sc.readOnlyRootFilesystem, true, `${r}: readOnlyRootFilesystem`);
    t.equal(sc.allowPrivilegeEscalation, false, `${r}: no privilege escalation`);
    t.same(sc.capabilities.drop, ['ALL'], `${r}: drop ALL`);
    const writable = mountsOf(sidecar).filter((m) => !m.readOnly);
    t.equal(writable.length, 1, `${r}: one writable mount`);
    const { config } = effectiveConfig(rendered[r]!);
    t.equal(writable[0]!.mountPath, config.tail.stateDir, `${r}: the state directory`);
    t.ok(spec.volumes!.find((v) => v.name === writable[0]!.name)?.emptyDir, `${r}: checkpoints survive a sidecar restart (emptyDir)`);
    const res = sidecar.resources as { requests: Record<string, string>; limits: Record<string, string> };
    const bench = benchmarkFigures();
    const nodeOptions = envOf(sidecar).find((e) => e.name === 'NODE_OPTIONS')?.value;
    t.equal(bench.nodeOptions, nodeOptions, `${r}: the benchmark measured the manifest's NODE_OPTIONS`);
    t.ok(quantity(res.requests.memory!) >= bench.steadyEndMiB * 2 ** 20,
      `${r}: memory request ${res.requests.memory} covers the steady state's ${bench.steadyEndMiB} MiB`);
    t.ok(quantity(res.limits.memory!) >= bench.peakMiB * MEMORY_HEADROOM * 2 ** 20,
      `${r}: memory limit ${res.limits.memory} is ${MEMORY_HEADROOM}x above the highest measured peak, ${bench.peakMiB} MiB`);
    t.ok(quantity(res.limits.cpu!) >= quantity(res.requests.cpu!), `${r}: cpu limit >= request`);
    const deadlineS = config.export.shutdownDeadlineMs / 1000;
    t.ok(deadlineS > 0, `${r}: a shutdown deadline`);
    t.ok(spec.terminationGracePeriodSeconds! >= APP_SHUTDOWN_ALLOWANCE_S + deadlineS + MARGIN_S,
      `${r}: grace ${spec.terminationGracePeriodSeconds} s fits the app, the ${deadlineS} s deadline and a margin`);
  }
});

t.test('test cluster: a Zipkin of the tested version, where the config sends spans', async (t) => {
  const objs = rendered['overlays/test-cluster']!;
  const { config } = effectiveConfig(objs);
  const zipkin = deployment(objs, 'zipkin');
  const image = zipkin.spec.template.spec.containers[0]!.image;
  t.equal(image, `openzipkin/zipkin:${ZIPKIN_VERSION}`, 'the version the tests run');
  const url = new URL(config.zipkin.url);
  const svc = objs.find((o) => o.kind === 'Service' && o.metadata.name === url.hostname) as K8sObject & { spec: { ports: { port: number; targetPort: string }[]; selector: Record<string, string> } };
  t.ok(svc, `a Service named ${url.hostname}`);
  t.equal(svc.metadata.namespace, deployment(objs, 'my-service').metadata.namespace, 'in the app namespace');
  t.equal(svc.spec.ports[0]!.port, Number(url.port), 'on the port in zipkin.url');
  const zipkinPorts = zipkin.spec.template.spec.containers[0]!.ports as { name: string; containerPort: number }[];
  t.ok(zipkinPorts.some((p) => p.name === svc.spec.ports[0]!.targetPort), 'targets the Zipkin container port');
  t.same(svc.spec.selector, (zipkin.spec as unknown as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, 'selects the Zipkin pods');
  t.equal(url.pathname, '/api/v2/spans');
  t.equal(sidecarOf(deployment(objs, 'my-service')).image, 'requestflow:dev', 'the locally built image');
});

t.test('Dockerfile: multi-stage, small non-root runtime running dist/main.js', async (t) => {
  const text = readFileSync(join(K8S, 'Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);
  t.ok(stages.length >= 2, 'multi-stage');
  const runtime = stages.at(-1)!;
  t.match(runtime, /^gcr\.io\/distroless\/nodejs20-debian12:nonroot/, 'distroless Node.js 20, non-root variant');
  t.notMatch(runtime, /^RUN /m, 'nothing runs in the runtime stage (no shell there)');
  const user = /^USER (\d+)(?::(\d+))?$/m.exec(runtime);
  t.ok(user && Number(user[1]) !== 0, 'a numeric non-root USER');
  t.same([...runtime.matchAll(/^COPY (.*)$/gm)].map((m) => m[1]!.split(' ')[0]), ['--from=build', '--from=build', '--from=build'], 'only build outputs copied');
  t.match(stages[0]!, /npm prune --omit=dev/, 'dev dependencies pruned before copying');
  const entry = JSON.parse(/^ENTRYPOINT (.*)$/m.exec(runtime)![1]!) as string[];
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  t.equal(entry.at(-1), `/app/${pkg.bin.requestflow}`, "runs the package's bin");
  t.ok(statSync(join(repoRoot, pkg.bin.requestflow)).isFile(), 'which the build makes');
  const ignore = readFileSync(join(K8S, 'Dockerfile.dockerignore'), 'utf8');
  for (const copied of [...stages[0]!.matchAll(/^COPY (?!--)(.*) \S+$/gm)].flatMap((m) => m[1]!.split(' '))) {
    t.match(ignore, `!${copied}`, `${copied} is in the build context`);
  }
});
