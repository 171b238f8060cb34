import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { translator } from '~/i18n';
import { resolveLocale } from '~/i18n/locale.server';
import { csvFormatOf, csvResponse } from '~/reports/csv';
import { tierReviewCsv } from '~/reports/review-csv';
import { parseReviewRange, tierReview } from '~/reports/tier-review.server';

/** The quarterly tier review table as CSV, in the member's words; German Excel unless ?format=international. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const [review, locale] = await Promise.all([tierReview(db(), member.workspace.id, parseReviewRange(params)), resolveLocale(request, member.user.locale)]);
  return csvResponse(`tier-review-${member.workspace.slug}.csv`, tierReviewCsv(review, { format: csvFormatOf(params), words: translator(locale) }));
}
