import type { Request as ExpressRequest } from 'express';
import { MAX_API_BODY_BYTES } from '../customers/api-http.server';
import { MAX_IMPORT_BYTES } from '../customers/import-read';
import { MAX_FORM_BYTES } from './request.server';

/** Largest body of a Resend webhook delivery (a few KB in practice). */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

/** Room for the form fields that travel with an uploaded file. */
const UPLOAD_FORM_OVERHEAD = 64 * 1024;

export interface BodyLimit {
  bytes: number;
  /**
   * A streamed body is counted while the route reads it (the customer upload
   * goes straight into the database); any other body is read up to its limit
   * before the route runs, so even a route that answers without reading it
   * refuses an oversized body with 413.
   */
  streamed: boolean;
}

/**
 * The one table of body limits for everything Remix serves (the customer's
 * survey has its own reader, with MAX_FORM_BYTES). Keyed by the normalised
 * path, the one Remix routes by.
 */
export function bodyLimitFor(path: string): BodyLimit {
  if (path === '/app/customers/import') return { bytes: MAX_IMPORT_BYTES + UPLOAD_FORM_OVERHEAD, streamed: true };
  if (path.startsWith('/api/')) return { bytes: MAX_API_BODY_BYTES, streamed: false };
  if (path.startsWith('/webhooks/')) return { bytes: MAX_WEBHOOK_BODY_BYTES, streamed: false };
  return { bytes: MAX_FORM_BYTES, streamed: false };
}

/**
 * The path as the router sees it: `/api/../app/x` is `/app/x`, `%2e%2e` and
 * `//` segments resolved the way the WHATWG URL parser does. Decisions about
 * a path (body limits, which checks apply) are made on this, never on the raw text.
 */
export function normalisedPath(req: Pick<ExpressRequest, 'originalUrl'>): string {
  try {
    return new URL(req.originalUrl, 'http://localhost').pathname;
  } catch {
    return req.originalUrl;
  }
}

/** Thrown into a body stream that went over its limit. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

/** The declared length, when the client declared one. */
function declaredLength(req: ExpressRequest): number | undefined {
  const header = req.headers['content-length'];
  return header === undefined ? undefined : Number(header);
}

/** True when the client declared more than `limit` bytes: refuse without reading a byte. */
export function declaresTooMuch(req: ExpressRequest, limit: number): boolean {
  const length = declaredLength(req);
  return length !== undefined && !(length <= limit);
}

/**
 * Reads the whole body, stopping at `limit` bytes: resolves the bytes, or
 * 'tooLarge' as soon as one byte too many arrived (the rest is never read).
 */
export function readBodyUpTo(req: ExpressRequest, limit: number): Promise<Buffer<ArrayBuffer> | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        req.pause();
        resolve('tooLarge');
      } else chunks.push(chunk);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    // A client that goes away mid-body: nothing to answer.
    const onClose = () => {
      stop();
      reject(new Error('The client closed the connection before the body ended.'));
    };
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
}

/**
 * The body as a web stream that errors with BodyTooLargeError, and calls
 * `onTooLarge`, the moment it passes `limit` bytes. Reading follows the
 * consumer (back-pressure), so a slow database write never piles chunks up.
 */
export function limitedBodyStream(req: ExpressRequest, limit: number, onTooLarge: () => void): ReadableStream<Uint8Array> {
  let size = 0;
  let finished = false;
  const detach = () => {
    finished = true;
    req.off('data', onData);
    req.off('end', onEnd);
    req.off('error', onError);
    req.off('close', onClose);
  };
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      detach();
      req.pause();
      onTooLarge();
      controller.error(new BodyTooLargeError(limit));
      return;
    }
    controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if ((controller.desiredSize ?? 0) <= 0) req.pause();
  };
  const onEnd = () => {
    detach();
    controller.close();
  };
  const onError = (error: Error) => {
    detach();
    controller.error(error);
  };
  const onClose = () => {
    if (finished) return;
    detach();
    controller.error(new Error('The client closed the connection before the body ended.'));
  };
  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        req.on('data', onData);
        req.once('end', onEnd);
        req.once('error', onError);
        req.once('close', onClose);
      },
      pull() {
        if (!finished) req.resume();
      },
      cancel() {
        detach();
      },
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
}
