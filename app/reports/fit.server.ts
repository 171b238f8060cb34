import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { computeFit, type FitReport, type FitTier } from '../analysis/fit';
import { selectRows, type Database } from '../../db/client.server';
import { listPeriods, listTiers } from '../customers/tiers.server';
import { PeriodCache } from './period-cache.server';
import { ptiTwelfthsSql } from './pti-sql';

/** The fit of one quarter of a workspace, with the names the page shows. */
export interface QuarterFit {
  period: string;
  tiers: string[];
  fit: FitReport;
  /** Whether any customer of the quarter has a revenue from the import. */
  hasRevenue: boolean;
  /** Name and company per customer id of `fit.customers` (null once erased). */
  names: Record<string, { name: string | null; company: string | null }>;
}

const money = z.union([z.string(), z.number()]).nullable().transform((value) => (value === null ? null : Number(value)));
const customerRowSchema = z.object({
  customerId: z.string(),
  tier: z.string(),
  missUs: z.enum(['very', 'somewhat', 'not', 'na']).nullable(),
  ptiTwelfths: z.coerce.number().nullable(),
  flagged: z.boolean(),
  revenue: money,
  margin: money,
  name: z.string().nullable(),
  company: z.string().nullable(),
});
const totalRowSchema = z.object({
  tier: z.string(),
  customers: z.coerce.number(),
  withRevenue: z.coerce.number(),
  revenue: z.coerce.number(),
  margin: z.coerce.number(),
});

/** Revenue and margin of every customer of each tier in `period`, answered or not. */
async function tierTotals(db: Database, workspaceId: string, period: string) {
  const rows = await selectRows(
    db,
    sql`select wt.label as tier, count(*) as customers, count(ta.revenue) as "withRevenue",
          coalesce(sum(ta.revenue), 0) as revenue, coalesce(sum(ta.margin), 0) as margin
        from tier_assignments ta join workspace_tiers wt on wt.id = ta.tier_id
        where ta.workspace_id = ${workspaceId} and ta.period = ${period}
        group by wt.label`,
  );
  return z.array(totalRowSchema).parse(rows);
}

/**
 * The quarters the fit page offers, newest first: those with tier
 * assignments (a revenue can only come with one).
 */
export function fitPeriods(db: Database, workspaceId: string): Promise<string[]> {
  return listPeriods(db, workspaceId);
}

/**
 * Revenue at risk and the fit map of `period` (docs/fit.md): every customer
 * with a completed response in a campaign of the quarter (the latest counts),
 * under the tier they had in it, with the quarter's revenue and margin and
 * whether a flag of the quarter's campaigns stands (any status but
 * withdrawn). Tier totals and the median revenue are over every customer of
 * the quarter, answered or not. Three statements, each one pass over the
 * quarter's rows (the flags of the quarter are read once, not per customer).
 */
export async function quarterFit(db: Database, workspaceId: string, period: string): Promise<QuarterFit> {
  const [tiers, customerRows, totalRows, [medianRow]] = await Promise.all([
    listTiers(db, workspaceId),
    selectRows(
      db,
      sql`with flagged as (
            select distinct f.customer_id from flags f join campaigns c on c.id = f.campaign_id
            where f.workspace_id = ${workspaceId} and c.period = ${period} and f.status <> 'withdrawn'
          )
          select distinct on (r.customer_id) r.customer_id as "customerId", wt.label as tier, r.miss_us as "missUs",
            ${ptiTwelfthsSql('r')} as "ptiTwelfths",
            r.customer_id in (select customer_id from flagged) as flagged,
            ta.revenue, ta.margin, cu.name, cu.company
          from responses r
          join tier_assignments ta on ta.workspace_id = r.workspace_id and ta.period = r.period and ta.customer_id = r.customer_id
          join workspace_tiers wt on wt.id = ta.tier_id
          join customers cu on cu.id = r.customer_id
          where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
          order by r.customer_id, r.completed_at desc, r.id desc`,
    ),
    tierTotals(db, workspaceId, period),
    selectRows(
      db,
      sql`select percentile_cont(0.5) within group (order by ta.revenue) as median
          from tier_assignments ta where ta.workspace_id = ${workspaceId} and ta.period = ${period} and ta.revenue is not null`,
    ),
  ]);
  const labels = tiers.map((tier) => tier.label);
  const customers = z.array(customerRowSchema).parse(customerRows);
  const totals = totalRows;
  const median = (medianRow as { median: string | number | null } | undefined)?.median;
  const fit = computeFit({
    period,
    tiers: labels,
    customers: customers.map(({ name: _name, company: _company, ...customer }) => customer),
    tierTotals: labels.map((tier) => totals.find((row) => row.tier === tier) ?? { tier, customers: 0, withRevenue: 0, revenue: 0, margin: 0 }),
    medianRevenue: median === null || median === undefined ? null : Number(median),
  });
  return {
    period,
    tiers: labels,
    fit,
    hasRevenue: totals.some((row) => row.withRevenue > 0),
    names: Object.fromEntries(customers.map((row) => [row.customerId, { name: row.name, company: row.company }])),
  };
}

