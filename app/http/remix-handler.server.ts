import type { AppLoadContext, ServerBuild } from '@remix-run/node';
import { createRequestHandler, writeReadableStreamToWritable } from '@remix-run/node';
import type { Request as ExpressRequest, RequestHandler, Response as ExpressResponse } from 'express';
import { bodyLimitFor, declaresTooMuch, limitedBodyStream, normalisedPath, readBodyUpTo } from './body-limit.server';

/**
 * Remix behind Express, like @remix-run/express's handler, except for the
 * request body: that adapter hands Remix the raw socket stream, so a chunked
 * body (or a route that calls `request.text()`) was read whole, however
 * large. Here every body passes one limit (bodyLimitFor) before or while a
 * route reads it, and one byte too many gets 413 and a closed connection.
 */
export function remixHandler(options: {
  build: ServerBuild;
  mode: 'production' | 'development';
  getLoadContext: (req: ExpressRequest, res: ExpressResponse) => AppLoadContext;
}): RequestHandler {
  const handle = createRequestHandler(options.build, options.mode);
  return async (req, res, next) => {
    try {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      const limit = bodyLimitFor(normalisedPath(req));
      // A streamed route answers a declared oversize itself, with its page (the upload's "file is larger than 32 MB").
      if (hasBody && !limit.streamed && declaresTooMuch(req, limit.bytes)) return refuseTooLarge(req, res, limit.bytes);

      const controller = new AbortController();
      let tooLarge!: Promise<'tooLarge'>;
      let body: BodyInit | undefined;
      if (hasBody && limit.streamed) {
        tooLarge = new Promise((resolve) => (body = limitedBodyStream(req, limit.bytes, () => resolve('tooLarge'))));
      } else if (hasBody) {
        const read = await readBodyUpTo(req, limit.bytes);
        if (read === 'tooLarge') return refuseTooLarge(req, res, limit.bytes);
        body = read;
      }
      // Abort loaders and actions once the response can no longer be written (as @remix-run/express does).
      let finished = false;
      res.on('finish', () => (finished = true));
      res.on('close', () => finished || controller.abort());

      const request = new Request(remixUrl(req), {
        method: req.method,
        headers: remixHeaders(req),
        signal: controller.signal,
        ...(body === undefined ? {} : { body, duplex: 'half' }),
      } as RequestInit);
      const pending = handle(request, options.getLoadContext(req, res));
      const response = limit.streamed && hasBody ? await Promise.race([pending, tooLarge]) : await pending;
      if (response === 'tooLarge') {
        // The route keeps its error to itself; its answer is not sent.
        pending.catch(() => undefined);
        controller.abort();
        return refuseTooLarge(req, res, limit.bytes);
      }
      // A body the route left unread would be drained before the connection
      // could carry another request: close it instead.
      if (hasBody && !req.readableEnded) response.headers.set('Connection', 'close');
      await sendResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}

/** The request's URL as @remix-run/express builds it (host and port respect the trust proxy setting). */
function remixUrl(req: ExpressRequest): string {
  const forwardedPort = Number.parseInt(req.get('X-Forwarded-Host')?.split(':')[1] ?? '', 10);
  const hostPort = Number.parseInt(req.get('Host')?.split(':')[1] ?? '', 10);
  const port = Number.isSafeInteger(forwardedPort) ? forwardedPort : Number.isSafeInteger(hostPort) ? hostPort : '';
  return new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ''}${req.originalUrl}`).href;
}

function remixHeaders(req: ExpressRequest): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else if (value) headers.set(name, value);
  }
  return headers;
}

async function sendResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.statusMessage = response.statusText;
  res.status(response.status);
  for (const [name, value] of response.headers.entries()) res.append(name, value);
  if (/text\/event-stream/i.test(response.headers.get('Content-Type') ?? '')) res.flushHeaders();
  if (response.body) await writeReadableStreamToWritable(response.body, res);
  else res.end();
}

/** 413 and a closed connection: the rest of the body is never read. */
function refuseTooLarge(req: ExpressRequest, res: ExpressResponse, limit: number): void {
  res.set('Connection', 'close');
  if (normalisedPath(req).startsWith('/api/')) {
    res
      .status(413)
      .type('application/problem+json; charset=utf-8')
      .send(JSON.stringify({ type: 'about:blank', title: 'The body is too large.', status: 413, detail: `Send at most ${limit / 1024 / 1024} MB per request, in batches of up to 1,000.` }));
  } else {
    res.status(413).type('text/plain; charset=utf-8').send('The request is too large.');
  }
}
