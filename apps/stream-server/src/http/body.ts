import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';

/** The media type of a request, lower case, without parameters ("application/sdp"). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function requireMediaType(req: IncomingMessage, expected: string, what: string): void {
  const got = mediaType(req);
  if (got !== expected) throw new UnsupportedMediaTypeError(`${what}: body must be ${expected} (got ${got === '' ? 'none' : JSON.stringify(got)})`);
}

/**
 * Read a request body as UTF-8, refusing more than `limit` bytes: an announced Content-Length over
 * the limit is refused before reading; a chunked body is cut off once it passes the limit.
 */
export async function readBody(req: IncomingMessage, limit: number, what: string): Promise<string> {
  return (await readBytes(req, limit, what)).toString('utf8');
}

/** The same, as bytes. */
export async function readBytes(req: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const announced = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(announced) && announced > limit) {
    req.resume();
    throw new PayloadTooLargeError(`${what}: body over ${limit} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new PayloadTooLargeError(`${what}: body over ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
