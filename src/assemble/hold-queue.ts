/**
 * Where each source (a log file) must be re-read from so that every span
 * still open can be rebuilt: the earliest offset any open span depends on.
 * A min-heap of holds per source; closing a span marks its holds released
 * and released holds are dropped lazily from the top (O(log n) amortised).
 * Offsets nearly always arrive in increasing order, but a record joined from
 * pieces can complete after a later line, so order is not assumed.
 * Pure data, no I/O.
 */
export interface Hold {
  readonly source: string;
  readonly offset: number;
  released: boolean;
}

interface SourceHeap {
  heap: Hold[];
  /** Released holds still in the heap. */
  released: number;
}

export class HoldQueue {
  private readonly bySource = new Map<string, SourceHeap>();

  /** Records that an open span depends on `source` from `offset` on. */
  hold(source: string, offset: number): Hold {
    let s = this.bySource.get(source);
    if (!s) this.bySource.set(source, (s = { heap: [], released: 0 }));
    const h: Hold = { source, offset, released: false };
    s.heap.push(h);
    siftUp(s.heap, s.heap.length - 1);
    return h;
  }

  /** The span that needed `h` is closed. */
  release(h: Hold): void {
    if (h.released) return;
    h.released = true;
    const s = this.bySource.get(h.source);
    if (!s) return;
    s.released += 1;
    // Released holds below a long-lived one would pile up: rebuild now and then.
    if (s.released > 1024 && s.released * 2 > s.heap.length) {
      s.heap = s.heap.filter((x) => !x.released);
      for (let i = (s.heap.length >> 1) - 1; i >= 0; i--) siftDown(s.heap, i);
      s.released = 0;
    }
  }

  /** The earliest offset of `source` an open span still depends on. */
  earliest(source: string): number | undefined {
    const s = this.bySource.get(source);
    if (!s) return undefined;
    const heap = s.heap;
    while (heap.length && heap[0]!.released) {
      s.released -= 1;
      const last = heap.pop()!;
      if (heap.length) {
        heap[0] = last;
        siftDown(heap, 0);
      }
    }
    if (heap.length === 0) {
      this.bySource.delete(source);
      return undefined;
    }
    return heap[0]!.offset;
  }

  /** Sources with live holds (released ones may still be counted until `earliest` drops them). */
  sources(): string[] {
    return [...this.bySource.keys()];
  }
}

function siftUp(h: Hold[], i: number): void {
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p]!.offset <= h[i]!.offset) return;
    [h[p], h[i]] = [h[i]!, h[p]!];
    i = p;
  }
}

function siftDown(h: Hold[], i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && h[l]!.offset < h[m]!.offset) m = l;
    if (r < h.length && h[r]!.offset < h[m]!.offset) m = r;
    if (m === i) return;
    [h[m], h[i]] = [h[i]!, h[m]!];
    i = m;
  }
}
