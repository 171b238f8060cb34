import { sql, type SQL } from 'drizzle-orm';
import { sortPeriodTables } from '../analysis/table-delta';
import { periodTablesSchema, type PeriodTables } from '../analysis/tables';
import { selectRows, type Database } from '../../db/client.server';
import { ptiTwelfthsSql } from './pti-sql';

/**
 * The frequency tables of one period of a workspace (app/analysis/tables.ts)
 * in one statement: the period's completed responses are read once (a
 * materialised CTE with each response's tier and exact PTI) and every table
 * is a GROUP BY over that. A response counts under the tier its customer had
 * in the campaign's period (`responses.period` is the campaign's period).
 * One response per customer and period counts: the latest completed one (a
 * customer who answered two campaigns of a quarter is not counted twice).
 * With `campaignId`, only that campaign's responses count (a campaign has
 * one invitation, so one response, per customer): the campaign page's
 * figures, by the same rules as the review's.
 */
export async function loadPeriodTables(db: Database, workspaceId: string, period: string, campaignId?: string): Promise<PeriodTables> {
  return loadTablesOf(db, countedResponsesSql(workspaceId, period, { campaignId }));
}

/**
 * The response that counts of each customer of a period, with the tier it
 * counts under: `customer_id, tier, miss_us, treat_valued, treat_responsive,
 * treat_equal, treat_promise, benefit, csat, recommend`. With `customerIds`
 * (a JSON array of ids), only those customers (an index lookup each); with
 * `campaignId`, only that campaign's responses.
 */
export function countedResponsesSql(
  workspaceId: string,
  period: string,
  options: { campaignId?: string; customerIds?: string } = {},
): SQL {
  return sql`select distinct on (r.customer_id) r.customer_id, wt.label as tier, r.miss_us, r.treat_valued, r.treat_responsive,
        r.treat_equal, r.treat_promise, r.benefit, r.csat, r.recommend
      from responses r
      join tier_assignments ta on ta.workspace_id = r.workspace_id and ta.period = r.period and ta.customer_id = r.customer_id
      join workspace_tiers wt on wt.id = ta.tier_id
      where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
        ${options.campaignId ? sql`and r.campaign_id = ${options.campaignId}` : sql``}
        ${options.customerIds !== undefined ? sql`and r.customer_id in (select json_array_elements_text(${options.customerIds}::json)::uuid)` : sql``}
      order by r.customer_id, r.completed_at desc, r.id desc`;
}

/**
 * The frequency tables of the rows `source` selects (columns as in
 * `countedResponsesSql`, one row per customer): the raw responses, or the
 * counted rows stored for the period (period_rollup_counted).
 */
export async function loadTablesOf(db: Database, source: SQL): Promise<PeriodTables> {
  const rows = (await selectRows(
    db,
    sql`with scoped as materialized (
          select c.tier, c.miss_us, c.treat_valued, c.treat_responsive, c.treat_equal, c.treat_promise,
            c.benefit, c.csat, c.recommend,
            ${ptiTwelfthsSql('c')} as pti_twelfths
          from (${source}) c
        )
        select 'responses' as "table", tier, null::text as key, null::int as ordinal, null::int as value, count(*) as count
          from scoped group by tier
        union all
        select 'missUs', tier, miss_us, null, null, count(*) from scoped where miss_us is not null group by tier, miss_us
        union all
        select 'pti', tier, null, null, pti_twelfths, count(*) from scoped where pti_twelfths is not null group by tier, pti_twelfths
        union all
        select 'scales', tier, s.item, null, s.value, count(*)
          from scoped cross join lateral (values ('benefit', benefit), ('csat', csat), ('recommend', recommend)) as s(item, value)
          where s.value is not null group by tier, s.item, s.value
        union all
        select 'drivers', tier, s.item, case miss_us when 'very' then 2 when 'somewhat' then 1 else 0 end, s.value, count(*)
          from scoped cross join lateral (values ('treat_valued', treat_valued), ('treat_responsive', treat_responsive),
            ('treat_equal', treat_equal), ('treat_promise', treat_promise), ('benefit', benefit)) as s(item, value)
          where s.value is not null and miss_us in ('very', 'somewhat', 'not')
          group by tier, s.item, 4, s.value
        union all
        select 'profiles', tier, concat(treat_valued, treat_responsive, treat_equal, treat_promise, benefit),
            case miss_us when 'very' then 2 when 'somewhat' then 1 else 0 end, null, count(*)
          from scoped
          where miss_us in ('very', 'somewhat', 'not') and treat_valued is not null and treat_responsive is not null
            and treat_equal is not null and treat_promise is not null and benefit is not null
          group by tier, 3, 4`,
  )) as Array<{ table: string; tier: string; key: string | null; ordinal: number | null; value: number | null; count: string | number }>;
  const of = (table: string) => rows.filter((row) => row.table === table);
  // In one canonical order: tables kept by difference (rollups.server.ts) come out the same.
  return sortPeriodTables(periodTablesSchema.parse({
    responses: of('responses').map(({ tier, count }) => ({ tier, count })),
    missUs: of('missUs').map(({ tier, key, count }) => ({ tier, missUs: key, count })),
    pti: of('pti').map(({ tier, value, count }) => ({ tier, ptiTwelfths: value, count })),
    scales: of('scales').map(({ tier, key, value, count }) => ({ tier, item: key, value, count })),
    drivers: of('drivers').map(({ tier, key, ordinal, value, count }) => ({ tier, item: key, missUsOrdinal: Number(ordinal), value, count })),
    // Five one-digit answers joined into one text column, e.g. '43452'.
    profiles: of('profiles').map(({ tier, key, ordinal, count }) => ({ tier, missUsOrdinal: Number(ordinal), values: [...(key ?? '')], count })),
  }));
}

export { selectRows };
