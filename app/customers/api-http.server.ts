import type { AppLoadContext } from '@remix-run/node';
import type { z } from 'zod';
import type { Database } from '../../db/client.server';
import { hitRateLimit, type RateLimitRule } from '../auth/rate-limit.server';
import { keyAllows, type ApiScope } from '../api/scopes';
import { authenticateApiKey, type ApiKeyIdentity } from './api-keys.server';

/** Requests per key and minute; a CRM sync of 200,000 customers needs 200 batch calls. */
export const API_RATE_LIMIT: RateLimitRule = { limit: 120, windowSeconds: 60 };
/** Failed authentications per client address and minute. */
const API_AUTH_FAILURES: RateLimitRule = { limit: 30, windowSeconds: 60 };
/** A batch of 1,000 customers is about 250 KB of JSON. */
export const MAX_API_BODY_BYTES = 2 * 1024 * 1024;

export interface FieldProblem {
  /** JSON Pointer (RFC 6901) to the offending value in the request body. */
  pointer: string;
  detail: string;
}

/** An RFC 9457 problem response; `errors` lists every bad field. */
export function problem(status: number, title: string, detail?: string, extra: { errors?: FieldProblem[]; headers?: HeadersInit } = {}): Response {
  const body = { type: 'about:blank', title, status, ...(detail ? { detail } : {}), ...(extra.errors ? { errors: extra.errors } : {}) };
  const headers = new Headers(extra.headers);
  headers.set('Content-Type', 'application/problem+json; charset=utf-8');
  headers.set('Cache-Control', 'no-store');
  return new Response(JSON.stringify(body), { status, headers });
}

function pointerOf(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '' : `/${path.map((part) => String(part).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

/** A 422 listing each zod issue at its JSON Pointer. */
export function validationProblem(issues: ReadonlyArray<z.core.$ZodIssue>): Response {
  return problem(422, 'The request body is not valid.', `${issues.length} field${issues.length === 1 ? '' : 's'} need${issues.length === 1 ? 's' : ''} attention; nothing was changed.`, {
    errors: issues.slice(0, 1000).map((issue) => ({ pointer: pointerOf(issue.path), detail: issue.message })),
  });
}

/**
 * Authenticates `Authorization: Bearer <key>`, checks that the key has
 * `scope`, and counts the call against the key's rate limit. Throws a
 * problem response (401, 403, 429) otherwise.
 */
export async function requireApiKey(db: Database, request: Request, context: AppLoadContext, scope: ApiScope): Promise<ApiKeyIdentity> {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('Authorization') ?? '');
  const key = match ? await authenticateApiKey(db, match[1]!) : null;
  if (!key) {
    const failures = await hitRateLimit(db, `api-auth:${context.clientAddress}`, API_AUTH_FAILURES);
    if (failures.limited) throw tooManyRequests(failures.retryAfter);
    throw problem(401, 'A valid API key is required.', 'Send the key of your workspace as "Authorization: Bearer wm_…". Owners create keys under Settings › API keys.', {
      headers: { 'WWW-Authenticate': 'Bearer realm="wouldmiss"' },
    });
  }
  const limit = await hitRateLimit(db, `api:${key.keyId}`, API_RATE_LIMIT);
  if (limit.limited) throw tooManyRequests(limit.retryAfter);
  if (!keyAllows(key.scopes, scope)) {
    throw problem(403, `This API key lacks the scope ${scope}.`, `The key "${key.name}" may use ${key.scopes.join(', ') || 'no scope'}. An owner can create a key with ${scope} under Settings › API keys.`);
  }
  return key;
}

function tooManyRequests(retryAfter: number): Response {
  return problem(429, 'Too many requests.', `Wait ${retryAfter} seconds before the next request.`, { headers: { 'Retry-After': String(retryAfter) } });
}

/** Reads a JSON body of at most MAX_API_BODY_BYTES; throws 413, 415 or 400 problems. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get('Content-Type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) {
    throw problem(415, 'The body must be JSON.', 'Send "Content-Type: application/json".');
  }
  // The rest of the body stays unread, so the connection cannot serve another request.
  const tooLarge = () =>
    problem(413, 'The body is too large.', `Send at most ${MAX_API_BODY_BYTES / 1024 / 1024} MB per request, in batches of up to 1,000.`, { headers: { Connection: 'close' } });
  if (Number(request.headers.get('Content-Length') ?? 0) > MAX_API_BODY_BYTES) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > MAX_API_BODY_BYTES) throw tooLarge();
      chunks.push(chunk);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw problem(400, 'The body is not valid JSON.');
  }
}

/** 405 for methods a resource does not take. */
export function methodNotAllowed(allow: string): Response {
  return problem(405, 'Method not allowed.', `This resource takes ${allow}.`, { headers: { Allow: allow } });
}
