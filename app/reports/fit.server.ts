import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { computeFit, type FitReport, type FitTier } from '../analysis/fit';
import { selectRows, type Database } from '../../db/client.server';
import { listPeriods, listTiers } from '../customers/tiers.server';
import { PeriodCache } from './period-cache.server';
import { currentCountedRows } from './rollups.server';
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

/**
 * The tier assignments of `period` (tier, revenue and margin in cents per
 * customer), kept per `tiers_version` of the period (bumped by every change
 * of its tier assignments, revenue and margin included; decision 0031), so
 * that a new answer neither sums the quarter's assignments again nor looks
 * up the revenue of each customer at risk in the database.
 */
interface PeriodAssignments {
  byCustomer: Map<string, { tierId: string; revenue: number | null; margin: number | null }>;
  byTier: Map<string, { customers: number; withRevenue: number; revenue: number; margin: number }>;
}
const assignmentCaches = new WeakMap<Database, Map<string, PeriodAssignments>>();
const ASSIGNMENTS_KEPT = 4;

const cents = z.union([z.string(), z.number(), z.bigint()]).nullable().transform((value) => (value === null ? null : Number(value)));
const assignmentRowSchema = z.object({ customerId: z.string(), tierId: z.string(), revenue: cents, margin: cents });

async function periodAssignments(db: Database, workspaceId: string, period: string): Promise<PeriodAssignments> {
  // The version is read before reading the rows: a change landing meanwhile is stored under the older key.
  const [version] = await selectRows<{ version: string | number }>(
    db,
    sql`select tiers_version as version from period_rollup_versions where workspace_id = ${workspaceId} and period = ${period}`,
  );
  const key = `${workspaceId}\u0000${period}\u0000${Number(version?.version ?? 0)}`;
  let cache = assignmentCaches.get(db);
  if (!cache) assignmentCaches.set(db, (cache = new Map()));
  const hit = cache.get(key);
  if (hit) return hit;
  const rows = await selectRows(
    db,
    sql`select customer_id as "customerId", tier_id as "tierId", (revenue * 100)::bigint as revenue, (margin * 100)::bigint as margin
        from tier_assignments where workspace_id = ${workspaceId} and period = ${period}`,
  );
  const assignments: PeriodAssignments = { byCustomer: new Map(), byTier: new Map() };
  for (const raw of rows) {
    const row = assignmentRowSchema.parse(raw);
    assignments.byCustomer.set(row.customerId, { tierId: row.tierId, revenue: row.revenue, margin: row.margin });
    let tier = assignments.byTier.get(row.tierId);
    if (!tier) assignments.byTier.set(row.tierId, (tier = { customers: 0, withRevenue: 0, revenue: 0, margin: 0 }));
    tier.customers++;
    if (row.revenue !== null) tier.withRevenue++;
    tier.revenue += row.revenue ?? 0;
    tier.margin += row.margin ?? 0;
  }
  cache.set(key, assignments);
  while (cache.size > ASSIGNMENTS_KEPT) cache.delete(cache.keys().next().value!);
  return assignments;
}

/**
 * The headline sums from the period's counted rows (`period_rollup_counted`:
 * per customer the tier and answers of the latest completed response, kept
 * by difference, decision 0031): the answered per tier are counted there,
 * the customers at risk (a "not disappointed" answer or a flag of the
 * quarter) listed, and their revenue and margin added from the period's
 * assignments kept in memory.
 */
async function computeFitHeadlines(db: Database, workspaceId: string, period: string): Promise<{ period: string; byTier: FitHeadlineTier[] }> {
  await currentCountedRows(db, workspaceId, period);
  const [tiers, answeredRows, riskyRows, assignments] = await Promise.all([
    listTiers(db, workspaceId),
    selectRows<{ tier: string; answered: string | number }>(
      db,
      sql`select tier, count(*) as answered from period_rollup_counted where workspace_id = ${workspaceId} and period = ${period} group by tier`,
    ),
    selectRows<{ customerId: string; tier: string }>(
      db,
      sql`select k.customer_id as "customerId", k.tier from period_rollup_counted k
          where k.workspace_id = ${workspaceId} and k.period = ${period}
            and (k.miss_us = 'not' or k.customer_id in (
              select f.customer_id from flags f join campaigns c on c.id = f.campaign_id
              where f.workspace_id = ${workspaceId} and c.period = ${period} and f.status <> 'withdrawn'))`,
    ),
    periodAssignments(db, workspaceId, period),
  ]);
  const headlineRows = answeredRows.map((row) => ({ tier: row.tier, answered: row.answered, atRiskCustomers: 0, atRiskRevenue: 0, atRiskMargin: 0 }));
  for (const risky of riskyRows) {
    const row = headlineRows.find((candidate) => candidate.tier === risky.tier);
    if (!row) continue;
    const assignment = assignments.byCustomer.get(risky.customerId);
    row.atRiskCustomers++;
    row.atRiskRevenue += assignment?.revenue ?? 0;
    row.atRiskMargin += assignment?.margin ?? 0;
  }
  // Sums are kept in cents; the totals are in the currency, as the fit page reads them.
  const totalRows = tiers.flatMap(({ id, label }) => {
    const row = assignments.byTier.get(id);
    return row ? [{ tier: label, customers: row.customers, withRevenue: row.withRevenue, revenue: row.revenue / 100, margin: row.margin / 100 }] : [];
  });
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
