import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { selectRows } from '../../db/client.server';

/** One top-tier customer who was invited and did not answer: for a personal call. */
export interface NonResponder {
  id: string;
  name: string | null;
  company: string | null;
  /** The member who looks after the customer, if any. */
  accountOwner: string | null;
  /** When their latest delivered invitation of the quarter went out, and its campaign. */
  invitedAt: string;
  campaign: string;
}

export interface NonResponders {
  period: string;
  /** The workspace's top tier (its first), or null if it has none. */
  tier: string | null;
  total: number;
  customers: NonResponder[];
}

/**
 * The customers of the workspace's top tier in `period` whom a campaign of
 * that quarter invited, the invitation delivered (not bounced, complained
 * or unsubscribed from), who completed no response in the quarter: those
 * invited longest ago first, at most `limit`, with their total. Erased
 * customers are left out.
 */
export async function topTierNonResponders(db: Database, workspaceId: string, period: string, limit = 50): Promise<NonResponders> {
  const [top] = await selectRows<{ id: string; label: string }>(
    db,
    sql`select id, label from workspace_tiers where workspace_id = ${workspaceId}::uuid order by position limit 1`,
  );
  if (!top) return { period, tier: null, total: 0, customers: [] };
  const rows = await selectRows<NonResponder & { total: number }>(
    db,
    sql`with invited as (
        select distinct on (i.customer_id) i.customer_id, coalesce(i.sent_at, i.delivered_at) as invited_at, k.name as campaign
        from invitations i join campaigns k on k.id = i.campaign_id
        where k.workspace_id = ${workspaceId}::uuid and k.period = ${period}
          and i.delivered_at is not null and i.status not in ('bounced', 'complained') and i.unsubscribed_at is null
        order by i.customer_id, coalesce(i.sent_at, i.delivered_at) desc
      )
      select c.id, c.name, c.company, u.name as "accountOwner", invited.invited_at as "invitedAt", invited.campaign,
        count(*) over ()::int as total
      from invited
      join customers c on c.id = invited.customer_id and c.erased_at is null
      join tier_assignments ta on ta.customer_id = c.id and ta.period = ${period} and ta.tier_id = ${top.id}::uuid
      left join users u on u.id = c.account_owner_id
      where not exists (select 1 from responses r where r.customer_id = c.id and r.period = ${period} and r.status = 'completed')
      order by invited.invited_at, c.name, c.id
      limit ${limit}`,
  );
  return {
    period,
    tier: top.label,
    total: Number(rows[0]?.total ?? 0),
    customers: rows.map(({ total: _, ...row }) => ({ ...row, invitedAt: new Date(row.invitedAt).toISOString() })),
  };
}
