/**
 * Which files to read: glob patterns from the config or the command line,
 * and in Kubernetes mode this pod's container log directory
 *   <logRoot>/<namespace>_<podName>_<podUid>/<container>/*.log
 * whose files are 0.log, 1.log, ... one per container restart. Rotated
 * copies (0.log.20240101-120000, app.log.1, their .gz) are never read as new
 * files; `rotatedSiblings` finds them only to finish data a checkpoint owes.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { glob } from 'tinyglobby';

export interface KubernetesSettings {
  logRoot: string;
  namespace: string;
  podName: string;
  podUid: string;
  container: string;
}

/** The container's log directory, or why it cannot be named. */
export function kubernetesLogDir(k: KubernetesSettings, env: NodeJS.ProcessEnv): { dir: string } | { error: string } {
  const namespace = k.namespace || env.POD_NAMESPACE || '';
  const podName = k.podName || env.POD_NAME || '';
  const podUid = k.podUid || env.POD_UID || '';
  const container = k.container || env.REQUESTFLOW_CONTAINER || '';
  const missing = [
    !namespace && 'tail.kubernetes.namespace (or POD_NAMESPACE)',
    !podName && 'tail.kubernetes.podName (or POD_NAME)',
    !podUid && 'tail.kubernetes.podUid (or POD_UID)',
    !container && 'tail.kubernetes.container (or REQUESTFLOW_CONTAINER)',
  ].filter(Boolean);
  if (missing.length) return { error: `Kubernetes mode needs ${missing.join(', ')}` };
  return { dir: join(k.logRoot, `${namespace}_${podName}_${podUid}`, container) };
}

/** Patterns for the Kubernetes container log files. */
export function kubernetesPattern(dir: string): string {
  return join(dir, '*.log');
}

/** Files matching the patterns now, without compressed copies, in restart order (0.log before 10.log). */
export async function listFiles(patterns: readonly string[]): Promise<string[]> {
  if (patterns.length === 0) return [];
  const found = await glob([...patterns], { absolute: true, onlyFiles: true, dot: true, followSymbolicLinks: true, expandDirectories: false });
  return found.filter((p) => !p.endsWith('.gz')).sort(byNaturalName);
}

/** Rotated copies of `path` in its directory: names that start with its name plus "." or "-". */
export async function rotatedSiblings(path: string): Promise<string[]> {
  const dir = dirname(path);
  const name = basename(path);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.length > name.length && e.startsWith(name) && (e[name.length] === '.' || e[name.length] === '-'))
    .map((e) => join(dir, e))
    .sort(byNaturalName);
}

function byNaturalName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

const GLOB_CHARS = /[*?[\]{}]/;

export function isGlob(input: string): boolean {
  return GLOB_CHARS.test(input);
}

/**
 * Why an input names nothing requestflow can follow right now, or undefined
 * when it does: said once at start, since the reader only ever picks up
 * regular files (a path that does not exist yet is read once it appears).
 */
export async function inputProblem(input: string): Promise<string | undefined> {
  if (isGlob(input)) return (await listFiles([input])).length ? undefined : 'matches no file yet';
  try {
    const s = await stat(input);
    if (s.isDirectory()) return `is a directory (name the files, e.g. ${join(input, '*.log')})`;
    if (!s.isFile()) return 'is not a regular file (for a pipe or FIFO, use "-" and feed it on stdin)';
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist yet' : (e as Error).message;
  }
}
