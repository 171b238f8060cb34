import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { isOverdue } from '../flags/service-level';
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
  const [level, rows] = await Promise.all([
    serviceLevelOf(db, workspaceId),
    selectRows<{ customerId: string; tier: string; severity: 'high' | 'medium'; createdAt: Date | string }>(
      db,
      sql`select f.customer_id as "customerId", wt.label as tier, f.severity, f.created_at as "createdAt"
          from flags f
          join campaigns c on c.id = f.campaign_id
          join tier_assignments ta on ta.customer_id = f.customer_id and ta.period = c.period
          join workspace_tiers wt on wt.id = ta.tier_id
          where f.workspace_id = ${workspaceId} and c.period = ${period} and f.status = 'open'
            ${campaignId ? sql`and c.id = ${campaignId}` : sql``}`,
    ),
  ]);
  const byTier = new Map<string, { open: Set<string>; overdue: Set<string> }>();
  for (const row of rows) {
    let entry = byTier.get(row.tier);
    if (!entry) byTier.set(row.tier, (entry = { open: new Set(), overdue: new Set() }));
    entry.open.add(row.customerId);
    if (isOverdue({ status: 'open', severity: row.severity, createdAt: new Date(row.createdAt) }, level, now)) entry.overdue.add(row.customerId);
  }
  return [...byTier].map(([tier, entry]) => ({ tier, open: entry.open.size, overdue: entry.overdue.size }));
}
