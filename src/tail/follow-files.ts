/**
 * Follow mode for files: finds the files (globs; Kubernetes pod log
 * directory), reads each to its end exactly once across rotation
 * (rename + create), copytruncate and deletion, and resumes from checkpoints.
 * Input: paths and patterns. Output: records into the pipeline, per file in
 * file order. One loop reads every file in turn; while the export queue is
 * full it waits, so the log file, not memory, is the buffer.
 *   - rename + create: the old file is read through its open handle to its
 *     end, and rotateWaitMs after its last growth, then closed; the new file
 *     at the path is read from its start.
 *   - copytruncate: the rest of the old content is read from the copy when
 *     one is found beside the file (same first bytes), then the file again
 *     from its start; otherwise the loss is counted (files.truncated_unrecovered).
 *   - deletion: the open handle is read to its end, then closed.
 *   - rotated copies and .gz files matched by a glob are never read as new
 *     files; at start, a checkpoint whose file was rotated away while
 *     requestflow was down is finished from the rotated copy (plain or .gz).
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { CheckpointRegistry } from '../checkpoint/checkpoint-registry.js';
import type { FileCheckpoint } from '../checkpoint/checkpoint-store.js';
import type { Counters } from '../observe/counters.js';
import type { Logger } from '../observe/logger.js';
import { listFiles, rotatedSiblings } from './discover.js';
import { fingerprintOf, isSameFile, readHead, statIds } from './file-identity.js';
import { OpenFile, type ReadContext } from './open-file.js';
import { readGzipRemainder } from './read-remainder.js';

export interface FollowFilesOptions {
  patterns: string[];
  pollIntervalMs: number;
  discoveryIntervalMs: number;
  rotateWaitMs: number;
}

interface Slot {
  path: string;
  current?: OpenFile;
  /** Rotated or deleted files still read for late writes. */
  draining: OpenFile[];
}

export interface FollowStats {
  filesOpen: number;
  /** Bytes written to the followed files that their checkpoints do not cover yet. */
  checkpointLagBytes: number;
}

export class FollowFiles {
  private readonly slots = new Map<string, Slot>();
  private stopping = false;
  private wake?: () => void;
  private loop?: Promise<void>;
  private starting?: Promise<void>;
  private nextDiscoveryAtMs = 0;
  private readonly ctx: ReadContext;

  constructor(private readonly opts: FollowFilesOptions, ctx: Omit<ReadContext, 'stopping'>,
              private readonly registry: CheckpointRegistry, private readonly counters: Counters,
              private readonly log: Logger) {
    this.ctx = { ...ctx, stopping: () => this.stopping };
  }

  /** Opens the files found now, finishes data owed by checkpoints of rotated files, then follows. */
  start(): Promise<void> {
    this.starting ??= (async () => {
      await this.discover();
      await this.finishRotatedWhileDown();
      this.loop = this.run().catch((e: Error) => this.log.error('follow_failed', { error: e.stack ?? e.message }));
    })();
    return this.starting;
  }

  /** Stops reading at the next chunk boundary. Resolves when the loop has stopped (or at once if it is waiting on the export queue). */
  stop(): void {
    this.stopping = true;
    this.wake?.();
  }

  /** Resolves once the loop has ended (it ends after stop(), once the export queue lets it). */
  async stopped(): Promise<void> {
    await this.starting;
    await this.loop;
  }

  /** Closes every handle (after the loop has stopped); nothing is marked done. */
  async close(): Promise<void> {
    for (const s of this.slots.values()) {
      for (const f of [s.current, ...s.draining]) await f?.close();
    }
  }

