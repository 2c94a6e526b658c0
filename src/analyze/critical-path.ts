/**
 * The critical path of a span: the chain of work that decided its end time.
 * Walking back from the end, the child that finished last (before the cursor)
 * is on the path; time no child covers is the span's own work. Parallel
 * children that finished earlier are off the path. Pure over a TraceNode.
 */
import type { TraceNode } from './trace-tree.js';

export interface CriticalSegment {
  /** The span doing the work during [startUs, endUs). */
  node: TraceNode;
  startUs: number;
  endUs: number;
}

/** Segments in time order; together they cover the span's interval exactly. */
export function criticalPath(root: TraceNode): CriticalSegment[] {
  const out: CriticalSegment[] = [];
  walk(root, root.startUs, root.endUs, out);
  return out.sort((a, b) => a.startUs - b.startUs);
}

function walk(node: TraceNode, fromUs: number, toUs: number, out: CriticalSegment[]): void {
  const kids = node.children.filter((c) => c.endUs > fromUs && c.startUs < toUs);
  let cursor = toUs;
  while (cursor > fromUs) {
    let best: TraceNode | undefined;
    let bestEnd = -Infinity;
    for (const c of kids) {
      if (c.startUs >= cursor) continue;
      const end = Math.min(c.endUs, cursor);
      // On a tie the earlier starter is the longer piece of work.
      if (end > bestEnd || (end === bestEnd && best && c.startUs < best.startUs)) {
        best = c;
        bestEnd = end;
      }
    }
    if (!best || bestEnd <= fromUs) {
      out.push({ node, startUs: fromUs, endUs: cursor });
      return;
    }
    if (bestEnd < cursor) out.push({ node, startUs: bestEnd, endUs: cursor });
    const childFrom = Math.max(best.startUs, fromUs);
    walk(best, childFrom, bestEnd, out);
    cursor = childFrom;
  }
}

export interface CriticalStep {
  node: TraceNode;
  /** Time this span itself was on the critical path. */
  us: number;
}

/** Time on the path per span, in order of first appearance. */
export function criticalSteps(segments: readonly CriticalSegment[]): CriticalStep[] {
  const steps = new Map<TraceNode, CriticalStep>();
  for (const seg of segments) {
    const step = steps.get(seg.node) ?? { node: seg.node, us: 0 };
    step.us += seg.endUs - seg.startUs;
    steps.set(seg.node, step);
  }
  return [...steps.values()];
}
