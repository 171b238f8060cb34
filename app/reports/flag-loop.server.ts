import { sql } from 'drizzle-orm';
import { flagLoopFigures, type LoopFigures, type LoopFlag } from '../analysis/flag-loop';
import { selectRows, type Database } from '../../db/client.server';
import { flagDueAt } from '../flags/service-level';
import { serviceLevelOf } from '../flags/settings.server';
import { tierLabels } from './analysis.server';
import { ptiTwelfthsSql } from './pti-sql';

interface LoopRow {
  period: string;
  tier: string | null;
  severity: 'high' | 'medium';
  status: LoopFlag['status'];
  raisedAt: Date | string;
  firstActionAt: Date | string | null;
  closedAt: Date | string | null;
  ptiTwelfths: number | string | null;
  hasNext: boolean;
  nextPtiTwelfths: number | string | null;
  nextFlagged: boolean | null;
}

const time = (value: Date | string | null) => (value === null ? null : new Date(value).getTime());
const num = (value: number | string | null) => (value === null ? null : Number(value));

/**
 * The flag loop per tier and quarter of a workspace (app/analysis/flag-loop.ts).
 * A resolved flag's customer has recovered when their next completed response
 * raised no flag (withdrawn ones aside): the live rules judged it.
 */
export async function flagLoop(db: Database, workspaceId: string, now: Date = new Date()): Promise<LoopFigures[]> {
  const [level, tiers, rows] = await Promise.all([
    serviceLevelOf(db, workspaceId),
    tierLabels(db, workspaceId),
    selectRows<LoopRow>(
      db,
      // Per flag, its tier is looked up by key in the covering index of the
      // tier assignments, and only a resolved flag looks up its response and the
      // customer's next one (offset 0 keeps each lateral a lookup per flag: joined
      // whole, the assignments and responses of every quarter were hashed on each
      // view). The action times are kept on the flag (migration 0027).
      sql`select c.period, tier.label as tier, f.severity, f.status, f.created_at as "raisedAt",
            f.first_action_at as "firstActionAt",
            case when f.status in ('resolved', 'dismissed') then f.closed_at end as "closedAt",
            r.pti as "ptiTwelfths",
            nxt.id is not null as "hasNext", nxt.pti as "nextPtiTwelfths", nxt.flagged as "nextFlagged"
          from flags f
          join campaigns c on c.id = f.campaign_id
          left join lateral (
            select wt.label from tier_assignments ta join workspace_tiers wt on wt.id = ta.tier_id
            where ta.workspace_id = f.workspace_id and ta.period = c.period and ta.customer_id = f.customer_id offset 0
          ) tier on true
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
          where f.workspace_id = ${workspaceId} and f.status <> 'withdrawn'`,
    ),
  ]);
  const flags: LoopFlag[] = rows.map((row) => {
    const raisedAt = new Date(row.raisedAt);
    const pti = num(row.ptiTwelfths);
    const nextPti = num(row.nextPtiTwelfths);
    return {
      period: row.period,
      tier: row.tier,
      status: row.status,
      raisedAt: raisedAt.getTime(),
      dueAt: flagDueAt(raisedAt, row.severity, level).getTime(),
      firstActionAt: time(row.firstActionAt),
      closedAt: time(row.closedAt),
      next: row.hasNext ? { meetsNoRule: !row.nextFlagged, ptiChange: pti !== null && nextPti !== null ? (nextPti - pti) / 12 : null } : null,
    };
  });
  return flagLoopFigures(flags, tiers, now.getTime());
}
