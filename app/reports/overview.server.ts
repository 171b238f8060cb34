import { and, count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { selectRows, type Database } from '../../db/client.server';
import { campaigns, customers, flags } from '../../db/schema';
import { periodSnapshots, type PeriodSnapshot } from './rollups.server';

export async function countOpenFlags(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(flags)
    .where(and(eq(flags.workspaceId, workspaceId), eq(flags.status, 'open')));
  return row?.n ?? 0;
}

/** The headline counts of the overview page. */
export async function workspaceSummary(db: Database, workspaceId: string) {
  const [row] = await db
    .select({
      customers: sql<number>`(select count(*) from ${customers} where ${customers.workspaceId} = ${workspaceId} and ${customers.erasedAt} is null)::int`,
      campaigns: sql<number>`(select count(*) from ${campaigns} where ${campaigns.workspaceId} = ${workspaceId})::int`,
      sentCampaigns: sql<number>`(select count(*) from ${campaigns} where ${campaigns.workspaceId} = ${workspaceId} and ${campaigns.status} in ('sending', 'open', 'closed'))::int`,
    })
    .from(sql`(select 1) as one`);
  const [completed, openFlags] = await Promise.all([completedResponses(db, workspaceId), countOpenFlags(db, workspaceId)]);
  return { ...row!, completed, openFlags };
}

const periodVersionsSchema = z.preprocess(
  (value) => (typeof value === 'string' ? JSON.parse(value) : value),
  z.array(z.tuple([z.string(), z.coerce.number().nullable()])),
);

/**
 * Completed responses per period, per database handle, keyed by workspace,
 * period and the period's `tables_version`, which the triggers bump with
 * every insert, deletion or change of a completed response of the period
 * (decision 0031): a new answer has only its quarter counted again (an
 * index-only count of responses_workspace_period_idx), not every response
 * of the workspace.
 */
const completedCaches = new WeakMap<Database, Map<string, number>>();
const COMPLETED_CACHE_SIZE = 256;

/** Completed responses of the workspace: the sum of its periods' counts. */
async function completedResponses(db: Database, workspaceId: string): Promise<number> {
  // Every response belongs to a campaign of its period, and every period that
  // ever had a completed response has a counter row; the counters are read
  // before counting, so a change landing meanwhile is stored under the older key.
  const [inputs] = await selectRows<{ periods: unknown }>(
    db,
    sql`select coalesce(json_agg(json_build_array(p.period, v.tables_version)), '[]') as periods
        from (select period from campaigns where workspace_id = ${workspaceId}
              union select period from period_rollup_versions where workspace_id = ${workspaceId}) p
        left join period_rollup_versions v on v.workspace_id = ${workspaceId} and v.period = p.period`,
  );
  const periods = periodVersionsSchema.parse(inputs?.periods ?? []);
  let cache = completedCaches.get(db);
  if (!cache) completedCaches.set(db, (cache = new Map()));
  const keyOf = ([period, version]: [string, number | null]) => `${workspaceId}|${period}|${version ?? 0}`;
  const missing = periods.filter((entry) => !cache.has(keyOf(entry)));
  if (missing.length > 0) {
    const counts = await selectRows<{ period: string; count: string | number }>(
      db,
      sql`select period, count(*) as count from responses
          where workspace_id = ${workspaceId} and status = 'completed'
            and period in (${sql.join(
              missing.map(([period]) => sql`${period}`),
              sql`, `,
            )})
          group by period`,
    );
    for (const entry of missing) {
      cache.set(keyOf(entry), Number(counts.find((row) => row.period === entry[0])?.count ?? 0));
      if (cache.size > COMPLETED_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
  }
  return periods.reduce((total, entry) => total + (cache.get(keyOf(entry)) ?? 0), 0);
}

export interface PeriodTierRow {
  period: string;
  tier: string;
  position: number;
  invited: number;
  completed: number;
  /** Answers other than "does not apply": the miss-us denominator. */
  missUsAnswers: number;
  veryDisappointed: number;
}

const overviewInputsSchema = z.object({
  tiers: z.preprocess((value) => (typeof value === 'string' ? JSON.parse(value) : value), z.array(z.tuple([z.string(), z.coerce.number()]))),
  /** [period, tables version, invitations version], newest period first. */
  periods: z.preprocess(
    (value) => (typeof value === 'string' ? JSON.parse(value) : value),
    z.array(z.tuple([z.string(), z.coerce.number().nullable(), z.coerce.number().nullable()])),
  ),
});

/**
 * Rows of one period per database handle, keyed by workspace, period, tier
 * labels and the period's change counters (`tables_version`: completed
 * responses and tier assignments; `invitations_version`: invitations and
 * tier assignments; decision 0031). A change bumps the counter of its
 * period only, so while answers arrive only the running quarter is read
 * again, and from its rollup (stored tables and cached invitation counts),
 * never from the raw invitations.
 */
const overviewCaches = new WeakMap<Database, Map<string, PeriodTierRow[]>>();
const OVERVIEW_CACHE_SIZE = 256;

/** Forgets the cached rows (for benchmarks that measure the cold path). */
export function forgetPeriodTierOverview(db: Database): void {
  overviewCaches.delete(db);
}

/**
 * Customers invited, customers who completed a response and their miss-us
 * answers per period and tier, newest period first, each customer counted
 * once per period however many campaigns reached them (two campaigns in a
 * quarter doubled the invited and halved the response rate), with their
 * latest completed answer, under the tier they had in that period. Read
 * from the period rollups (`periodSnapshots`): the invited are the rollup's
 * invitation counts, the completed and miss-us answers its frequency
 * tables, which count the same latest completed response per customer.
 */
export async function periodTierOverview(db: Database, workspaceId: string): Promise<PeriodTierRow[]> {
  // The counters are read first: a change that lands meanwhile is stored under the older key.
  const [inputs] = await selectRows(
    db,
    sql`select
          (select coalesce(json_agg(json_build_array(label, position) order by position), '[]') from workspace_tiers where workspace_id = ${workspaceId}) as tiers,
          (select coalesce(json_agg(json_build_array(p.period, v.tables_version, v.invitations_version) order by p.period desc), '[]')
             from (select distinct period from campaigns where workspace_id = ${workspaceId}) p
             left join period_rollup_versions v on v.workspace_id = ${workspaceId} and v.period = p.period) as periods`,
  );
  const { tiers, periods } = overviewInputsSchema.parse(inputs);
  let cache = overviewCaches.get(db);
  if (!cache) overviewCaches.set(db, (cache = new Map()));
  const tierKey = tiers.map(([label]) => label).join('\u0000');
  const keyOf = ([period, tablesVersion, invitationsVersion]: (typeof periods)[number]) =>
    `${workspaceId}|${period}|${tablesVersion ?? 0}|${invitationsVersion ?? 0}|${tierKey}`;
  const missing = periods.filter((entry) => !cache.has(keyOf(entry)));
  if (missing.length > 0) {
    const snapshots = await periodSnapshots(db, workspaceId, missing.map(([period]) => period));
    for (const entry of missing) {
      const snapshot = snapshots.get(entry[0]);
      cache.set(keyOf(entry), snapshot ? overviewRows(entry[0], tiers, snapshot) : []);
      if (cache.size > OVERVIEW_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
  }
  return periods.flatMap((entry) => cache.get(keyOf(entry)) ?? []);
}

/** The rows of one period from its rollup: every tier with invited customers, best tier first. */
function overviewRows(period: string, tiers: Array<[string, number]>, snapshot: PeriodSnapshot): PeriodTierRow[] {
  const sum = (counts: Array<{ tier: string; count: number }>, tier: string) =>
    counts.reduce((total, row) => (row.tier === tier ? total + Number(row.count) : total), 0);
  const rows: PeriodTierRow[] = [];
  for (const [tier, position] of tiers) {
    const invited = snapshot.invitations.find((row) => row.tier === tier)?.invited ?? 0;
    if (invited === 0) continue;
    const missUs = snapshot.tables.missUs.filter((row) => row.tier === tier);
    rows.push({
      period,
      tier,
      position,
      invited,
      completed: sum(snapshot.tables.responses, tier),
      missUsAnswers: sum(missUs.filter((row) => row.missUs !== 'na'), tier),
      veryDisappointed: sum(missUs.filter((row) => row.missUs === 'very'), tier),
    });
  }
  return rows;
}
