import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { csvResponse } from '~/reports/csv';
import { tierReviewCsv } from '~/reports/review-csv';
import { parseReviewRange, tierReview } from '~/reports/tier-review.server';

/** The quarterly tier review table as CSV. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const range = parseReviewRange(new URL(request.url).searchParams);
  const review = await tierReview(db(), member.workspace.id, range);
  return csvResponse(`tier-review-${member.workspace.slug}.csv`, tierReviewCsv(review));
}
