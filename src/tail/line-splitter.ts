/**
 * Bytes in, complete lines out. Splits on "\n" in Buffers and decodes UTF-8
 * once per line, so a multi-byte character split across reads stays intact.
 * A line longer than maxLineBytes is not buffered whole: its first
 * maxLineBytes are kept, the rest is skipped, and it is reported as cut.
 * Memory stays bounded by maxLineBytes whatever the input.
 */
export interface SplitLine {
  text: string;
  /** Set when the line was longer than maxLineBytes: its full length in bytes. */
  cutFromBytes?: number;
}

export class LineSplitter {
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** Bytes of the current line dropped past maxLineBytes. */
  private droppedBytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** Bytes held for a line not yet ended. */
  get pendingBytes(): number {
    return this.partsBytes + this.droppedBytes;
  }

  push(chunk: Buffer, out: SplitLine[] = []): SplitLine[] {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      this.take(chunk, start, nl);
      out.push(this.finishLine());
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk, start, chunk.length);
    return out;
  }

  /** End of input: an unterminated last line is still a line. */
  end(out: SplitLine[] = []): SplitLine[] {
    if (this.partsBytes > 0 || this.droppedBytes > 0) out.push(this.finishLine());
    return out;
  }

  private take(chunk: Buffer, from: number, to: number): void {
    const room = this.maxLineBytes - this.partsBytes;
    const n = to - from;
    if (n <= room) {
      if (n > 0) {
        this.parts.push(chunk.subarray(from, to));
        this.partsBytes += n;
      }
    } else {
      if (room > 0) {
        this.parts.push(chunk.subarray(from, from + room));
        this.partsBytes += room;
      }
      this.droppedBytes += n - Math.max(0, room);
    }
  }

  private finishLine(): SplitLine {
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.partsBytes);
    let end = buf.length;
    if (end > 0 && buf[end - 1] === 13) end -= 1; // CRLF
    const line: SplitLine = { text: buf.toString('utf8', 0, end) };
    if (this.droppedBytes > 0) line.cutFromBytes = this.partsBytes + this.droppedBytes;
    this.parts = [];
    this.partsBytes = 0;
    this.droppedBytes = 0;
    return line;
  }
}
