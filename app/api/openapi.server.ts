import { z } from 'zod';
import type { ApiEndpoint } from './endpoints.server';
import { apiEndpoints } from './endpoints.server';
import { problemSchema } from './schemas.server';
import { webhookEvents, webhookEventTypes } from '../webhooks/events';

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

const webhookHeaders = [
  ['webhook-id', 'The event id, `evt_…`: the same on every retry and replay, so a receiver can drop repeats.'],
  ['webhook-timestamp', 'Seconds since 1970 when this attempt was signed; refuse attempts more than five minutes off.'],
  ['webhook-signature', 'Standard Webhooks signature: `v1,` and the base64 HMAC-SHA256, keyed with the endpoint\'s secret, of `id.timestamp.body`.'],
].map(([name, description]) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } }));

/** OpenAPI 3.1 `webhooks`: what the workspace's registered endpoints receive, generated from the payloads' zod schemas. */
function webhookOperations() {
  return Object.fromEntries(
    webhookEventTypes.map((type) => {
      const event = webhookEvents[type];
      return [
        type,
        {
          post: {
            operationId: `webhook_${type.replace(/[._]/g, '_')}`,
            tags: ['Webhooks'],
            summary: event.summary,
            description: `${event.description}\n\nOwners register endpoints and choose their events under Settings › Webhooks. Deliveries are signed as the Standard Webhooks specification says, retried with growing pauses for 24 hours, and sent in order for each customer.`,
            parameters: webhookHeaders,
            requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(event.payload, 'output') } } },
            responses: { '2XX': { description: 'Received. Any other status, a redirect, or no answer within 10 seconds is a failure and is retried.' } },
            security: [],
          },
        },
      ];
    }),
  );
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
    tags: [...new Set([...apiEndpoints.map((endpoint) => endpoint.tag), 'Webhooks'])].map((name) => ({ name })),
    paths,
    webhooks: webhookOperations(),
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A workspace API key, `wm_…`.' } },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildOpenApiDocument>;
