import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { buildOpenApiDocument } from '~/api/openapi.server';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';

interface Operation {
  operationId: string;
  summary: string;
  description: string;
  'x-scope'?: string;
  parameters?: Array<{ name: string; in: string; required: boolean; description?: string; schema: Record<string, unknown> }>;
  requestBody?: { content: { 'application/json': { schema: unknown; example?: unknown } } };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

/** The reference reads the served OpenAPI document, so the page and the document cannot disagree. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireMember(db(), request);
  const origin = new URL(request.url).origin;
  const document = buildOpenApiDocument(origin);
  const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, raw]) => {
      const operation = raw as Operation;
      const success = operation.responses['200']?.content?.['application/json']?.schema;
      const body = operation.requestBody?.content['application/json'];
      return {
        id: operation.operationId,
        method: method.toUpperCase(),
        path,
        summary: operation.summary,
        description: operation.description.split('\n\nScope:')[0]!,
        scope: operation['x-scope'] ?? null,
        parameters: (operation.parameters ?? []).map((parameter) => ({ name: parameter.name, in: parameter.in, required: parameter.required, description: parameter.description ?? '' })),
        body: body ? JSON.stringify(body.schema, null, 2) : null,
        example: body?.example ? JSON.stringify(body.example, null, 2) : null,
        response: success ? JSON.stringify(success, null, 2) : null,
        refusals: Object.entries(operation.responses)
          .filter(([status]) => status !== '200')
          .map(([status, response]) => `${status} ${response.description}`),
      };
    }),
  );
  return json({ base: `${origin}/api/v1`, operations });
}

// Schemas and paths are long words: the blocks scroll on their own and paths break, so a phone never scrolls sideways.
const blockStyle = { overflowX: 'auto', maxWidth: '100%' } as const;
const wrapStyle = { overflowWrap: 'anywhere', minWidth: 0 } as const;

export default function ApiReference() {
  const { t } = useTranslation();
  const { base, operations } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="api-reference-title" style={wrapStyle}>
      <h2 id="api-reference-title">{t('api.referenceTitle')}</h2>
      <p className="muted">
        {t('api.referenceIntro', { base })} <a href="/api/v1/openapi.json">{t('api.download')}</a>
      </p>
      <nav aria-label={t('api.referenceTitle')}>
        <ul>
          {operations.map((operation) => (
            <li key={operation.id}>
              <a href={`#${operation.id}`}>
                <code>{`${operation.method} ${operation.path}`}</code>
              </a>{' '}
              {operation.summary}
            </li>
          ))}
        </ul>
      </nav>
      {operations.map((operation) => (
        <article key={operation.id} id={operation.id} className="card" aria-labelledby={`${operation.id}-title`} style={wrapStyle}>
          <h3 id={`${operation.id}-title`}>
            <code>{`${operation.method} ${operation.path}`}</code> · {operation.summary}
          </h3>
          <p>{operation.description}</p>
          <p>{operation.scope ? <>{t('api.scope')} <code>{operation.scope}</code>.</> : t('api.noKey')}</p>
          {operation.parameters.length > 0 ? (
            <>
              <h4>{t('api.parameters')}</h4>
              <ul>
                {operation.parameters.map((parameter) => (
                  <li key={`${parameter.in}-${parameter.name}`}>
                    <code>{parameter.name}</code> ({parameter.in}
                    {parameter.required ? `, ${t('api.required')}` : ''}){parameter.description ? ` – ${parameter.description}` : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {operation.example ? (
            <>
              <h4>{t('api.example')}</h4>
              <pre tabIndex={0} style={blockStyle}>{operation.example}</pre>
            </>
          ) : null}
          {operation.body ? (
            <details>
              <summary>{t('api.requestBody')}</summary>
              <pre tabIndex={0} style={blockStyle}>{operation.body}</pre>
            </details>
          ) : null}
          {operation.response ? (
            <details>
              <summary>{t('api.response')}</summary>
              <pre tabIndex={0} style={blockStyle}>{operation.response}</pre>
            </details>
          ) : null}
          {operation.refusals.length > 0 ? (
            <>
              <h4>{t('api.errors')}</h4>
              <ul>
                {operation.refusals.map((refusal) => (
                  <li key={refusal}>{refusal}</li>
                ))}
              </ul>
            </>
          ) : null}
        </article>
      ))}
    </section>
  );
}
