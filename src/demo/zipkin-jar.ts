/**
 * Obtains the official Zipkin server executable jar from Maven Central (with
 * mvn) into the gitignored .cache/zipkin/, so the demo and the tests run the
 * real server. CLI: `node dist/demo/zipkin-jar.js` prints the jar path, or
 * "blocked: cannot obtain Zipkin" with mvn's output and exits 1.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ZIPKIN_VERSION = '3.6.1';
export const ZIPKIN_ARTIFACT = `io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec`;
/** The repository root (this file runs from dist/demo/). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const zipkinCacheDir = join(repoRoot, '.cache', 'zipkin');
export const zipkinJarPath = join(zipkinCacheDir, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);

export class ZipkinJarError extends Error {}

// A truncated download would otherwise surface later as a confusing JVM error.
function looksLikeJar(path: string): boolean {
  try {
    if (statSync(path).size < 1_000_000) return false;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(2);
      readSync(fd, buf, 0, 2, 0);
      return buf.toString('latin1') === 'PK';
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** Returns the jar path, downloading it with mvn if it is not cached yet. Throws ZipkinJarError. */
export function ensureZipkinJar({ quiet = false }: { quiet?: boolean } = {}): string {
  if (looksLikeJar(zipkinJarPath)) return zipkinJarPath;
  mkdirSync(zipkinCacheDir, { recursive: true });
  // Download into a private temp dir and rename, so an interrupted mvn never
  // leaves a half-written jar at the final path.
  const tmpDir = mkdtempSync(join(zipkinCacheDir, '.download-'));
  const args = [
    '-q', '-B', '-C', // quiet, batch (no colours or prompts), fail on a checksum mismatch
    'dependency:copy',
    `-Dartifact=${ZIPKIN_ARTIFACT}`,
    `-DoutputDirectory=${tmpDir}`,
  ];
  if (!quiet) process.stderr.write(`[zipkin-jar] fetching ${ZIPKIN_ARTIFACT}: mvn ${args.join(' ')}\n`);
  try {
    // cwd is the temp dir so mvn never picks up an unrelated pom.xml.
    const r = spawnSync('mvn', args, { cwd: tmpDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error || r.status !== 0) {
      const detail = r.error ? r.error.message : `mvn exited with ${r.status ?? r.signal}\n${r.stdout ?? ''}${r.stderr ?? ''}`;
      throw new ZipkinJarError(`blocked: cannot obtain Zipkin (${ZIPKIN_ARTIFACT})\n${detail.trimEnd()}`);
    }
    const got = readdirSync(tmpDir).find((f) => f.endsWith('.jar'));
    if (!got || !looksLikeJar(join(tmpDir, got))) {
      throw new ZipkinJarError(`blocked: cannot obtain Zipkin: mvn succeeded but left no valid jar (found: ${readdirSync(tmpDir).join(', ') || 'nothing'})`);
    }
    renameSync(join(tmpDir, got), zipkinJarPath);
    return zipkinJarPath;
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureZipkinJar());
  } catch (err) {
    console.error(err instanceof ZipkinJarError ? err.message : `blocked: cannot obtain Zipkin\n${(err as Error)?.stack ?? String(err)}`);
    process.exit(1);
  }
}
