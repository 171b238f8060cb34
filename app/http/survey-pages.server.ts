import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerBuild } from '@remix-run/node';
import type { RequestHandler, Request as ExpressRequest, Response as ExpressResponse } from 'express';
import type { Env } from '../config/env.server';
import type { SurveyForm, SurveyReply, SurveyRequest, surveyPageReply, surveyPostReply } from '../surveys/customer-pages.server';
import { tokenPageHeaders } from '../surveys/invitation-token.server';
import { isSameOriginPost } from './form-origin.server';
import { MAX_FORM_BYTES } from './request.server';

/**
 * The customer's survey at /s/<token>, answered straight from Express ahead
 * of Remix: the pages are whole documents rendered by the survey code
 * (`surveyPageReply`, `surveyPostReply`, exported by the server
 * build's entry, which bundles the pages' styles and components), so Remix's request pipeline,
 * the per-request CSP nonce and helmet would only add cost (about half the
 * CPU time of a page; docs/decisions/0007-survey-answering.md). The security
 * properties are kept here, as fixed headers worked out once.
 */

const surveyPath = /^\/s\/([^/]+)$/;

/**
 * A page request that needs nothing of Express: GET or HEAD of /s/ and a
 * well-formed token (base64url), with or without a query. Anything else
 * under /s/ (a malformed or percent-encoded token, a post) is answered by
 * the handler in Express, with the same checks.
 */
const pageUrl = /^\/s\/([A-Za-z0-9_-]+)(?:\?|$)/;

/** The token of a survey page request that can be answered on the plain Node request, or null. */
export function plainSurveyPageToken(req: IncomingMessage): string | null {
  if (req.method !== 'GET' && req.method !== 'HEAD') return null;
  return pageUrl.exec(req.url ?? '')?.[1] ?? null;
}

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

/** The raw form body, read only up to the size the app accepts. */
function readBody(req: ExpressRequest): Promise<Buffer<ArrayBuffer> | 'tooLarge'> {
  if (Number(req.get('Content-Length') ?? 0) > MAX_FORM_BYTES) return Promise.resolve('tooLarge');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve('tooLarge');
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The posted form's fields. The survey's forms send urlencoded bodies, read
 * directly; multipart (a hand-made post) goes through the web FormData
 * parser, with an uploaded file standing in as a NUL character, which no
 * answer may contain. Text with NUL characters cannot be stored, so such a
 * form is refused like an unreadable one (as readFormData does elsewhere).
 */
async function surveyForm(contentType: string | undefined, body: Buffer<ArrayBuffer> | 'tooLarge'): Promise<SurveyForm> {
  if (body === 'tooLarge') return { refused: 'tooLarge' };
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let fields: URLSearchParams;
  if (type === 'application/x-www-form-urlencoded') {
    fields = new URLSearchParams(body.toString('utf8'));
    for (const value of fields.values()) if (value.includes('\u0000')) return { refused: 'unreadable' };
  } else if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'Content-Type': contentType! } }).formData();
    } catch {
      return { refused: 'unreadable' };
    }
    fields = new URLSearchParams();
    for (const [name, value] of form) {
      if (typeof value === 'string' && value.includes('\u0000')) return { refused: 'unreadable' };
      fields.append(name, typeof value === 'string' ? value : '\u0000');
    }
  } else return { refused: 'unreadable' };
  return fields;
}

/** What the survey code needs of a request: the query, the two headers that choose a language on error pages, the client. */
function surveyRequest(req: IncomingMessage, url: string, token: string, clientAddress: string | undefined): SurveyRequest {
  const queryStart = url.indexOf('?');
  return {
    token,
    query: new URLSearchParams(queryStart < 0 ? '' : url.slice(queryStart + 1)),
    clientAddress: clientAddress ?? req.socket.remoteAddress ?? 'unknown',
    cookie: req.headers.cookie,
    acceptLanguage: req.headers['accept-language'],
  };
}

/** What app/entry.server.tsx exports for the survey. */
interface SurveyEntry {
  surveyPageReply: typeof surveyPageReply;
  surveyPostReply: typeof surveyPostReply;
}

export interface SurveyPages {
  /** Answers GET, HEAD and POST of /s/<token> in Express; every other path goes on to the next handler. */
  handler: RequestHandler;
  /**
   * Answers a page request on the plain Node request and response, ahead of
   * Express (`plainSurveyPageToken` tells which): Express's request set-up
   * and router were a sixth of a page's server time. `clientAddress` is the
   * address Express would give as `req.ip` (the same proxy trust).
   */
  page(req: IncomingMessage, res: ServerResponse, token: string, clientAddress: string | undefined): void;
}

/** The survey's pages and step submissions. */
export function surveyPages(build: ServerBuild, env: Env): SurveyPages {
  const { surveyPageReply, surveyPostReply } = build.entry.module as unknown as SurveyEntry;
  if (typeof surveyPageReply !== 'function') throw new Error('The server build does not export the survey pages; run `npm run build`.');
  const security = securityHeaders(env);
  // Plain Node response methods: one header object per reply, no ETag (a page that is never cached).
  const send = (res: ServerResponse, reply: SurveyReply) => {
    res.writeHead(reply.status, { ...security, ...reply.headers, 'Content-Length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  };
  const refuse = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) =>
    send(res, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body: message });

  const nulRefused = (res: ServerResponse) => refuse(res, 400, 'The address contains characters that are not allowed.');

  const page = (req: IncomingMessage, res: ServerResponse, token: string, clientAddress: string | undefined) => {
    const url = req.url ?? '';
    if (url.includes('%00')) return nulRefused(res);
    surveyPageReply(surveyRequest(req, url, token, clientAddress)).then(
      (reply) => send(res, reply),
      (error: unknown) => {
        console.error(error);
        if (res.headersSent) res.destroy();
        else refuse(res, 500, 'Internal Server Error');
      },
    );
  };

  const handler: RequestHandler = (req: ExpressRequest, res: ExpressResponse, next) => {
    const match = surveyPath.exec(req.path);
    if (!match) return next();
    // NUL characters cannot reach PostgreSQL text; a URL carrying one is refused up front.
    if (req.originalUrl.includes('%00')) return nulRefused(res);
    // The raw path segment: tokens are base64url, anything percent-encoded is no token.
    const request = surveyRequest(req, req.originalUrl, match[1]!, req.ip);
    if (req.method === 'GET' || req.method === 'HEAD') {
      surveyPageReply(request).then((reply) => send(res, reply), next);
      return;
    }
    if (req.method !== 'POST') return refuse(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD, POST' });
    // The token authorises the post, but a form on another site must not
    // answer for a customer whose link it learnt (same rule as every form).
    if (!isSameOriginPost(req, env.APP_URL)) return refuse(res, 403, 'Cross-origin form posts are refused.');
    readBody(req)
      .then((body) => surveyForm(req.headers['content-type'], body))
      .then((form) => surveyPostReply(request, form))
      .then((reply) => send(res, reply), next);
  };
  return { handler, page };
}
