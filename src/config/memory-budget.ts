/**
 * The heap requestflow's bounded stores can take at their worst, from the
 * config, set against V8's heap limit. A bound the heap cannot hold ends in
 * an out-of-memory crash, and in Kubernetes a crash loop (each restart
 * replays the same lines), instead of the counted eviction or pause the
 * bound is there for. Checked once at start; a warning, since the figures
 * are estimates.
 *
 * Per-item figures measured on Node 20 with the benchmark's records
 * (node --expose-gc test/bench/store-heap.mjs): a span waiting for export
 * ~1.5 KB; an open span ~1.5 KB, about twice its record's bytes.
 */
import type { Config } from './schema.js';
import { MAX_POSTS_IN_FLIGHT } from '../export/export-queue.js';

const MIB = 1024 * 1024;
export const HEAP_PER_QUEUED_SPAN = 1_500;
export const HEAP_PER_OPEN_SPAN = 1_500;
export const HEAP_PER_OPEN_RECORD_BYTE = 2;
/** A POST's JSON body beside its spans (~1 KB a span). */
export const HEAP_PER_POSTED_SPAN = 1_000;
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
  const exportQueue = c.export.maxQueuedSpans * HEAP_PER_QUEUED_SPAN;
  // Whichever of the two bounds is reached first.
  const openSpans = Math.min(c.assemble.maxOpenSpans * HEAP_PER_OPEN_SPAN, c.assemble.maxOpenSpanBytes * HEAP_PER_OPEN_RECORD_BYTE);
  const postBodies = Math.min(MAX_POSTS_IN_FLIGHT * c.export.batchMaxSpans * HEAP_PER_POSTED_SPAN, MAX_POSTS_IN_FLIGHT * c.export.batchMaxBytes);
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
    hint: 'lower export.maxQueuedSpans, assemble.maxOpenSpans or assemble.maxOpenSpanBytes, or raise --max-old-space-size in NODE_OPTIONS',
  };
}