/** What the review and the owner's report show of the fit: the headline figures per tier, without the customers. */
export type FitHeadlineTier = Pick<FitTier, 'tier' | 'answered' | 'total' | 'atRisk'>;

const headlineRowSchema = z.object({
  tier: z.string(),
  answered: z.coerce.number(),
  atRiskCustomers: z.coerce.number(),
  atRiskRevenue: z.coerce.number(),
  atRiskMargin: z.coerce.number(),
});

/**
 * Revenue at risk per tier of `period` by the rules of `computeFit` (a
 * customer would not miss us when their latest answer of the quarter is "not
 * disappointed" or a flag of the quarter stands), summed in the database: the
 * review and the owner's report need the sums, not a row per customer. The
 * fit page's test checks both against the same hand computation.
 */
export async function quarterFitHeadlines(db: Database, workspaceId: string, period: string): Promise<{ period: string; byTier: FitHeadlineTier[] }> {
  // Flags are raised after the answer that causes them is saved, and change status on their own, so they are part of the key.
  return fitHeadlines.get(db, workspaceId, period, () => computeFitHeadlines(db, workspaceId, period), await flagsFingerprint(db, workspaceId, period));
}

const fitHeadlines = new PeriodCache<{ period: string; byTier: FitHeadlineTier[] }>();

/** How many flags the period has and when the last one changed: a new, withdrawn or reopened flag changes it. */
async function flagsFingerprint(db: Database, workspaceId: string, period: string): Promise<string> {
  const [row] = await selectRows<{ count: string | number; changed: string | Date | null }>(
    db,
    sql`select count(*) as count, max(f.updated_at) as changed from flags f join campaigns c on c.id = f.campaign_id
        where f.workspace_id = ${workspaceId} and c.period = ${period}`,
  );
  return `${row?.count ?? 0}\u0000${row?.changed ? new Date(row.changed).toISOString() : ''}`;
}

async function computeFitHeadlines(db: Database, workspaceId: string, period: string): Promise<{ period: string; byTier: FitHeadlineTier[] }> {
  const [tiers, headlineRows, totalRows] = await Promise.all([
    listTiers(db, workspaceId),
    selectRows(
      db,
      sql`with flagged as (
            select distinct f.customer_id from flags f join campaigns c on c.id = f.campaign_id
            where f.workspace_id = ${workspaceId} and c.period = ${period} and f.status <> 'withdrawn'
          ), latest as (
            select distinct on (r.customer_id) ta.tier_id, ta.revenue, ta.margin,
              (r.miss_us = 'not' or r.customer_id in (select customer_id from flagged)) as risky
            from responses r
            join tier_assignments ta on ta.workspace_id = r.workspace_id and ta.period = r.period and ta.customer_id = r.customer_id
            where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
            order by r.customer_id, r.completed_at desc, r.id desc
          )
          select wt.label as tier, count(*) as answered, count(*) filter (where risky) as "atRiskCustomers",
            coalesce(sum(l.revenue * 100) filter (where risky), 0) as "atRiskRevenue",
            coalesce(sum(l.margin * 100) filter (where risky), 0) as "atRiskMargin"
          from latest l join workspace_tiers wt on wt.id = l.tier_id
          group by wt.label`,
    ),
    tierTotals(db, workspaceId, period),
  ]);
  const rows = z.array(headlineRowSchema).parse(headlineRows);
  return {
    period,
    byTier: tiers.map(({ label: tier }) => {
      const row = rows.find((candidate) => candidate.tier === tier);
      const total = totalRows.find((candidate) => candidate.tier === tier) ?? { tier, customers: 0, withRevenue: 0, revenue: 0, margin: 0 };
      // Sums come in cents, as computeFit adds them.
      const revenue = (row?.atRiskRevenue ?? 0) / 100;
      const margin = (row?.atRiskMargin ?? 0) / 100;
      return {
        tier,
        answered: row?.answered ?? 0,
        total,
        atRisk: {
          customers: row?.atRiskCustomers ?? 0,
          revenue,
          margin,
          revenueShare: total.revenue > 0 ? revenue / total.revenue : null,
          marginShare: total.margin > 0 ? margin / total.margin : null,
        },
      };
    }),
  };
}
