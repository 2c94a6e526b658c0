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
  /** The last line of the shortened traceback (exception.stacktrace), where the error was raised. */
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

/** A Python traceback ends with the exception line; the line before it says where. */
function lastTracebackLine(node: TraceNode): string | undefined {
  const tb = node.span.tags?.[ANALYZED_TAG.exceptionStacktrace];
  if (!tb) return undefined;
  const lines = tb.split('\n').map((l) => l.trim()).filter((l) => l && l !== '…');
  const where = [...lines].reverse().find((l) => l.startsWith('File '));
  return where ?? lines[lines.length - 1];
}

function truncate(s: string, max: number): string {
  const oneLine = s.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
