import { and, asc, eq, lt, sql } from 'drizzle-orm';
import { buildAnalysisReport, type AnalysisReport } from '../analysis/report';
import type { Database } from '../../db/client.server';
import { responses, workspaceTiers } from '../../db/schema';
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

/** Periods with completed responses, oldest first. */
export async function periodsWithResponses(db: Database, workspaceId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ period: responses.period })
    .from(responses)
    .where(and(eq(responses.workspaceId, workspaceId), eq(responses.status, 'completed')))
    .orderBy(asc(responses.period));
  return rows.map((row) => row.period);
}

async function previousPeriod(db: Database, workspaceId: string, period: string): Promise<string | null> {
  const [row] = await db
    .select({ period: sql<string>`max(${responses.period})` })
    .from(responses)
    .where(and(eq(responses.workspaceId, workspaceId), eq(responses.status, 'completed'), lt(responses.period, period)));
  return row?.period ?? null;
}

/**
 * The analysis of one period of a workspace: metrics and tier signals from
 * SQL frequency tables (flags are raised per campaign, see flags.server.ts).
 */
export async function analyzePeriod(db: Database, workspaceId: string, period: string): Promise<AnalysisReport> {
  const [tiers, previous] = await Promise.all([tierLabels(db, workspaceId), previousPeriod(db, workspaceId, period)]);
  const snapshots = await periodSnapshots(db, workspaceId, previous === null ? [period] : [period, previous], { invitations: false });
  return buildAnalysisReport({
    period,
    previousPeriod: previous,
    tiers,
    current: snapshots.get(period)!.tables,
    previous: previous === null ? null : snapshots.get(previous)!.tables,
    responsesToFlag: [],
  });
}
