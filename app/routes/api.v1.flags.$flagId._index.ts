import type { LoaderFunctionArgs } from '@remix-run/node';
import { getFlagEndpoint } from '~/api/endpoints.server';
import { handleApi } from '~/api/handle.server';
import { getFlagForApi } from '~/api/read-flags.server';
import { problem } from '~/customers/api-http.server';
import { db } from '~/db.server';

/** `GET /api/v1/flags/:flagId`: one flag with its history. */
export function loader(args: LoaderFunctionArgs) {
  return handleApi(getFlagEndpoint, args, async ({ key, params }) => {
    const flag = await getFlagForApi(db(), key.workspaceId, params.flagId ?? '');
    return flag ?? problem(404, 'No such flag.', 'This workspace has no flag with this id.');
  });
}
