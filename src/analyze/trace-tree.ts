/**
 * One trace as a tree of spans, with clock skew between hosts corrected and
 * each span's time split into own work, time in outgoing calls and (for a
 * CLIENT span whose callee logged) network time. Pure over Zipkin spans.
 */
import { unionLengthUs } from '../assemble/call-timing.js';
import {
  ANALYZED_TAG, errorOf, isIncomplete, remoteServiceOf, serviceOf,
  type SpanKind, type ZipkinEndpoint, type ZipkinSpan,
} from './zipkin-span.js';

export interface TraceNode {
  span: ZipkinSpan;
  kind?: SpanKind;
  service: string;
  /** The callee of a CLIENT span. */
  remoteService?: string;
  name: string;
  /** Dotted span path (hulu.span_id), when tagged. */
  spanPath?: string;
  /** Skew-corrected start and end, epoch microseconds. */
  startUs: number;
  endUs: number;
  durationUs: number;
  /** How far this span was moved to correct clock skew (0 when not moved; positive: later). */
  skewUs: number;
  depth: number;
  parent?: TraceNode;
  /** Sorted by corrected start. */
  children: TraceNode[];
  /** Duration minus the union of the children's intervals (clipped to this span). */
  ownUs: number;
  /** Union of the children's intervals, clipped to this span. */
  callsUs: number;
  /**
   * CLIENT only: its duration minus its SERVER child's (0 when the callee took
   * longer than the call, which only a broken clock or a one-way call explains);
   * undefined if the callee never logged.
   */
  networkUs?: number;
  error?: string;
  incomplete: boolean;
}

export interface TraceTree {
  traceId: string;
  /** Spans without a parent in this trace: the entry span, and spans whose caller never logged. */
  roots: TraceNode[];
  /** All nodes, depth first in start order. */
  nodes: TraceNode[];
  startUs: number;
  endUs: number;
}

export function buildTraceTree(spans: readonly ZipkinSpan[]): TraceTree {
  const nodes = mergeDuplicates(spans).map(toNode);
  linkParents(nodes);
  const roots = findRoots(nodes);
  for (const root of roots) setDepth(root, 0);
  for (const root of roots) correctSkew(root);
  const ordered: TraceNode[] = [];
  for (const root of sortByStart(roots)) collect(root, ordered);
  for (const n of ordered) computeTimes(n);
  return {
    traceId: spans[0]?.traceId ?? '',
    roots: sortByStart(roots),
    nodes: ordered,
    startUs: ordered.reduce((m, n) => Math.min(m, n.startUs), ordered[0]?.startUs ?? 0),
    endUs: ordered.reduce((m, n) => Math.max(m, n.endUs), ordered[0]?.endUs ?? 0),
  };
}

/**
 * Zipkin can return one span several times (a span reported again when a
 * sidecar re-reads a log). Same id and kind is the same span: keep the
 * longest and the union of tags and annotations.
 */
function mergeDuplicates(spans: readonly ZipkinSpan[]): ZipkinSpan[] {
  const byKey = new Map<string, ZipkinSpan>();
  for (const s of spans) {
    const key = `${s.id}/${s.kind ?? ''}`;
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, s);
      continue;
    }
    const longer = (s.duration ?? 0) > (prev.duration ?? 0) ? s : prev;
    const seen = new Set<string>();
    const annotations = [...(prev.annotations ?? []), ...(s.annotations ?? [])].filter((a) => {
      const k = `${a.timestamp}/${a.value}`;
      return seen.has(k) ? false : (seen.add(k), true);
    });
    byKey.set(key, { ...longer, tags: { ...prev.tags, ...s.tags, ...longer.tags }, annotations });
  }
  return [...byKey.values()];
}

function toNode(span: ZipkinSpan): TraceNode {
  const startUs = span.timestamp ?? 0;
  const durationUs = span.duration ?? 0;
  return {
    span,
    kind: span.kind,
    service: serviceOf(span),
    remoteService: span.kind === 'CLIENT' ? remoteServiceOf(span) : undefined,
    name: span.name ?? '',
    spanPath: span.tags?.[ANALYZED_TAG.spanPath],
    startUs,
    endUs: startUs + durationUs,
    durationUs,
    skewUs: 0,
    depth: 0,
    children: [],
    ownUs: durationUs,
    callsUs: 0,
    error: errorOf(span),
    incomplete: isIncomplete(span),
  };
}

function linkParents(nodes: TraceNode[]): void {
  // In Zipkin's shared-span model a SERVER span can carry its CLIENT's id; children attach to the SERVER side.
  const byId = new Map<string, TraceNode>();
  for (const n of nodes) {
    const prev = byId.get(n.span.id);
    if (!prev || n.kind === 'SERVER') byId.set(n.span.id, n);
  }
  for (const n of nodes) {
    let parent = n.span.parentId ? byId.get(n.span.parentId) : undefined;
    if (parent === n) {
      // Shared span: the SERVER half hangs under its CLIENT half.
      parent = nodes.find((o) => o !== n && o.span.id === n.span.id);
    }
    if (parent && parent !== n) {
      n.parent = parent;
      parent.children.push(n);
    }
  }
}

