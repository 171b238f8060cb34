import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { InvitationCount } from '../analysis/period-review';
import { periodTablesSchema, type PeriodTables } from '../analysis/tables';
import type { Database } from '../../db/client.server';
import { periodRollups, periodRollupVersions } from '../../db/schema';
import { loadPeriodTables, selectRows } from './period-tables.server';

export type { InvitationCount } from '../analysis/period-review';

export interface PeriodSnapshot {
  tables: PeriodTables;
  invitations: InvitationCount[];
}

/**
 * How the stored tables were counted. Tables cached before one response per
 * customer and period was the rule counted every response, and had no
 * answer profiles; a stored part without this mark is computed afresh, as if
 * its version had changed.
 */
const TABLES_RULE = 'latest-response-per-customer, with profiles';

const invitationCountsSchema = z.array(
  z.object({
    tier: z.string(),
    invited: z.coerce.number().int(),
    delivered: z.coerce.number().int(),
    customers: z.coerce.number().int(),
  }),
);

/**
 * Customers per tier of a period: invited and delivered (each customer once,
 * however many campaigns reached them: the response rate's denominator, as
 * the numerator counts one response per customer), and all customers with
 * the tier in the period (the weights of the standardised score). With
 * `campaignId`, only the customers that campaign invited.
 */
export async function loadInvitationCounts(db: Database, workspaceId: string, period: string, campaignId?: string): Promise<InvitationCount[]> {
  const rows = await selectRows(
    db,
    sql`with invited as (
          select ta.tier_id, count(distinct i.customer_id) as invited,
            count(distinct i.customer_id) filter (where i.delivered_at is not null) as delivered
          from invitations i
          join campaigns c on c.id = i.campaign_id
          join tier_assignments ta on ta.workspace_id = c.workspace_id and ta.period = c.period and ta.customer_id = i.customer_id
          where c.workspace_id = ${workspaceId} and c.period = ${period} ${campaignId ? sql`and c.id = ${campaignId}` : sql``}
          group by ta.tier_id
        ), assigned as (
          select tier_id, count(*) as customers from tier_assignments
          where workspace_id = ${workspaceId} and period = ${period}
          group by tier_id
        )
        select wt.label as tier, coalesce(invited.invited, 0) as invited, coalesce(invited.delivered, 0) as delivered,
          coalesce(assigned.customers, 0) as customers
        from workspace_tiers wt
        left join invited on invited.tier_id = wt.id
        left join assigned on assigned.tier_id = wt.id
        where wt.workspace_id = ${workspaceId} and (invited.tier_id is not null or assigned.tier_id is not null)`,
  );
  return invitationCountsSchema.parse(rows);
}

/**
 * The frequency tables and invitation counts of several periods, from the
 * rollup cache where it is current. Database triggers bump a period's
 * version whenever its data changes; a cached part computed at an older
 * version is recomputed here and stored. The version is read before
 * computing, so a change that lands meanwhile leaves the cache behind and is
 * picked up by the next read, never lost.
 */
export async function periodSnapshots(
  db: Database,
  workspaceId: string,
  periods: readonly string[],
  options: { invitations?: boolean } = {},
): Promise<Map<string, PeriodSnapshot>> {
  const withInvitations = options.invitations !== false;
  const result = new Map<string, PeriodSnapshot>();
  if (periods.length === 0) return result;
  const [versions, cached] = await Promise.all([
    db
      .select()
      .from(periodRollupVersions)
      .where(and(eq(periodRollupVersions.workspaceId, workspaceId), inArray(periodRollupVersions.period, [...periods]))),
    db
      .select()
      .from(periodRollups)
      .where(and(eq(periodRollups.workspaceId, workspaceId), inArray(periodRollups.period, [...periods]))),
  ]);
  const versionOf = new Map(versions.map((row) => [row.period, row]));
  const cacheOf = new Map(cached.map((row) => [row.period, row]));

  await Promise.all(
    periods.map(async (period) => {
      const version = versionOf.get(period) ?? { tablesVersion: 0, invitationsVersion: 0 };
      const cache = cacheOf.get(period);
      const tablesFresh =
        cache?.tables != null &&
        cache.tablesVersion === version.tablesVersion &&
        (cache.tables as { rule?: unknown }).rule === TABLES_RULE;
      // Counts cached before they had `customers` do not parse, and are computed afresh.
      const cachedInvitations = invitationCountsSchema.safeParse(cache?.invitations);
      const invitationsFresh = cachedInvitations.success && cache!.invitationsVersion === version.invitationsVersion;
      // Callers that need no response rates (the analysis) do not pay for invitation counts.
      const computeInvitations = withInvitations && !invitationsFresh;
      const [tables, invitations] = await Promise.all([
        tablesFresh ? periodTablesSchema.parse(cache!.tables) : loadPeriodTables(db, workspaceId, period),
        computeInvitations ? loadInvitationCounts(db, workspaceId, period) : cachedInvitations.success ? cachedInvitations.data : [],
      ]);
      // Only what was computed here is stored, each part with the version it was computed at.
      const update = {
        ...(tablesFresh ? {} : { tables: { ...tables, rule: TABLES_RULE }, tablesVersion: version.tablesVersion }),
        ...(computeInvitations ? { invitations, invitationsVersion: version.invitationsVersion } : {}),
      };
      if (Object.keys(update).length > 0) {
        await db
          .insert(periodRollups)
          .values({ workspaceId, period, ...update })
          .onConflictDoUpdate({ target: [periodRollups.workspaceId, periodRollups.period], set: update });
      }
      result.set(period, { tables, invitations });
    }),
  );
  return result;
}
