import type { ActionFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { methodNotAllowed, readJsonBody, requireApiKey, validationProblem } from '~/customers/api-http.server';
import { upsertCustomersFromApi, upsertCustomersBody } from '~/customers/api-sync.server';
import { db } from '~/db.server';

/**
 * `POST /api/v1/customers` with `{ "customers": [{ "externalId", "email",
 * "name"?, "company"?, "locale"? }] }`, up to 1,000 per request: upserts by
 * external id, all or nothing. Answers `{ "created", "updated" }`.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed('POST');
  const key = await requireApiKey(db(), request, context);
  const parsed = upsertCustomersBody.safeParse(await readJsonBody(request));
  if (!parsed.success) return validationProblem(parsed.error.issues);
  return json(await upsertCustomersFromApi(db(), key.workspaceId, parsed.data));
}

export function loader() {
  return methodNotAllowed('POST');
}
