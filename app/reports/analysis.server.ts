import { asc, eq, sql } from 'drizzle-orm';
import { quarterIndex, TREND_LOOKBACK_QUARTERS } from '../analysis/period-trends';
import { buildAnalysisReport, type AnalysisReport } from '../analysis/report';
import { selectRows, type Database } from '../../db/client.server';
import { workspaceTiers } from '../../db/schema';
import { periodSnapshots } from './rollups.server';

/** Tier labels of a workspace, best first. */
export async function tierLabels(db: Database, workspaceId: string): Promise<string[]> {
  const rows = await db
    .select({ label: workspaceTiers.label })
    .from(workspaceTiers)
    .where(eq(workspaceTiers.workspaceId, workspaceId))
    .orderBy(asc(workspaceTiers.position));
  return rows.map((row) => row.label);
}

/**
 * Periods with completed responses, oldest first. One index descent per
 * period (a loose index scan of `responses_workspace_period_idx`) instead of
 * reading the index entry of every response of the workspace: a million of
 * them in the large data set, 48 ms of CPU read by one process (PostgreSQL
 * spread it over two parallel workers, which cost more) against 1 ms, on
 * every analysis, warm or cold.
 */
export async function periodsWithResponses(db: Database, workspaceId: string): Promise<string[]> {
  const rows = await selectRows<{ period: string }>(
    db,
    sql`with recursive found as (
          (select period from responses where workspace_id = ${workspaceId} and status = 'completed' order by period limit 1)
          union all
          select (select r.period from responses r
                  where r.workspace_id = ${workspaceId} and r.period > found.period and r.status = 'completed'
                  order by r.period limit 1)
          from found where found.period is not null
        )
        select period from found where period is not null order by period`,
  );
  return rows.map((row) => row.period);
}

/**
 * The analysis of one period of a workspace: metrics and tier signals from
 * SQL frequency tables (flags are raised per campaign, see flags.server.ts).
 * The previous period and the quarters of the miss-us trend come along.
 */
export async function analyzePeriod(db: Database, workspaceId: string, period: string): Promise<AnalysisReport> {
  const [tiers, periods] = await Promise.all([tierLabels(db, workspaceId), periodsWithResponses(db, workspaceId)]);
  const earlier = periods.filter((candidate) => candidate < period);
  const previous = earlier[earlier.length - 1] ?? null;
  const last = quarterIndex(period);
  const window = earlier.filter((candidate) => quarterIndex(candidate) >= last - TREND_LOOKBACK_QUARTERS);
  const needed = [...new Set([period, ...(previous === null ? [] : [previous]), ...window])];
  const snapshots = await periodSnapshots(db, workspaceId, needed, { invitations: false });
  return buildAnalysisReport({
    period,
    previousPeriod: previous,
    tiers,
    current: snapshots.get(period)!.tables,
    previous: previous === null ? null : snapshots.get(previous)!.tables,
    history: window.map((candidate) => ({ period: candidate, tables: snapshots.get(candidate)!.tables })),
    responsesToFlag: [],
  });
}
