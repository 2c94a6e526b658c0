/**
 * One log file being read through its open handle (so data written just
 * before a rename or a delete is still read), from an offset, in chunks,
 * into the pipeline. It is the file's RecordSource on the ack path: Zipkin's
 * acknowledgements move its checkpoint entry.
 * Drops nothing: what it has read is either in the pipeline or before a
 * checkpoint that has not moved past it.
 */
import type { FileHandle } from 'node:fs/promises';
import type { CheckpointRegistry } from '../checkpoint/checkpoint-registry.js';
import type { FileCheckpoint } from '../checkpoint/checkpoint-store.js';
import type { Counters } from '../observe/counters.js';
import type { Pipeline, RecordSource } from '../pipeline.js';
import { fingerprintOf, readHead } from './file-identity.js';
import { RecordDecoder, type FormatSetting } from './record-decoder.js';
import type { LogRecord } from './record-joiner.js';

export interface ReadContext {
  pipeline: Pipeline;
  registry: CheckpointRegistry;
  counters: Counters;
  format: FormatSetting;
  maxRecordBytes: number;
  readChunkBytes: number;
  fingerprintBytes: number;
  partialFlushMs: number;
  stopping(): boolean;
}

let nextId = 0;

export class OpenFile implements RecordSource {
  readonly id: string;
  readonly replayUntil: number;
  private readonly decoder: RecordDecoder;
  private readOffset: number;
  lastGrowthAtMs = Date.now();

  constructor(private fh: FileHandle, readonly path: string, readonly dev: string, readonly ino: string,
              readonly entry: FileCheckpoint, private readonly ctx: ReadContext, startOffset: number, replayUntil: number) {
    this.id = `${path}#${dev}:${ino}#${++nextId}`;
    this.readOffset = startOffset;
    this.replayUntil = replayUntil;
    this.decoder = new RecordDecoder({
      format: entry.format ?? ctx.format, maxRecordBytes: ctx.maxRecordBytes, startOffset, counters: ctx.counters,
    });
  }

  /** Bytes read so far (the file's offset). */
  get offset(): number {
    return this.readOffset;
  }

  commit(offset: number, linesEnd: number): void {
    this.entry.offset = offset;
    this.entry.linesEnd = linesEnd;
    this.entry.updatedAtMs = Date.now();
    this.ctx.registry.changed();
  }

  /** Reads what the file holds beyond the offset, at most maxChunks chunks; returns bytes read. */
  async readAvailable(maxChunks = 16): Promise<number> {
    const size = (await this.fh.stat()).size;
    let total = 0;
    for (let i = 0; i < maxChunks && this.readOffset < size && !this.ctx.stopping(); i++) {
      const buf = Buffer.allocUnsafe(Math.min(this.ctx.readChunkBytes, size - this.readOffset));
      const { bytesRead } = await this.fh.read(buf, 0, buf.length, this.readOffset);
      if (bytesRead === 0) break;
      this.readOffset += bytesRead;
      total += bytesRead;
      const records = this.decoder.push(buf.subarray(0, bytesRead), Date.now());
      await this.send(records);
    }
    if (total > 0) {
      this.lastGrowthAtMs = Date.now();
      if (this.decoder.format) this.entry.format = this.decoder.format;
      await this.growFingerprint();
    }
    return total;
  }

  /** Flushes chains of partial pieces whose final piece has not come in time. */
  async flushStale(): Promise<void> {
    const records = this.decoder.flushStale(Date.now(), this.ctx.partialFlushMs);
    if (records.length) await this.send(records);
  }

  /** True when the file is now shorter than what was read, or its first bytes changed (copytruncate). */
  async isTruncated(): Promise<boolean> {
    const size = (await this.fh.stat()).size;
    if (size < this.readOffset) return true;
    const fp = this.entry.fingerprint;
    if (fp.bytes === 0) return false;
    return fingerprintOf(await readHead(this.fh, fp.bytes)).sha256 !== fp.sha256;
  }

  /** Reads on through another handle holding the same bytes (the copy made by copytruncate). */
  async switchTo(copy: FileHandle): Promise<void> {
    await this.fh.close().catch(() => undefined);
    this.fh = copy;
  }

  /** End of this file: its unterminated last line and open chains become records; the handle closes. */
  async finish(): Promise<void> {
    await this.send(this.decoder.end(Date.now()));
    this.entry.done = true;
    this.ctx.registry.changed();
    this.ctx.pipeline.forget(this.id);
    await this.fh.close().catch(() => undefined);
  }

  /** Closes the handle without ending the file (shutdown: the checkpoint keeps what is unfinished). */
  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }

  /** Bytes of the file not yet covered by its checkpoint. */
  async lagBytes(): Promise<number> {
    try {
      return Math.max(0, (await this.fh.stat()).size - this.entry.offset);
    } catch {
      return 0;
    }
  }

  private async send(records: LogRecord[]): Promise<void> {
    await this.ctx.pipeline.processRecords(records, this, this.decoder.safeOffset, this.decoder.linesEndOffset);
  }

  private async growFingerprint(): Promise<void> {
    const fp = this.entry.fingerprint;
    if (fp.bytes >= this.ctx.fingerprintBytes) return;
    const head = await readHead(this.fh, this.ctx.fingerprintBytes);
    if (head.length > fp.bytes) {
      this.entry.fingerprint = fingerprintOf(head);
      this.ctx.registry.changed();
    }
  }
}
