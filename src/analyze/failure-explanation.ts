/**
 * Why a request failed, in a few lines support staff can paste into a ticket:
 * the deepest failed span (where the error started), its message, the chain
 * of services from the entry point down to it, and the error log line the
 * failing service wrote, if any.
 */
import { calleeOf, type TraceNode, type TraceTree } from './trace-tree.js';
import { ANALYZED_TAG, statusCodeOf } from './zipkin-span.js';

export interface ChainLink {
  service: string;
  /** HTTP status the service answered with, when it logged one. */
  statusCode?: number;
  failed: boolean;
}

export interface FailureExplanation {
  /** False when the entry span succeeded and the errors found were handled. */
  requestFailed: boolean;
  /** The service where the error started (the callee, for a failed call to an unlogged service). */
  origin: string;
  message: string;
  spanPath?: string;
  /** Entry service first, origin last. */
  chain: ChainLink[];
  /** The last ERROR/CRITICAL log line of the failing service's span. */
  logLine?: string;
  /** The line of the (shortened) traceback, exception.stacktrace, that says where the error was raised: see raisedAt. */
  raisedAt?: string;
  /** All of the above in at most five short lines. */
  summary: string;
}

const MAX_MESSAGE = 300;

export function explainFailure(tree: TraceTree): FailureExplanation | undefined {
  const failedRoots = tree.roots.filter((r) => r.error !== undefined);
  // Prefer errors under a failed entry span: they explain the failure; others were handled.
  const scope = failedRoots.length > 0 ? failedRoots.flatMap(subtree) : tree.nodes;
  const failed = scope.filter((n) => n.error !== undefined);
  if (failed.length === 0) return undefined;
  const deepest = failed.reduce((a, b) => (b.depth > a.depth || (b.depth === a.depth && b.startUs < a.startUs) ? b : a));

  const chain = chainTo(deepest);
  const origin = chain[chain.length - 1]!.service;
  const message = truncate(deepest.error!, MAX_MESSAGE);
  const logLine = errorLogOf(deepest);
  const raisedAt = lastTracebackLine(deepest);
  const requestFailed = failedRoots.length > 0;

  const where = deepest.kind === 'CLIENT'
    ? `${deepest.service} → ${origin} call failed`
    : `${origin} ${deepest.name}`.trim() + ' failed';
  const lines = [
    `${requestFailed ? 'Request failed' : 'Request succeeded, but an error was handled'}: ${where}: ${message}`,
    `chain: ${chain.map(formatLink).join(' → ')}`,
    `trace ${tree.traceId}${deepest.spanPath ? `, span ${deepest.spanPath}` : ''}, at ${new Date(deepest.startUs / 1000).toISOString()}`,
  ];
  if (logLine) lines.push(`log: ${truncate(logLine, MAX_MESSAGE)}`);
  if (raisedAt) lines.push(`raised at: ${truncate(raisedAt, MAX_MESSAGE)}`);
  return { requestFailed, origin, message, spanPath: deepest.spanPath, chain, logLine, raisedAt, summary: lines.join('\n') };
}

function subtree(node: TraceNode): TraceNode[] {
  return [node, ...node.children.flatMap(subtree)];
}

/** One link per service on the way down; a CLIENT span's callee ends the chain when it never logged. */
function chainTo(node: TraceNode): ChainLink[] {
  const path: TraceNode[] = [];
  for (let n: TraceNode | undefined = node; n; n = n.parent) path.unshift(n);
  const chain: ChainLink[] = [];
  for (const n of path) {
    const service = n.service;
    const last = chain[chain.length - 1];
    // A service's SERVER span and the CLIENT spans it made are one link.
    if (last && last.service === service) {
      last.failed ||= n.error !== undefined;
      last.statusCode ??= statusCodeOf(n.span);
    } else {
      chain.push({ service, statusCode: statusCodeOf(n.span), failed: n.error !== undefined });
    }
  }
  if (node.kind === 'CLIENT') chain.push({ service: calleeOf(node), failed: true });
  return chain;
}

function formatLink(link: ChainLink): string {
  if (link.statusCode !== undefined) return `${link.service} (${link.statusCode})`;
  return link.failed ? `${link.service} (failed)` : link.service;
}

/** The failing service's last error log line: on the span itself or on the SERVER span that made the call. */
function errorLogOf(node: TraceNode): string | undefined {
  const holders = node.kind === 'CLIENT' && node.parent ? [node, node.parent] : [node];
  for (const h of holders) {
    const lines = (h.span.annotations ?? []).filter((a) => /^(ERROR|CRITICAL)\b/.test(a.value));
    if (lines.length > 0) return lines[lines.length - 1]!.value;
  }
  return undefined;
}

function lastTracebackLine(node: TraceNode): string | undefined {
  const tb = node.span.tags?.[ANALYZED_TAG.exceptionStacktrace];
  return tb ? raisedAt(tb) : undefined;
}

/**
 * The line of a stack trace that says where the error was raised:
 *   Python      the last `File "..."` line (a traceback ends at the raise)
 *   Go          the first `file.go:NN` frame, with its function (panics and %+v stacks start at the raise),
 *               after runtime's panic(...) frame when a panic was recovered and raised again
 *   JavaScript  the first `at` frame outside Node's own code (node:internal/..., node:events)
 *   Java        the first `at` frame of the last `Caused by:` (the root cause), else of the trace
 * A trace the sidecar shortened from the top (its first line is "…") has lost
 * those first frames: a later frame would point at the wrong place, so none is
 * given. Any other text: its last line, as before.
 */
export function raisedAt(stacktrace: string): string | undefined {
  const lines = stacktrace.split('\n').map((l) => l.trim()).filter((l) => l);
  const cutAtTop = lines[0] === '…';
  const kept = lines.filter((l) => l !== '…');
  const python = kept.filter((l) => l.startsWith('File "'));
  if (python.length > 0) return python[python.length - 1];
  if (kept.some(isGoFrame)) {
    // A panic recovered and raised again (net/http's handler recovery does) started below runtime's panic(...) frame.
    let from = 0;
    kept.forEach((l, i) => { if (l.startsWith('panic(')) from = i + 2; });
    if (cutAtTop && from === 0) return undefined;
    const at = kept.findIndex((l, i) => i >= from && isGoFrame(l));
    if (at < 0) return undefined;
    // The line above a Go frame names its function: main.lookup(...), main.(*Server).handle(0xc0, ...), main.load.
    const fn = at > from && /^[\w./*()$-]+\.[\w./*()$-]*(\(.*\))?$/.test(kept[at - 1]!) ? kept[at - 1] : undefined;
    return fn ? `${fn} ${kept[at]}` : kept[at];
  }
  if (kept.some((l) => l.startsWith('at '))) {
    let lastCause = kept.length - 1;
    while (lastCause >= 0 && !kept[lastCause]!.startsWith('Caused by:')) lastCause--;
    if (cutAtTop && lastCause < 0) return undefined;
    return kept.slice(lastCause + 1).find((l) => l.startsWith('at ') && !/\(node:|^at node:/.test(l));
  }
  return kept[kept.length - 1];
}

function isGoFrame(line: string): boolean {
  return /\.go:\d+/.test(line);
}

function truncate(s: string, max: number): string {
  const oneLine = s.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
