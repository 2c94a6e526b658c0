/**
 * Copies of request and response bodies for logBodies, cut to
 * MAX_LOGGED_BODY_BYTES. Only used when logBodies is on: it wraps the
 * streams' push/write/end, leaving how the app reads or writes them unchanged.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_LOGGED_BODY_BYTES } from './options.js';

class Collector {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  truncated = false;

  add(chunk: unknown, encoding?: unknown): void {
    if (this.bytes >= MAX_LOGGED_BODY_BYTES) {
      this.truncated = true;
      return;
    }
    let buf: Buffer;
    if (typeof chunk === 'string') buf = Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
    else if (chunk instanceof Uint8Array) buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else return;
    const room = MAX_LOGGED_BODY_BYTES - this.bytes;
    if (buf.length > room) {
      buf = buf.subarray(0, room);
      this.truncated = true;
    }
    // Copy: the caller may reuse its buffer after write() returns.
    this.chunks.push(Buffer.from(buf));
    this.bytes += buf.length;
  }

  text(): string {
    return Buffer.concat(this.chunks, this.bytes).toString('utf8');
  }
}

/** True when the request announces a body (Content-Length > 0 or chunked). */
export function hasRequestBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/** A body the framework already parsed (req.body), as it should appear in the log. */
export function parsedBodyForLog(body: unknown): unknown {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const c = new Collector();
    c.add(body);
    return c.text();
  }
  return body;
}

/**
 * Copies the request body as node:http hands it to the stream; `onDone` gets
 * it (parsed when it is complete JSON) once the body has arrived.
 */
export function tapRequestBody(req: IncomingMessage, onDone: (body: unknown) => void): () => unknown {
  const c = new Collector();
  const push = req.push;
  let done = false;
  const result = (): unknown => {
    const text = c.text();
    if (!c.truncated && /json/i.test(req.headers['content-type'] ?? '')) {
      try {
        return JSON.parse(text);
      } catch {
        // not JSON after all: log the text
      }
    }
    return text;
  };
  req.push = function (this: IncomingMessage, chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) {
      if (!done) {
        done = true;
        onDone(result());
      }
    } else {
      c.add(chunk, encoding);
    }
    return push.call(this, chunk, encoding);
  };
  /** What arrived so far (for a request that ends before its body was read). */
  return result;
}

/** Copies what the app writes to the response; call the returned function for the text. */
export function tapResponseBody(res: ServerResponse): () => string {
  const c = new Collector();
  const write = res.write;
  const end = res.end;
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]): boolean {
    c.add(chunk, rest[0]);
    return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]): ServerResponse {
    if (typeof chunk !== 'function') c.add(chunk, rest[0]);
    return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
  } as ServerResponse['end'];
  return () => c.text();
}
