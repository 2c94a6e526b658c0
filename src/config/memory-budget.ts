/**
 * The heap requestflow's bounded stores can take at their worst, from the
 * config, set against V8's heap limit. A bound the heap cannot hold ends in
 * an out-of-memory crash, and in Kubernetes a crash loop (each restart
 * replays the same lines), instead of the counted eviction or pause the
 * bound is there for. Checked once at start; a warning, since the figures
 * are estimates.
 *
 * Each store has a count bound and a size bound, and both can be reached at
 * once (many spans, each as large as the size bound allows), so its worst
 * case is the sum: count x heap per span + size x heap per character.
 * Per-item figures fitted, on Node 20, to `node --expose-gc
 * test/bench/store-heap.mjs` on the benchmark's records and on records with
 * many long log lines (1,470 B a span with 274 characters of text; 5,330 B
 * with 2,640): ~1,050 B a span plus ~1.6 B a character for spans waiting for
 * export, ~350 B plus ~1.5 B a record byte for open spans; rounded up.
 */
import type { Config } from './schema.js';
import { MAX_POSTS_IN_FLIGHT } from '../export/export-queue.js';

const MIB = 1024 * 1024;
export const HEAP_PER_QUEUED_SPAN = 1_100;
export const HEAP_PER_QUEUED_CHARACTER = 2;
export const HEAP_PER_OPEN_SPAN = 400;
export const HEAP_PER_OPEN_RECORD_BYTE = 2;
/** A span's JSON in a POST body beyond its text (keys, ids, times). */
export const POST_BYTES_PER_SPAN = 320;
/** Modules, metrics, the caches of recent traces and ended spans. */
export const HEAP_AT_REST = 20 * MIB;
/**
 * The share of V8's heap_size_limit the stores may take: the limit counts
 * the young generation too, and the collector needs room to work.
 */
export const HEAP_SHARE = 0.5;

export interface HeapEstimate {
  exportQueue: number;
  openSpans: number;
  postBodies: number;
  atRest: number;
  total: number;
}

export function worstCaseHeap(c: Pick<Config, 'export' | 'assemble'>): HeapEstimate {
  const e = c.export;
  const a = c.assemble;
  const exportQueue = e.maxQueuedSpans * HEAP_PER_QUEUED_SPAN + e.maxQueuedBytes * HEAP_PER_QUEUED_CHARACTER;
  const openSpans = a.maxOpenSpans * HEAP_PER_OPEN_SPAN + a.maxOpenSpanBytes * HEAP_PER_OPEN_RECORD_BYTE;
  // The spans in flight are part of the queue; their JSON bodies come on top.
  const postBodies = Math.min(MAX_POSTS_IN_FLIGHT * e.batchMaxBytes, e.maxQueuedBytes + MAX_POSTS_IN_FLIGHT * e.batchMaxSpans * POST_BYTES_PER_SPAN);
  const total = exportQueue + openSpans + postBodies + HEAP_AT_REST;
  return { exportQueue, openSpans, postBodies, atRest: HEAP_AT_REST, total };
}

/** The warning to log when the worst case does not fit in the heap; undefined when it does. */
export function heapBudgetWarning(c: Pick<Config, 'export' | 'assemble'>, heapSizeLimitBytes: number): Record<string, unknown> | undefined {
  const e = worstCaseHeap(c);
  const budget = heapSizeLimitBytes * HEAP_SHARE;
  if (e.total <= budget) return undefined;
  const mib = (n: number) => Math.round(n / MIB);
  return {
    worstCaseMiB: mib(e.total),
    heapBudgetMiB: mib(budget),
    exportQueueMiB: mib(e.exportQueue),
    openSpansMiB: mib(e.openSpans),
    postBodiesMiB: mib(e.postBodies),
    hint: 'lower export.maxQueuedSpans, export.maxQueuedBytes, assemble.maxOpenSpans or assemble.maxOpenSpanBytes, or raise --max-old-space-size in NODE_OPTIONS',
  };
}
