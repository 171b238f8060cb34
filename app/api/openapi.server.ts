import { z } from 'zod';
import type { ApiEndpoint } from './endpoints.server';
import { apiEndpoints } from './endpoints.server';
import { problemSchema } from './schemas.server';

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of a zod schema, as a request (`input`) or response (`output`) sees it. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  // Refinements (e.g. "no repeated external ids") cannot be expressed; the API still checks them and answers 422.
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

const problemRef = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemRef } } });

/** `/api/v1/flags/:flagId` → `/api/v1/flags/{flagId}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function operation(endpoint: ApiEndpoint) {
  const pathParams = [...endpoint.path.matchAll(/:(\w+)/g)].map((match) => ({ name: match[1]!, in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }));
  const query = endpoint.query
    ? Object.entries(jsonSchema(endpoint.query, 'input').properties as Record<string, JsonSchema>).map(([name, schema]) => ({
        name,
        in: 'query',
        required: ((jsonSchema(endpoint.query!, 'input').required as string[] | undefined) ?? []).includes(name),
        ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
        schema,
      }))
    : [];
  const parameters = [...pathParams, ...query];
  const responses: Record<string, unknown> = {
    200: { description: 'Success', content: { 'application/json': { schema: jsonSchema(endpoint.response, 'output') } } },
  };
  if (endpoint.scope) {
    responses[401] = problemResponse('No valid API key was sent.');
    responses[403] = problemResponse(`The key lacks the scope ${endpoint.scope}.`);
    responses[429] = problemResponse('Too many requests; see the Retry-After header.');
  }
  if (endpoint.body) {
    responses[400] = problemResponse('The body is not valid JSON.');
    responses[413] = problemResponse('The body is too large.');
    responses[415] = problemResponse('The body is not JSON.');
  }
  if (endpoint.body || endpoint.query) responses[422] = problemResponse('A field is not valid; `errors` lists each one with a JSON Pointer.');
  if (pathParams.length > 0) responses[404] = problemResponse('Nothing of this workspace has this id.');
  if (endpoint.conflict) responses[409] = problemResponse(endpoint.conflict);
  return {
    operationId: endpoint.operationId,
    tags: [endpoint.tag],
    summary: endpoint.summary,
    description: endpoint.scope ? `${endpoint.description}\n\nScope: \`${endpoint.scope}\`.` : endpoint.description,
    ...(endpoint.scope ? { 'x-scope': endpoint.scope } : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(endpoint.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(endpoint.body, 'input'), ...(endpoint.example ? { example: endpoint.example } : {}) } },
          },
        }
      : {}),
    responses,
  };
}

/**
 * The OpenAPI 3.1 description of `/api/v1`, generated from the endpoints'
 * zod schemas. `origin` is where the API is served, e.g. `https://app.example`.
 */
export function buildOpenApiDocument(origin: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const endpoint of apiEndpoints) {
    (paths[openApiPath(endpoint.path)] ??= {})[endpoint.method] = operation(endpoint);
  }
  return {
    openapi: '3.1.0' as const,
    info: {
      title: 'Wouldmiss API',
      version: '1',
      description:
        'Keeps customers and tiers in step with a CRM and reads answers, flags and tier figures back. Send a key of your workspace as `Authorization: Bearer wm_…`; owners create keys, with their scopes, under Settings › API keys. Refusals are RFC 9457 problems.',
    },
    servers: [{ url: origin }],
    security: [{ apiKey: [] }],
    tags: [...new Set(apiEndpoints.map((endpoint) => endpoint.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A workspace API key, `wm_…`.' } },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
