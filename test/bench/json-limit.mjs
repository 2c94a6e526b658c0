// The limit requestflow is measured against: read a log file, split it into
// lines on the Buffer and JSON.parse every line (for CRI, the content after
// the "<time> <stream> <tag> " prefix). Nothing else: no decoding, no spans.
// The same read path as requestflow --once (a 256 KiB read stream).
//
//   node test/bench/json-limit.mjs FILE [plain|cri]   -> one JSON line: lines, parsed, seconds, linesPerSecond
import { createReadStream } from 'node:fs';

const [file, format = 'plain'] = process.argv.slice(2);
const SPACE = 0x20;

/** Start of a CRI line's content: just past its third space. */
function contentStart(buf, from, to) {
  let spaces = 0;
  for (let i = from; i < to; i++) if (buf[i] === SPACE && ++spaces === 3) return i + 1;
  return from;
}

const started = performance.now();
let lines = 0;
let parsed = 0;
let carry;
const parseLine = (buf, from, to) => {
  lines += 1;
  const start = format === 'cri' ? contentStart(buf, from, to) : from;
  try {
    JSON.parse(buf.toString('utf8', start, to));
    parsed += 1;
  } catch {
    // not JSON: counted as a line all the same
  }
};
for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 })) {
  let buf = chunk;
  if (carry) buf = Buffer.concat([carry, chunk]);
  let start = 0;
  for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
    parseLine(buf, start, nl);
    start = nl + 1;
  }
  carry = start < buf.length ? Buffer.from(buf.subarray(start)) : undefined;
}
if (carry) parseLine(carry, 0, carry.length);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ lines, parsed, seconds, linesPerSecond: lines / seconds }));
