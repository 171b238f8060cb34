import type { LoaderFunctionArgs } from '@remix-run/node';
import { tierReviewEndpoint } from '~/api/endpoints.server';
import { handleApi } from '~/api/handle.server';
import { tierReviewForApi } from '~/api/read-review.server';
import { db } from '~/db.server';

/** `GET /api/v1/reports/tier-review`: the quarterly figures per tier. */
export function loader(args: LoaderFunctionArgs) {
  return handleApi(tierReviewEndpoint, args, ({ key, query }) => tierReviewForApi(db(), key.workspaceId, query));
}
