/**
 * A file rotated away (and perhaps compressed) while requestflow was down:
 * its checkpoint says how far it was acknowledged, so only the rest is read,
 * once, to its end. Plain copies are read through the follower's OpenFile;
 * this module reads a .gz copy: it is decompressed as a stream, checked
 * against the checkpoint's fingerprint, and read from the checkpoint's offset.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { FileCheckpoint } from '../checkpoint/checkpoint-store.js';
import type { RecordSource } from '../pipeline.js';
import { fingerprintOf } from './file-identity.js';
import type { ReadContext } from './open-file.js';
import { RecordDecoder } from './record-decoder.js';

/** True when the .gz file held the checkpoint's data (and its rest was read). */
export async function readGzipRemainder(path: string, entry: FileCheckpoint, ctx: ReadContext): Promise<boolean> {
  const fp = entry.fingerprint;
  const source: RecordSource = {
    id: `${path}#gz`,
    path,
    replayUntil: entry.linesEnd,
    commit(offset, linesEnd) {
      entry.offset = offset;
      entry.linesEnd = linesEnd;
      entry.updatedAtMs = Date.now();
      ctx.registry.changed();
    },
  };
  const decoder = new RecordDecoder({ format: entry.format ?? ctx.format, maxRecordBytes: ctx.maxRecordBytes, startOffset: entry.offset, counters: ctx.counters });
  const stream = createReadStream(path).pipe(createGunzip());
  let pos = 0;
  let head: Buffer[] = [];
  let headBytes = 0;
  let matched = fp.bytes === 0;
  try {
    for await (const raw of stream) {
      const chunk = raw as Buffer;
      const chunkStart = pos;
      pos += chunk.length;
      if (!matched) {
        head.push(chunk);
        headBytes += chunk.length;
        if (headBytes < fp.bytes) continue;
        if (fingerprintOf(Buffer.concat(head).subarray(0, fp.bytes)).sha256 !== fp.sha256) return false;
        matched = true;
        head = [];
      }
      if (pos <= entry.offset) continue;
      const from = Math.max(0, entry.offset - chunkStart);
      const records = decoder.push(chunk.subarray(from), Date.now());
      await ctx.pipeline.processRecords(records, source, decoder.safeOffset, decoder.linesEndOffset);
      if (ctx.stopping()) return true;
    }
  } catch (e) {
    ctx.counters.inc('files.gzip_unreadable');
    throw e;
  }
  if (!matched) return false;
  await ctx.pipeline.processRecords(decoder.end(Date.now()), source, decoder.safeOffset, decoder.linesEndOffset);
  ctx.pipeline.forget(source.id);
  return true;
}
