/** Interval arithmetic over [startUs, endUs) pairs, the base of own/calls time. */

export interface Interval {
  startUs: number;
  endUs: number;
}

/** Length of the union of the intervals, each clipped to [fromUs, toUs]. */
export function unionLength(intervals: readonly Interval[], fromUs: number, toUs: number): number {
  const clipped = intervals
    .map((i) => ({ s: Math.max(i.startUs, fromUs), e: Math.min(i.endUs, toUs) }))
    .filter((i) => i.e > i.s)
    .sort((a, b) => a.s - b.s);
  let total = 0;
  let curS = 0;
  let curE = -Infinity;
  for (const { s, e } of clipped) {
    if (s > curE) {
      if (curE > curS) total += curE - curS;
      curS = s;
      curE = e;
    } else if (e > curE) {
      curE = e;
    }
  }
  if (curE > curS) total += curE - curS;
  return total;
}

/** Strict overlap: calls that merely touch (one ends as the next starts) ran one after another. */
export function overlaps(a: Interval, b: Interval): boolean {
  return a.startUs < b.endUs && b.startUs < a.endUs;
}

/** Groups intervals into clusters of transitively overlapping ones, in start order. */
export function overlapClusters<T extends Interval>(items: readonly T[]): T[][] {
  const sorted = [...items].sort((a, b) => a.startUs - b.startUs || a.endUs - b.endUs);
  const clusters: T[][] = [];
  let clusterEnd = -Infinity;
  for (const it of sorted) {
    const current = clusters[clusters.length - 1];
    if (current && it.startUs < clusterEnd) {
      current.push(it);
      clusterEnd = Math.max(clusterEnd, it.endUs);
    } else {
      clusters.push([it]);
      clusterEnd = it.endUs;
    }
  }
  return clusters;
}
