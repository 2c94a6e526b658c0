/**
 * Which file is this? Device and inode alone are reused after a delete, and a
 * path alone is renamed by rotation, so a file is known by its device/inode
 * plus a fingerprint: the SHA-256 of its first bytes (up to fingerprintBytes;
 * a young file's fingerprint grows with it). A copy (copytruncate) has a new
 * inode but the same first bytes, so it is recognised as data already read.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

export interface Fingerprint {
  /** How many of the file's first bytes were hashed. */
  bytes: number;
  sha256: string;
}

export interface FileIdentity {
  dev: string;
  ino: string;
  fingerprint: Fingerprint;
}

/** Below this many bytes a fingerprint alone is too weak: device and inode must match too. */
export const MIN_FINGERPRINT_BYTES = 64;

export function fingerprintOf(head: Buffer): Fingerprint {
  return { bytes: head.length, sha256: createHash('sha256').update(head).digest('hex') };
}

/**
 * True when a file with these first bytes (at least `known.fingerprint.bytes`
 * of them) and this device/inode is the file `known` describes.
 * `sameInode` matters only for short fingerprints.
 */
export function isSameFile(head: Buffer, dev: string, ino: string, known: FileIdentity): boolean {
  const fp = known.fingerprint;
  if (head.length < fp.bytes) return false;
  const sameInode = dev === known.dev && ino === known.ino;
  if (fp.bytes < MIN_FINGERPRINT_BYTES && !sameInode) return false;
  return fingerprintOf(head.subarray(0, fp.bytes)).sha256 === fp.sha256;
}

/** The first `maxBytes` bytes of an open file (fewer when it is shorter). */
export async function readHead(fh: FileHandle, maxBytes: number): Promise<Buffer> {
  const buf = Buffer.alloc(maxBytes);
  let got = 0;
  while (got < maxBytes) {
    const { bytesRead } = await fh.read(buf, got, maxBytes - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

export async function statIds(fh: FileHandle): Promise<{ dev: string; ino: string; size: number }> {
  const st = await fh.stat({ bigint: true });
  return { dev: String(st.dev), ino: String(st.ino), size: Number(st.size) };
}
