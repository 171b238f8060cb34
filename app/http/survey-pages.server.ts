import type { ServerBuild } from '@remix-run/node';
import type { RequestHandler, Request as ExpressRequest, Response as ExpressResponse } from 'express';
import type { Env } from '../config/env.server';
import type { surveyPageResponse, surveyPostResponse } from '../surveys/customer-pages.server';
import { tokenPageHeaders } from '../surveys/invitation-token.server';
import { isSameOriginPost } from './form-origin.server';
import { MAX_FORM_BYTES } from './request.server';

/**
 * The customer's survey at /s/<token>, answered straight from Express ahead
 * of Remix: the pages are whole documents rendered by the survey code
 * (`surveyPageResponse`, `surveyPostResponse`, exported by the server
 * build's entry, which bundles the pages' styles and components), so Remix's request pipeline,
 * the per-request CSP nonce and helmet would only add cost (about half the
 * CPU time of a page; docs/decisions/0007-survey-answering.md). The security
 * properties are kept here, as fixed headers worked out once.
 */

const surveyPath = /^\/s\/([^/]+)$/;

/**
 * Headers of every response under /s/ (pages, redirects, refusals), each
 * set once. The pages load one same-origin script file and no inline
 * script, so the CSP needs no nonce.
 */
function securityHeaders(env: Env): Record<string, string> {
  const https = env.APP_URL.startsWith('https:');
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
  return {
    ...tokenPageHeaders,
    'Content-Security-Policy': csp,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Origin-Agent-Cluster': '?1',
    'X-Content-Type-Options': 'nosniff',
    'X-DNS-Prefetch-Control': 'off',
    'X-Frame-Options': 'DENY',
    'X-Permitted-Cross-Domain-Policies': 'none',
    ...(https ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

type BodyRead = { body: Buffer<ArrayBuffer> } | { tooLarge: number };

/** The raw form body, read only up to the size the app accepts. */
function readBody(req: ExpressRequest): Promise<BodyRead> {
  const declared = Number(req.get('Content-Length') ?? 0);
  if (declared > MAX_FORM_BYTES) return Promise.resolve({ tooLarge: declared });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve({ tooLarge: size });
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks) }));
    req.on('error', reject);
  });
}

/**
 * The web Request the survey code reads: its URL (the query), the headers
 * that choose a language, and the form. A body over the limit is left out
 * and its size reported, so `readFormData` answers 413 as it does everywhere.
 */
function webRequest(req: ExpressRequest, appUrl: string, read?: BodyRead): Request {
  const headers = new Headers();
  for (const name of ['accept-language', 'cookie', 'content-type'] as const) {
    const value = req.headers[name];
    if (typeof value === 'string') headers.set(name, value);
  }
  const url = appUrl + req.originalUrl;
  if (!read) return new Request(url, { method: 'GET', headers });
  if ('tooLarge' in read) {
    headers.set('content-length', String(read.tooLarge));
    return new Request(url, { method: 'POST', headers });
  }
  return new Request(url, { method: 'POST', headers, body: read.body });
}

function refuse(res: ExpressResponse, status: number, message: string) {
  res.status(status).type('text/plain').end(message);
}

async function send(res: ExpressResponse, response: Response) {
  res.status(response.status);
  response.headers.forEach((value, name) => res.setHeader(name, value));
  const body = await response.text();
  res.setHeader('Content-Length', Buffer.byteLength(body));
  // `end`, not `send`: no ETag to compute for a page that is never cached.
  res.end(body);
}

/** What app/entry.server.tsx exports for the survey. */
interface SurveyEntry {
  surveyPageResponse: typeof surveyPageResponse;
  surveyPostResponse: typeof surveyPostResponse;
}

/** Answers GET, HEAD and POST of /s/<token>; every other path goes on to the next handler. */
export function surveyPages(build: ServerBuild, env: Env): RequestHandler {
  const { surveyPageResponse, surveyPostResponse } = build.entry.module as unknown as SurveyEntry;
  if (typeof surveyPageResponse !== 'function') throw new Error('The server build does not export the survey pages; run `npm run build`.');
  const headers = securityHeaders(env);
  return (req, res, next) => {
    const match = surveyPath.exec(req.path);
    if (!match) return next();
    res.set(headers);
    // NUL characters cannot reach PostgreSQL text; a URL carrying one is refused up front.
    if (req.originalUrl.includes('%00')) return refuse(res, 400, 'The address contains characters that are not allowed.');
    // The raw path segment: tokens are base64url, anything percent-encoded is no token.
    const token = match[1];
    const clientAddress = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    if (req.method === 'GET' || req.method === 'HEAD') {
      surveyPageResponse(webRequest(req, env.APP_URL), token, clientAddress).then((response) => send(res, response), next);
      return;
    }
    if (req.method !== 'POST') {
      res.set('Allow', 'GET, HEAD, POST');
      return refuse(res, 405, 'Method not allowed.');
    }
    // The token authorises the post, but a form on another site must not
    // answer for a customer whose link it learnt (same rule as every form).
    if (!isSameOriginPost(req, env.APP_URL)) return refuse(res, 403, 'Cross-origin form posts are refused.');
    readBody(req)
      .then((read) => surveyPostResponse(webRequest(req, env.APP_URL, read), token, clientAddress))
      .then((response) => send(res, response), next);
  };
}
