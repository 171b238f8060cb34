import { sql } from 'drizzle-orm';
import { loopFigures, type LoopCounts, type LoopFigures } from '../analysis/flag-loop';
import { selectRows, type Database } from '../../db/client.server';
import { dueAtSql } from '../flags/service-level-sql.server';
import { serviceLevelOf } from '../flags/settings.server';
import { tierLabels } from './analysis.server';
import { ptiTwelfthsSql } from './pti-sql';

interface CountRow {
  period: string;
  tier: string | null;
  raised: number | string;
  due: number | string;
  contactedInTime: number | string;
  closed: number | string;
  medianDaysToClose: number | string | null;
  resolved: number | string;
  answeredAgain: number | string;
  recovered: number | string;
  ptiChanges: number | string;
  meanPtiChange: number | string | null;
}

const num = (value: number | string | null) => (value === null ? null : Number(value));

/**
 * The flag loop per tier and quarter of a workspace (app/analysis/flag-loop.ts),
 * counted by the database: one row per quarter and tier, not one per flag
 * (decision 0040). A resolved flag's customer has recovered when their next
 * completed response raised no flag (withdrawn ones aside): the live rules
 * judged it. `periods` limits it to the quarters shown (the review's range),
 * `latestQuarters` to the latest quarters with campaigns (the flag queue): the
 * flags of other quarters are not read, however many years a workspace has.
 * `tests/integration/flag-loop-counts.test.ts` checks the counts against
 * `flagLoopFigures` judged flag by flag.
 */
export async function flagLoop(
  db: Database,
  workspaceId: string,
  options: { now?: Date; periods?: readonly string[]; latestQuarters?: number } = {},
): Promise<LoopFigures[]> {
  const { now = new Date(), periods, latestQuarters } = options;
  if (periods?.length === 0) return [];
  const limit = periods
    ? sql` and c.period in ${[...periods]}`
    : latestQuarters
      ? sql` and c.period >= (select min(period) from (select distinct period from campaigns
            where workspace_id = ${workspaceId} order by period desc limit ${latestQuarters}) latest)`
      : sql``;
  const level = await serviceLevelOf(db, workspaceId);
  const [tiers, rows] = await Promise.all([
    tierLabels(db, workspaceId),
    selectRows<CountRow>(
      db,
      // The tier and the action times are kept on the flag (migrations 0029
      // and 0027). Only a resolved flag looks up its response and the
      // customer's next one (offset 0 keeps each lateral a lookup per flag:
      // joined whole, the responses of every quarter were hashed on each
      // view); times are compared in microseconds, the median in
      // seconds, as the pure definition does in milliseconds.
      sql`with loop as (
            select c.period, tier.label as tier, f.status, f.created_at, f.first_action_at,
              case when f.status in ('resolved', 'dismissed') then f.closed_at end as closed_at,
              ${dueAtSql(level, 'f')} as due_at,
              nxt.id is not null as has_next, nxt.flagged as next_flagged, nxt.pti - r.pti as pti_change
            from flags f
            join campaigns c on c.id = f.campaign_id
            left join workspace_tiers tier on tier.id = f.tier_id
            left join lateral (
              select r.completed_at, ${ptiTwelfthsSql('r')} as pti from responses r where f.status = 'resolved' and r.id = f.response_id offset 0
            ) r on true
            left join lateral (
              select n.id, ${ptiTwelfthsSql('n')} as pti,
                exists (select 1 from flags g where g.customer_id = n.customer_id and g.campaign_id = n.campaign_id and g.status <> 'withdrawn') as flagged
              from responses n
              where f.status = 'resolved' and n.customer_id = f.customer_id and n.status = 'completed' and n.completed_at > r.completed_at
              order by n.completed_at limit 1
            ) nxt on true
            where f.workspace_id = ${workspaceId} and f.status <> 'withdrawn'${limit}
          )
          select period, tier,
            count(*)::int as raised,
            count(*) filter (where first_action_at is not null or due_at <= ${now.toISOString()}::timestamptz)::int as due,
            count(*) filter (where first_action_at <= due_at)::int as "contactedInTime",
            count(closed_at)::int as closed,
            percentile_cont(0.5) within group (order by (extract(epoch from closed_at) - extract(epoch from created_at))::float8 / 86400) as "medianDaysToClose",
            count(*) filter (where status = 'resolved')::int as resolved,
            count(*) filter (where has_next)::int as "answeredAgain",
            count(*) filter (where has_next and not next_flagged)::int as recovered,
            count(pti_change)::int as "ptiChanges",
            avg(pti_change)::float8 / 12 as "meanPtiChange"
          from loop
          group by period, tier`,
    ),
  ]);
  const counts: LoopCounts[] = rows.map((row) => ({
    period: row.period,
    tier: row.tier,
    raised: Number(row.raised),
    due: Number(row.due),
    contactedInTime: Number(row.contactedInTime),
    closed: Number(row.closed),
    medianDaysToClose: num(row.medianDaysToClose),
    resolved: Number(row.resolved),
    answeredAgain: Number(row.answeredAgain),
    recovered: Number(row.recovered),
    ptiChanges: Number(row.ptiChanges),
    meanPtiChange: num(row.meanPtiChange),
  }));
  return loopFigures(counts, tiers);
}
