import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { overdueSql } from '../flags/service-level-sql.server';
import { serviceLevelOf } from '../flags/settings.server';

/** Customers of one tier with an open flag in a quarter, and how many of them wait past the service level. */
export interface TierFlagCount {
  tier: string;
  open: number;
  overdue: number;
}

/**
 * Per tier, the customers with an open flag raised in a campaign of `period`
 * (under the tier they had in that period), and those whose open flag is
 * overdue. Customers rather than flags, so that the figure is the count of
 * the customer list it links to (`?flag=open`), where a customer with an
 * open second-class and an open at-risk flag is one row. With `campaignId`,
 * only the flags raised in that campaign.
 */
export async function openFlagsByTier(
  db: Database,
  workspaceId: string,
  period: string,
  now: Date = new Date(),
  campaignId?: string,
): Promise<TierFlagCount[]> {
  const level = await serviceLevelOf(db, workspaceId);
  const rows = await selectRows<{ tier: string; open: number | string; overdue: number | string }>(
    db,
    sql`select wt.label as tier, count(distinct f.customer_id) as open,
          count(distinct f.customer_id) filter (where ${overdueSql(level, now, 'f')}) as overdue
        from flags f
        join campaigns c on c.id = f.campaign_id
        join workspace_tiers wt on wt.id = f.tier_id
        where f.workspace_id = ${workspaceId} and c.period = ${period} and f.status = 'open'
          ${campaignId ? sql`and c.id = ${campaignId}` : sql``}
        group by wt.label`,
  );
  return rows.map((row) => ({ tier: row.tier, open: Number(row.open), overdue: Number(row.overdue) }));
}
