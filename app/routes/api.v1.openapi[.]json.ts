import type { LoaderFunctionArgs } from '@remix-run/node';
import { buildOpenApiDocument } from '~/api/openapi.server';

/** `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 description; public, like any API reference. */
export function loader({ request }: LoaderFunctionArgs) {
  const document = buildOpenApiDocument(new URL(request.url).origin);
  return new Response(JSON.stringify(document), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' },
  });
}
