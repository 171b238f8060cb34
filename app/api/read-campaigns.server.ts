import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { selectRows, type Database } from '../../db/client.server';
import { campaignStatuses } from '../../db/schema';
import { pageOf, pageQuery, toPage } from './pagination';
import { isoTimestamp, jsonValue, keysetConditions } from './sql.server';

export const listCampaignsQuery = z.object(pageQuery);

const count = z.int().min(0);
export const apiCampaign = z.object({
  id: z.uuid(),
  name: z.string(),
  period: z.string(),
  status: z.enum(campaignStatuses),
  funnel: z.object({ invited: count, sent: count, delivered: count, opened: count, started: count, completed: count, bounced: count, unsubscribed: count, complained: count }),
  launchedAt: z.iso.datetime().nullable(),
  closesAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime().describe('The latest of created, launched and closed; the funnel moves without it.'),
});
export const campaignsPage = pageOf(apiCampaign);

/**
 * One page of campaigns with their funnel counts. Campaigns have no change
 * stamp of their own, so they are paged by the latest of their created,
 * launched and closed times.
 */
export async function listCampaignsForApi(db: Database, workspaceId: string, query: z.output<typeof listCampaignsQuery>): Promise<z.input<typeof campaignsPage>> {
  const changed = sql`greatest(k.created_at, k.launched_at, k.closed_at)`;
  const rows = await selectRows<z.output<typeof apiCampaign> & { cursorAt: string }>(
    db,
    sql`select k.id, k.name, k.period, k.status,
          json_build_object('invited', i.invited, 'sent', i.sent, 'delivered', i.delivered, 'opened', i.opened,
            'started', r.started, 'completed', r.completed, 'bounced', i.bounced, 'unsubscribed', i.unsubscribed, 'complained', i.complained) as funnel,
          ${isoTimestamp(sql`k.launched_at`)} as "launchedAt", ${isoTimestamp(sql`k.closes_at`)} as "closesAt", ${isoTimestamp(sql`k.closed_at`)} as "closedAt",
          ${isoTimestamp(sql`k.created_at`)} as "createdAt", ${isoTimestamp(changed)} as "cursorAt"
        from campaigns k
        cross join lateral (
          select count(*)::int as invited, count(*) filter (where sent_at is not null)::int as sent,
            count(*) filter (where delivered_at is not null)::int as delivered, count(*) filter (where opened_at is not null)::int as opened,
            count(*) filter (where status = 'bounced')::int as bounced, count(*) filter (where unsubscribed_at is not null)::int as unsubscribed,
            count(*) filter (where status = 'complained')::int as complained
          from invitations where campaign_id = k.id) i
        cross join lateral (
          select count(*)::int as started, count(*) filter (where status = 'completed')::int as completed from responses where campaign_id = k.id) r
        where k.workspace_id = ${workspaceId} and ${keysetConditions(changed, sql`k.id`, query)}
        order by ${changed}, k.id
        limit ${query.limit + 1}`,
  );
  const page = toPage(rows, query.limit);
  return { data: page.rows.map(({ cursorAt, ...row }) => ({ ...row, funnel: jsonValue(row.funnel), updatedAt: cursorAt })), nextCursor: page.nextCursor };
}
