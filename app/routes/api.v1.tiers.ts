import type { ActionFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { methodNotAllowed, problem, readJsonBody, requireApiKey, validationProblem } from '~/customers/api-http.server';
import { setTiersBody, setTiersFromApi } from '~/customers/api-sync.server';
import { db } from '~/db.server';

/**
 * `POST /api/v1/tiers` with `{ "period": "2026-Q4", "assignments": [{
 * "externalId", "tier", "revenue"?, "margin"? }] }`, up to 1,000 per
 * request: sets each customer's tier in the period, all or nothing. Answers
 * `{ "period", "assigned", "tiers": { label: customers in the period } }`.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return methodNotAllowed('POST');
  const key = await requireApiKey(db(), request, context);
  const parsed = setTiersBody.safeParse(await readJsonBody(request));
  if (!parsed.success) return validationProblem(parsed.error.issues);
  const result = await setTiersFromApi(db(), key.workspaceId, parsed.data);
  if (!result.ok) return problem(422, 'The request body is not valid.', 'Nothing was changed.', { errors: result.errors });
  return json(result.value);
}

export function loader() {
  return methodNotAllowed('POST');
}
