import type { LoaderFunctionArgs } from '@remix-run/node';
import { listFlagsEndpoint } from '~/api/endpoints.server';
import { handleApi } from '~/api/handle.server';
import { listFlagsForApi } from '~/api/read-flags.server';
import { db } from '~/db.server';

/** `GET /api/v1/flags`: a page of flags with their history. */
export function loader(args: LoaderFunctionArgs) {
  return handleApi(listFlagsEndpoint, args, ({ key, query }) => listFlagsForApi(db(), key.workspaceId, query));
}
