/**
 * Bytes in, physical lines out, each with its byte range in the file.
 * Input: consecutive chunks of one file (or stream) starting at `startOffset`.
 * Output: every "\n"-terminated line as bytes (without "\n" and a trailing "\r"),
 * with [startOffset, endOffset) where endOffset is just past the "\n".
 * Drops: the bytes of a line beyond maxLineBytes (the line is kept cut and
 * reports its full length), so memory stays bounded whatever the input.
 * An unterminated last line is held until its "\n" arrives, or `end()`.
 */
export interface FramedLine {
  bytes: Buffer;
  startOffset: number;
  endOffset: number;
  /** Set when the line was longer than maxLineBytes: its full length in bytes. */
  cutFromBytes?: number;
}

/** One line: `buf[start, end)`, at [startOffset, endOffset) in the file; cutFromBytes as in FramedLine. */
export type OnLine = (buf: Buffer, start: number, end: number, startOffset: number, endOffset: number, cutFromBytes: number | undefined) => void;

export class LineFramer {
  private parts: Buffer[] = [];
  private partsBytes = 0;
  private droppedBytes = 0;
  private lineStart: number;
  private consumed: number;

  constructor(private readonly maxLineBytes: number, startOffset = 0) {
    this.lineStart = startOffset;
    this.consumed = startOffset;
  }

  /** Offset of the first byte not yet part of a complete line (the start of the unfinished line). */
  get pendingLineStart(): number {
    return this.lineStart;
  }

  /** Offset just past every byte pushed so far. */
  get pushedOffset(): number {
    return this.consumed;
  }

  /** Bytes held for the unfinished line. */
  get pendingBytes(): number {
    return this.partsBytes;
  }

  push(chunk: Buffer, out: FramedLine[] = []): FramedLine[] {
    this.pushEach(chunk, (buf, start, end, startOffset, endOffset, cutFromBytes) => {
      const line: FramedLine = { bytes: start === 0 && end === buf.length ? buf : buf.subarray(start, end), startOffset, endOffset };
      if (cutFromBytes !== undefined) line.cutFromBytes = cutFromBytes;
      out.push(line);
    });
    return out;
  }

  /**
   * Like push, without a FramedLine per line: each line is `buf[start, end)`,
   * valid only during the call. A line that lies whole in this chunk (the
   * common case) is passed as a range of the chunk itself, with no copy.
   */
  pushEach(chunk: Buffer, onLine: OnLine): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      const endOffset = this.consumed + nl + 1;
      if (this.partsBytes === 0 && this.droppedBytes === 0 && nl - start <= this.maxLineBytes) {
        const end = nl > start && chunk[nl - 1] === 13 ? nl - 1 : nl;
        const startOffset = this.lineStart;
        this.lineStart = endOffset;
        onLine(chunk, start, end, startOffset, endOffset, undefined);
      } else {
        this.take(chunk, start, nl, false);
        const line = this.finish(endOffset);
        onLine(line.bytes, 0, line.bytes.length, line.startOffset, line.endOffset, line.cutFromBytes);
      }
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk, start, chunk.length, true);
    this.consumed += chunk.length;
  }

  /** End of input: an unterminated last line is still a line. */
  end(out: FramedLine[] = []): FramedLine[] {
    if (this.partsBytes > 0 || this.droppedBytes > 0) out.push(this.finish(this.consumed));
    return out;
  }

  /** `keep`: the bytes wait for a later chunk, so they are copied (a view would pin the whole read buffer). */
  private take(chunk: Buffer, from: number, to: number, keep: boolean): void {
    // One byte more than the limit: a line of exactly maxLineBytes may end in "\r\n".
    const room = this.maxLineBytes + 1 - this.partsBytes;
    const n = to - from;
    const slice = (a: number, b: number) => (keep ? Buffer.from(chunk.subarray(a, b)) : chunk.subarray(a, b));
    if (n <= room) {
      if (n > 0) {
        this.parts.push(slice(from, to));
        this.partsBytes += n;
      }
      return;
    }
    if (room > 0) {
      this.parts.push(slice(from, from + room));
      this.partsBytes += room;
    }
    this.droppedBytes += n - Math.max(0, room);
  }

  private finish(endOffset: number): FramedLine {
    let bytes = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsBytes);
    let full = this.partsBytes + this.droppedBytes;
    if (this.droppedBytes === 0 && bytes.length > 0 && bytes[bytes.length - 1] === 13) {
      bytes = bytes.subarray(0, bytes.length - 1);
      full -= 1;
    }
    const line: FramedLine = { bytes: full > this.maxLineBytes ? bytes.subarray(0, this.maxLineBytes) : bytes, startOffset: this.lineStart, endOffset };
    if (full > this.maxLineBytes) line.cutFromBytes = full;
    this.parts = [];
    this.partsBytes = 0;
    this.droppedBytes = 0;
    this.lineStart = endOffset;
    return line;
  }
}