/** Parentless nodes, plus one node per cycle (corrupt parent ids must not lose spans). */
function findRoots(nodes: TraceNode[]): TraceNode[] {
  const roots = nodes.filter((n) => !n.parent);
  const reached = new Set<TraceNode>();
  const mark = (n: TraceNode): void => {
    if (reached.has(n)) return;
    reached.add(n);
    n.children.forEach(mark);
  };
  roots.forEach(mark);
  for (const n of nodes) {
    if (reached.has(n)) continue;
    const parent = n.parent!;
    parent.children = parent.children.filter((c) => c !== n);
    n.parent = undefined;
    roots.push(n);
    mark(n);
  }
  return roots;
}

function setDepth(node: TraceNode, depth: number): void {
  node.depth = depth;
  for (const c of node.children) setDepth(c, depth + 1);
}

/**
 * Clock skew, the way Zipkin's UI corrects it (zipkin-lens
 * src/zipkin/clock-skew.js, treeCorrectedForClockSkew / getClockSkew): only a
 * SERVER span directly under a CLIENT span on another host can be skewed.
 * When the server appears to start before its client, it is moved to sit
 * centred in the client's interval (latency = half the difference of the two
 * durations each way), or 1 µs after the client's start when the server took
 * longer than the client. The same skew then applies to every span below it on
 * the same host, until a span detects skew of its own.
 *
 * Two differences, both deliberate: Zipkin needs an IP on both endpoints to
 * tell hosts apart; without IPs we take different service names as different
 * hosts (each service has its own sidecar). And Zipkin leaves alone a server
 * that starts inside its client but ends after it (the server's clock runs
 * ahead); we move that one too, since its picture is as impossible.
 * Durations are never changed: only positions.
 */
interface Skew {
  host: ZipkinEndpoint & { service: string };
  us: number;
}

function correctSkew(node: TraceNode, fromParent?: Skew): void {
  if (fromParent && sameHost(fromParent.host, node)) shiftNode(node, fromParent.us);
  let skew = skewOf(node);
  if (skew) shiftNode(node, skew.us);
  else skew = fromParent;
  for (const c of node.children) correctSkew(c, skew);
}

function skewOf(node: TraceNode): Skew | undefined {
  const client = node.parent;
  if (!client || client.kind !== 'CLIENT' || node.kind !== 'SERVER') return undefined;
  if (client.incomplete || node.incomplete) return undefined;
  if (sameHost(hostOf(client), node)) return undefined;
  const startsBefore = node.startUs < client.startUs;
  const endsAfter = node.endUs > client.endUs;
  if (!startsBefore && !endsAfter) return undefined;
  const targetStartUs = client.durationUs < node.durationUs
    ? client.startUs + 1
    : client.startUs + (client.durationUs - node.durationUs) / 2;
  const us = Math.round(node.startUs - targetStartUs);
  return us === 0 ? undefined : { host: hostOf(node), us };
}

function hostOf(n: TraceNode): Skew['host'] {
  return { ...n.span.localEndpoint, service: n.service };
}

/** Zipkin's ipsMatch, falling back to the service name when neither side has an IP. */
function sameHost(h: Skew['host'], n: TraceNode): boolean {
  const e = n.span.localEndpoint ?? {};
  if (h.ipv6 && e.ipv6) return h.ipv6 === e.ipv6;
  if (h.ipv4 || e.ipv4) return h.ipv4 === e.ipv4;
  return h.service === n.service;
}

function shiftNode(node: TraceNode, skewUs: number): void {
  node.startUs -= skewUs;
  node.endUs -= skewUs;
  node.skewUs -= skewUs;
}

function sortByStart(nodes: TraceNode[]): TraceNode[] {
  return [...nodes].sort((a, b) => a.startUs - b.startUs || b.durationUs - a.durationUs);
}

function collect(node: TraceNode, out: TraceNode[]): void {
  node.children = sortByStart(node.children);
  out.push(node);
  for (const c of node.children) collect(c, out);
}

function computeTimes(node: TraceNode): void {
  node.callsUs = unionLengthUs(node.children, node.startUs, node.endUs);
  node.ownUs = node.durationUs - node.callsUs;
  if (node.kind === 'CLIENT') {
    const server = serverChildOf(node);
    node.networkUs = server ? Math.max(0, node.durationUs - server.durationUs) : undefined;
  }
}

/** The direct callee of a CLIENT span: its remote endpoint, else the service that answered. */
export function calleeOf(node: TraceNode): string {
  return node.remoteService ?? node.children.find((c) => c.kind === 'SERVER')?.service ?? 'unknown';
}

/** The SERVER span that answered a CLIENT span, if its service logged. */
export function serverChildOf(node: TraceNode): TraceNode | undefined {
  return node.kind === 'CLIENT' ? node.children.find((c) => c.kind === 'SERVER') : undefined;
}
