import type { LoaderFunctionArgs } from '@remix-run/node';
import { requireMember } from '~/auth/session.server';
import { db } from '~/db.server';
import { csvResponse, toCsv } from '~/reports/csv';
import { campaignsWithAnswers, listVerbatims, verbatimFiltersSchema } from '~/reports/verbatims.server';

/** The verbatims with the filters of the page, as CSV. */
export async function loader({ request }: LoaderFunctionArgs) {
  const member = await requireMember(db(), request);
  const params = new URL(request.url).searchParams;
  const filters = verbatimFiltersSchema.parse(Object.fromEntries([...params].filter(([, value]) => value !== '')));
  const campaigns = await campaignsWithAnswers(db(), member.workspace.id);
  const campaignId = campaigns.find((c) => c.id === filters.campaignId)?.id ?? campaigns[0]?.id;
  const rows = campaignId ? await listVerbatims(db(), member.workspace.id, campaignId, filters, 100_000) : [];
  return csvResponse(
    `verbatims-${member.workspace.slug}.csv`,
    toCsv(
      ['completed_at', 'question', 'text', 'customer', 'tier', 'miss_us', 'flags'],
      rows.map((v) => [v.completedAt, v.item, v.text, v.customerName, v.tier, v.missUs, v.flagKinds.join(' ')]),
    ),
  );
}
