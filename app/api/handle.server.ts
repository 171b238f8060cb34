import type { AppLoadContext } from '@remix-run/node';
import type { z } from 'zod';
import type { ApiKeyIdentity } from '../customers/api-keys.server';
import { methodNotAllowed, problem, readJsonBody, requireApiKey, validationProblem } from '../customers/api-http.server';
import { db } from '../db.server';
import { apiEndpoints, type ApiEndpoint } from './endpoints.server';

interface RouteArgs {
  request: Request;
  context: AppLoadContext;
  params: Record<string, string | undefined>;
}

type Input<Q, B> = {
  key: ApiKeyIdentity;
  query: Q extends z.ZodType ? z.output<Q> : undefined;
  body: B extends z.ZodType ? z.output<B> : undefined;
  params: Record<string, string | undefined>;
};

/**
 * Runs one API operation the way its endpoint describes it: the method, the
 * key and its scope, the query and the body parsed with the endpoint's own
 * schemas (422 with every bad field otherwise), then `run`. What `run`
 * returns is sent as JSON; a Response it returns or throws goes out as is.
 */
export async function handleApi<Q extends z.ZodObject, B extends z.ZodType, R extends z.ZodType>(
  endpoint: ApiEndpoint<Q, B, R>,
  { request, context, params }: RouteArgs,
  run: (input: Input<Q, B>) => Promise<z.input<R> | Response>,
): Promise<Response> {
  if (request.method.toLowerCase() !== endpoint.method) {
    return methodNotAllowed(apiEndpoints.filter((other) => other.path === endpoint.path).map((other) => other.method.toUpperCase()).join(', '));
  }
  const key = await requireApiKey(db(), request, context, endpoint.scope!);
  let query: unknown;
  if (endpoint.query) {
    const parsed = endpoint.query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) {
      return problem(422, 'The query is not valid.', 'See errors: each names a query parameter.', {
        errors: parsed.error.issues.map((issue) => ({ pointer: `/${issue.path.join('/')}`, detail: issue.message })),
      });
    }
    query = parsed.data;
  }
  let body: unknown;
  if (endpoint.body) {
    const parsed = endpoint.body.safeParse(await readJsonBody(request));
    if (!parsed.success) return validationProblem(parsed.error.issues);
    body = parsed.data;
  }
  const result = await run({ key, query, body, params } as Input<Q, B>);
  if (result instanceof Response) return result;
  return new Response(JSON.stringify(result), { headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' } });
}
