import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { listCustomersEndpoint, upsertCustomersEndpoint } from '~/api/endpoints.server';
import { handleApi } from '~/api/handle.server';
import { listCustomersForApi } from '~/api/read-customers.server';
import { upsertCustomersFromApi } from '~/customers/api-sync.server';
import { db } from '~/db.server';

/** `GET /api/v1/customers`: a page of customers with tiers and account owner. */
export function loader(args: LoaderFunctionArgs) {
  return handleApi(listCustomersEndpoint, args, ({ key, query }) => listCustomersForApi(db(), key.workspaceId, query));
}

/**
 * `POST /api/v1/customers` with `{ "customers": [{ "externalId", "email",
 * "name"?, "company"?, "locale"? }] }`, up to 1,000 per request: upserts by
 * external id, all or nothing. Answers `{ "created", "updated" }`.
 */
export function action(args: ActionFunctionArgs) {
  return handleApi(upsertCustomersEndpoint, args, ({ key, body }) => upsertCustomersFromApi(db(), key.workspaceId, body));
}
