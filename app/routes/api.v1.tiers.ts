import type { ActionFunctionArgs } from '@remix-run/node';
import { setTiersEndpoint } from '~/api/endpoints.server';
import { handleApi } from '~/api/handle.server';
import { methodNotAllowed, problem } from '~/customers/api-http.server';
import { setTiersFromApi } from '~/customers/api-sync.server';
import { db } from '~/db.server';

/**
 * `POST /api/v1/tiers` with `{ "period": "2026-Q4", "assignments": [{
 * "externalId", "tier", "revenue"?, "margin"? }] }`, up to 1,000 per
 * request: sets each customer's tier in the period, all or nothing. Answers
 * `{ "period", "assigned", "tiers": { label: customers in the period } }`.
 */
export function action(args: ActionFunctionArgs) {
  return handleApi(setTiersEndpoint, args, async ({ key, body }) => {
    const result = await setTiersFromApi(db(), key.workspaceId, body);
    if (!result.ok) return problem(422, 'The request body is not valid.', 'Nothing was changed.', { errors: result.errors });
    return result.value;
  });
}

export function loader() {
  return methodNotAllowed('POST');
}
