import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { computeFit, type FitReport } from '../analysis/fit';
import { selectRows, type Database } from '../../db/client.server';
import { listPeriods, listTiers } from '../customers/tiers.server';
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
 * quarter's rows.
 */
export async function quarterFit(db: Database, workspaceId: string, period: string): Promise<QuarterFit> {
  const [tiers, customerRows, totalRows, [medianRow]] = await Promise.all([
    listTiers(db, workspaceId),
    selectRows(
      db,
      sql`select distinct on (r.customer_id) r.customer_id as "customerId", wt.label as tier, r.miss_us as "missUs",
            ${ptiTwelfthsSql('r')} as "ptiTwelfths",
            exists (select 1 from flags f join campaigns c on c.id = f.campaign_id
                    where f.customer_id = r.customer_id and c.period = r.period and f.status <> 'withdrawn') as flagged,
            ta.revenue, ta.margin, cu.name, cu.company
          from responses r
          join tier_assignments ta on ta.workspace_id = r.workspace_id and ta.period = r.period and ta.customer_id = r.customer_id
          join workspace_tiers wt on wt.id = ta.tier_id
          join customers cu on cu.id = r.customer_id
          where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
          order by r.customer_id, r.completed_at desc, r.id desc`,
    ),
    selectRows(
      db,
      sql`select wt.label as tier, count(*) as customers, count(ta.revenue) as "withRevenue",
            coalesce(sum(ta.revenue), 0) as revenue, coalesce(sum(ta.margin), 0) as margin
          from tier_assignments ta join workspace_tiers wt on wt.id = ta.tier_id
          where ta.workspace_id = ${workspaceId} and ta.period = ${period}
          group by wt.label`,
    ),
    selectRows(
      db,
      sql`select percentile_cont(0.5) within group (order by ta.revenue) as median
          from tier_assignments ta where ta.workspace_id = ${workspaceId} and ta.period = ${period} and ta.revenue is not null`,
    ),
  ]);
  const labels = tiers.map((tier) => tier.label);
  const customers = z.array(customerRowSchema).parse(customerRows);
  const totals = z.array(totalRowSchema).parse(totalRows);
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
