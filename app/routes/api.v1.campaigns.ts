import type { LoaderFunctionArgs } from '@remix-run/node';
import { listCampaignsEndpoint } from '~/api/endpoints.server';
import { handleApi } from '~/api/handle.server';
import { listCampaignsForApi } from '~/api/read-campaigns.server';
import { db } from '~/db.server';

/** `GET /api/v1/campaigns`: a page of campaigns with their funnel counts. */
export function loader(args: LoaderFunctionArgs) {
  return handleApi(listCampaignsEndpoint, args, ({ key, query }) => listCampaignsForApi(db(), key.workspaceId, query));
}
