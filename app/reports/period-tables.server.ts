import { sql, type SQL } from 'drizzle-orm';
import { periodTablesSchema, type PeriodTables } from '../analysis/tables';
import type { Database } from '../../db/client.server';

/**
 * The frequency tables of one period of a workspace (app/analysis/tables.ts),
 * each from one GROUP BY over the period's completed responses. A response
 * counts under the tier its customer had in the campaign's period
 * (`responses.period` is the campaign's period).
 */
export async function loadPeriodTables(db: Database, workspaceId: string, period: string): Promise<PeriodTables> {
  const scoped = completedResponses(workspaceId, period);
  const [responses, missUs, pti, scales, drivers] = await Promise.all([
    rows(db, sql`select tier, count(*) as count from ${scoped} group by tier`),
    rows(db, sql`select tier, miss_us as "missUs", count(*) as count from ${scoped} where miss_us is not null group by tier, miss_us`),
    rows(
      db,
      sql`select tier, pti_twelfths as "ptiTwelfths", count(*) as count from ${scoped}
          where pti_twelfths is not null group by tier, pti_twelfths`,
    ),
    rows(
      db,
      sql`select tier, s.item, s.value, count(*) as count
          from ${scoped}
          cross join lateral (values ('benefit', benefit), ('csat', csat), ('recommend', recommend)) as s(item, value)
          where s.value is not null
          group by tier, s.item, s.value`,
    ),
    rows(
      db,
      sql`select tier, s.item, case miss_us when 'very' then 2 when 'somewhat' then 1 else 0 end as "missUsOrdinal", s.value, count(*) as count
          from ${scoped}
          cross join lateral (values ('treat_valued', treat_valued), ('treat_responsive', treat_responsive),
            ('treat_equal', treat_equal), ('treat_promise', treat_promise), ('benefit', benefit)) as s(item, value)
          where s.value is not null and miss_us in ('very', 'somewhat', 'not')
          group by tier, s.item, 3, s.value`,
    ),
  ]);
  return periodTablesSchema.parse({ responses, missUs, pti, scales, drivers });
}

/**
 * The period's completed responses with their tier label and exact PTI in
 * twelfths (sum × 12 / items answered, which is an integer for 3 or 4 items).
 */
function completedResponses(workspaceId: string, period: string): SQL {
  return sql`(
    select wt.label as tier, r.miss_us, r.treat_valued, r.treat_responsive, r.treat_equal, r.treat_promise,
      r.benefit, r.csat, r.recommend,
      case when num_nonnulls(r.treat_valued, r.treat_responsive, r.treat_equal, r.treat_promise) >= 3
        then (coalesce(r.treat_valued, 0) + coalesce(r.treat_responsive, 0) + coalesce(r.treat_equal, 0) + coalesce(r.treat_promise, 0)) * 12
          / num_nonnulls(r.treat_valued, r.treat_responsive, r.treat_equal, r.treat_promise)
      end as pti_twelfths
    from responses r
    join tier_assignments ta on ta.customer_id = r.customer_id and ta.period = r.period
    join workspace_tiers wt on wt.id = ta.tier_id
    where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
  ) as scoped`;
}

async function rows(db: Database, query: SQL): Promise<unknown[]> {
  const result = await db.execute(query);
  // postgres.js returns the rows array itself; PGlite returns { rows }.
  return Array.isArray(result) ? result : (result as unknown as { rows: unknown[] }).rows;
}

export { rows as selectRows };
