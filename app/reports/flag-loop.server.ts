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
      sql`select c.period, wt.label as tier, f.severity, f.status, f.created_at as "raisedAt",
            (select min(e.created_at) from flag_events e where e.flag_id = f.id and e.action in ('contacted', 'resolved', 'dismissed')) as "firstActionAt",
            case when f.status in ('resolved', 'dismissed') then
              (select max(e.created_at) from flag_events e where e.flag_id = f.id and e.action in ('resolved', 'dismissed')) end as "closedAt",
            ${ptiTwelfthsSql('r')} as "ptiTwelfths",
            nxt.id is not null as "hasNext", nxt.pti as "nextPtiTwelfths", nxt.flagged as "nextFlagged"
          from flags f
          join campaigns c on c.id = f.campaign_id
          left join tier_assignments ta on ta.customer_id = f.customer_id and ta.period = c.period
          left join workspace_tiers wt on wt.id = ta.tier_id
          left join responses r on r.id = f.response_id
          left join lateral (
            select n.id, ${ptiTwelfthsSql('n')} as pti,
              exists (select 1 from flags g where g.customer_id = n.customer_id and g.campaign_id = n.campaign_id and g.status <> 'withdrawn') as flagged
            from responses n
            where n.customer_id = f.customer_id and n.status = 'completed' and n.completed_at > r.completed_at
            order by n.completed_at limit 1
          ) nxt on f.status = 'resolved'
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