  async stats(): Promise<FollowStats> {
    let filesOpen = 0;
    let checkpointLagBytes = 0;
    for (const s of this.slots.values()) {
      for (const f of [s.current, ...s.draining]) {
        if (!f) continue;
        filesOpen += 1;
        checkpointLagBytes += await f.lagBytes();
      }
    }
    return { filesOpen, checkpointLagBytes };
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      if (Date.now() >= this.nextDiscoveryAtMs) await this.discover();
      let busy = false;
      for (const slot of [...this.slots.values()]) {
        if (this.stopping) break;
        if (await this.step(slot)) busy = true;
      }
      if (!busy && !this.stopping) {
        // Every file is read to its end: what was read goes to Zipkin now, not
        // at the next flush tick (a partial batch), then wait for more.
        this.ctx.pipeline.queue.sendWaiting();
        await this.sleep(this.opts.pollIntervalMs);
      }
    }
  }

  private async discover(): Promise<void> {
    this.nextDiscoveryAtMs = Date.now() + this.opts.discoveryIntervalMs;
    let paths: string[];
    try {
      paths = await listFiles(this.opts.patterns);
    } catch (e) {
      this.log.warnSummarised('discovery_failed', { error: (e as Error).message });
      return;
    }
    for (const path of paths) {
      if (this.slots.has(path)) continue;
      const slot: Slot = { path, draining: [] };
      slot.current = await this.openFile(path);
      // A path that is only another name of a file already read gets no slot (yet).
      if (slot.current) this.slots.set(path, slot);
    }
  }

  /** One round for one path: late writes of rotated files, then the current file. Returns true when it read something. */
  private async step(slot: Slot): Promise<boolean> {
    let read = 0;
    // A rotated file is read to its end before the file that replaced it: order per path holds.
    for (const d of [...slot.draining]) {
      for (let n = -1; n !== 0 && !this.stopping;) read += n = await d.readAvailable();
      if (this.stopping) return true;
      if (Date.now() - d.lastGrowthAtMs >= this.opts.rotateWaitMs) {
        await d.finish();
        slot.draining.splice(slot.draining.indexOf(d), 1);
        this.counters.inc('files.closed');
      } else {
        await d.flushStale();
      }
    }
    if (!slot.current) {
      slot.current = await this.openFile(slot.path);
      if (!slot.current) {
        if (slot.draining.length === 0) this.slots.delete(slot.path);
        return read > 0;
      }
    }
    const cur = slot.current;
    if (await cur.isTruncated()) {
      await this.truncated(slot, cur);
      return true;
    }
    read += await cur.readAvailable();
    if (this.stopping) return true;
    const now = await statPath(slot.path);
    if (!now || now.dev !== cur.dev || now.ino !== cur.ino) {
      this.counters.inc(now ? 'files.rotated' : 'files.deleted');
      this.log.info(now ? 'file_rotated' : 'file_deleted', { path: slot.path, offset: cur.offset });
      // A write just before the rename is still in the old file: read it before the new one.
      read += await cur.readAvailable();
      slot.draining.push(cur);
      slot.current = now ? await this.openFile(slot.path) : undefined;
      return true;
    }
    await cur.flushStale();
    return read > 0;
  }

  /** copytruncate: finish the old content from the copy when there is one, then read the file anew. */
  private async truncated(slot: Slot, cur: OpenFile): Promise<void> {
    this.counters.inc('files.truncated');
    const copy = await this.findCopy(cur.path, cur.entry, cur.offset);
    if (copy) {
      await cur.switchTo(copy);
      while ((await cur.readAvailable()) > 0 && !this.stopping) { /* read the copy to its end */ }
    } else {
      this.counters.inc('files.truncated_unrecovered');
      this.log.warn('file_truncated', { path: cur.path, offset: cur.offset, note: 'no copy found beside it: everything up to offset was read; lines written after that read and before the truncation, if any, are lost' });
    }
    if (this.stopping) return;
    await cur.finish();
    slot.current = undefined;
    slot.current = await this.openFile(slot.path, true);
  }

  /** A rotated copy beside `path` holding `entry`'s data beyond `offset`. */
  private async findCopy(path: string, entry: FileCheckpoint, offset: number): Promise<FileHandle | undefined> {
    for (const p of await rotatedSiblings(path)) {
      if (p.endsWith('.gz')) continue;
      const fh = await open(p, 'r').catch(() => undefined);
      if (!fh) continue;
      const ids = await statIds(fh);
      if (ids.size > offset && isSameFile(await readHead(fh, entry.fingerprint.bytes), ids.dev, ids.ino, entry)) return fh;
      await fh.close();
    }
    return undefined;
  }

  /** At start: checkpoints that no current file claimed belong to files rotated away while requestflow was down. */
  private async finishRotatedWhileDown(): Promise<void> {
    for (const entry of this.registry.unclaimedEntries()) {
      let found = false;
      for (const p of await rotatedSiblings(entry.path)) {
        if (this.stopping) return;
        if (p.endsWith('.gz')) {
          try {
            found = await readGzipRemainder(p, entry, this.ctx);
          } catch (e) {
            this.log.warn('gzip_unreadable', { path: p, error: (e as Error).message });
          }
        } else {
          const fh = await open(p, 'r').catch(() => undefined);
          if (!fh) continue;
          const ids = await statIds(fh);
          if (ids.size > entry.offset && isSameFile(await readHead(fh, entry.fingerprint.bytes), ids.dev, ids.ino, entry)) {
            const f = new OpenFile(fh, p, ids.dev, ids.ino, entry, this.ctx, entry.offset, entry.linesEnd);
            while ((await f.readAvailable()) > 0 && !this.stopping) { /* to its end */ }
            if (this.stopping) return;
            await f.finish();
            found = true;
          } else {
            await fh.close();
          }
        }
        if (found) break;
      }
      if (found) this.counters.inc('files.resumed_rotated');
      else if (!entry.done) this.log.warn('checkpoint_file_gone', { path: entry.path, offset: entry.offset, note: 'the file was rotated or deleted while requestflow was down and no copy was found' });
      this.registry.settle(entry);
    }
  }

  /**
   * Opens the file at `path` as a new or resumed file, or returns undefined
   * when it is absent or only another name (or a copy) of data already read.
   */
  private async openFile(path: string, afterTruncation = false): Promise<OpenFile | undefined> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch {
      return undefined;
    }
    const ids = await statIds(fh);
    if (this.isOpen(ids.dev, ids.ino)) {
      await fh.close();
      return undefined;
    }
    const head = await readHead(fh, this.ctx.fingerprintBytes);
    const claimed = afterTruncation ? undefined : this.registry.claim(head, ids.dev, ids.ino);
    if (claimed) {
      const fits = claimed.offset <= ids.size;
      if (!fits) this.counters.inc('files.truncated');
      Object.assign(claimed, { path, dev: ids.dev, ino: ids.ino, done: false, updatedAtMs: Date.now() });
      if (!fits) Object.assign(claimed, { offset: 0, linesEnd: 0, fingerprint: fingerprintOf(head) });
      this.registry.changed();
      this.counters.inc('files.opened');
      this.log.info('file_opened', { path, offset: claimed.offset, resumed: true });
      return new OpenFile(fh, path, ids.dev, ids.ino, claimed, this.ctx, claimed.offset, claimed.linesEnd);
    }
    if (!afterTruncation && head.length > 0 && this.registry.findKnown(head, ids.dev, ids.ino)) {
      // A copy (or another name) of a file already read in this run.
      await fh.close();
      return undefined;
    }
    const entry: FileCheckpoint = {
      path, dev: ids.dev, ino: ids.ino, fingerprint: fingerprintOf(head), offset: 0, linesEnd: 0, updatedAtMs: Date.now(),
    };
    this.registry.add(entry);
    this.counters.inc('files.opened');
    this.log.info('file_opened', { path, offset: 0, resumed: false });
    return new OpenFile(fh, path, ids.dev, ids.ino, entry, this.ctx, 0, 0);
  }

  private isOpen(dev: string, ino: string): boolean {
    for (const s of this.slots.values()) {
      for (const f of [s.current, ...s.draining]) if (f && f.dev === dev && f.ino === ino) return true;
    }
    return false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => { clearTimeout(t); resolve(); };
    });
  }
}

async function statPath(path: string): Promise<{ dev: string; ino: string } | undefined> {
  try {
    const st = await stat(path, { bigint: true });
    return { dev: String(st.dev), ino: String(st.ino) };
  } catch {
    return undefined;
  }
}
