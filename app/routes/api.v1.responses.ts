import type { LoaderFunctionArgs } from '@remix-run/node';
import { listResponsesEndpoint } from '~/api/endpoints.server';
import { handleApi } from '~/api/handle.server';
import { listResponsesForApi } from '~/api/read-responses.server';
import { db } from '~/db.server';

/** `GET /api/v1/responses`: a page of responses with the tier at the time. */
export function loader(args: LoaderFunctionArgs) {
  return handleApi(listResponsesEndpoint, args, ({ key, query }) => listResponsesForApi(db(), key.workspaceId, query));
}
