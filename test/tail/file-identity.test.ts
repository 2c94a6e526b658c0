import t from 'tap';
import { fingerprintOf, isSameFile, MIN_FINGERPRINT_BYTES, type FileIdentity } from '../../src/tail/file-identity.js';

const content = Buffer.from(`${'{"line":1}\n'.repeat(200)}`);
const known = (head: Buffer, dev = '1', ino = '100'): FileIdentity => ({ dev, ino, fingerprint: fingerprintOf(head) });
const fp = content.subarray(0, 1024);
const short = content.subarray(0, MIN_FINGERPRINT_BYTES - 1);

const cases: Array<[name: string, head: Buffer, dev: string, ino: string, k: FileIdentity, same: boolean]> = [
  ['same inode, same first bytes', content, '1', '100', known(fp), true],
  ['renamed: same inode and bytes under another path', content, '1', '100', known(fp), true],
  ['a copy (copytruncate): new inode, same first bytes', content, '1', '555', known(fp), true],
  ['inode reused by a new file: same inode, other bytes', Buffer.from('{"other":2}\n'.repeat(200)), '1', '100', known(fp), false],
  ['the file grew: its first bytes are unchanged', Buffer.concat([content, Buffer.from('more\n')]), '1', '100', known(fp), true],
  ['the file is now shorter than the fingerprint (truncated)', content.subarray(0, 10), '1', '100', known(fp), false],
  ['other device, same inode number, other bytes', Buffer.from('x'.repeat(2000)), '2', '100', known(fp), false],
  ['a short fingerprint matches only with the same inode', content, '1', '100', known(short), true],
  ['a short fingerprint alone is too weak on another inode', content, '1', '777', known(short), false],
  ['an empty fingerprint matches its own inode only', content, '1', '100', known(Buffer.alloc(0)), true],
  ['an empty fingerprint never matches another inode', content, '1', '101', known(Buffer.alloc(0)), false],
];

for (const [name, head, dev, ino, k, same] of cases) {
  t.test(name, async (t) => t.equal(isSameFile(head, dev, ino, k), same));
}
