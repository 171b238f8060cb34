import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { periodTablesSchema, type PeriodTables } from '../analysis/tables';
import type { Database } from '../../db/client.server';
import { periodRollups, periodRollupVersions } from '../../db/schema';
import { loadPeriodTables, selectRows } from './period-tables.server';

/** Invitations per tier of a period: the response rate's denominator. */
export interface InvitationCount {
  tier: string;
  invited: number;
  delivered: number;
}

export interface PeriodSnapshot {
  tables: PeriodTables;
  invitations: InvitationCount[];
}

/**
 * How the stored tables were counted. Tables cached before one response per
 * customer and period was the rule counted every response; a stored part
 * without this mark is computed afresh, as if its version had changed.
 */
const TABLES_RULE = 'latest-response-per-customer';

const invitationCountsSchema = z.array(
  z.object({ tier: z.string(), invited: z.coerce.number().int(), delivered: z.coerce.number().int() }),
);

async function loadInvitationCounts(db: Database, workspaceId: string, period: string): Promise<InvitationCount[]> {
  const rows = await selectRows(
    db,
    sql`select wt.label as tier, count(*) as invited, count(*) filter (where i.delivered_at is not null) as delivered
        from invitations i
        join campaigns c on c.id = i.campaign_id
        join tier_assignments ta on ta.workspace_id = c.workspace_id and ta.period = c.period and ta.customer_id = i.customer_id
        join workspace_tiers wt on wt.id = ta.tier_id
        where c.workspace_id = ${workspaceId} and c.period = ${period}
        group by wt.label`,
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
      const invitationsFresh = cache?.invitations != null && cache.invitationsVersion === version.invitationsVersion;
      // Callers that need no response rates (the analysis) do not pay for invitation counts.
      const computeInvitations = withInvitations && !invitationsFresh;
      const [tables, invitations] = await Promise.all([
        tablesFresh ? periodTablesSchema.parse(cache!.tables) : loadPeriodTables(db, workspaceId, period),
        computeInvitations ? loadInvitationCounts(db, workspaceId, period) : invitationCountsSchema.parse(cache?.invitations ?? []),
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
