import { sql, type SQL } from 'drizzle-orm';
import { sortPeriodTables } from '../analysis/table-delta';
import type { DriverItem, MissUsAnswer, MissUsOrdinal, PeriodTables, ScaleItem } from '../analysis/tables';
import { selectRows, type Database } from '../../db/client.server';
import { ptiTwelfthsSql } from './pti-sql';

/**
 * The frequency tables of one period of a workspace (app/analysis/tables.ts)
 * in one statement: the period's completed responses are read once, grouped
 * by their answers, and every table sums those groups. A response counts under the tier its customer had
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
 * treat_equal, treat_promise, benefit, csat, recommend`, in customer order.
 * With `customerIds` (a JSON array of ids), only those customers (an index
 * lookup each); with `campaignId`, only that campaign's responses.
 *
 * The latest response of each customer is picked before the tier is joined:
 * every response of a customer in a period has the same tier assignment, so
 * this is the same as joining first, and the responses come out of the sort
 * in customer order, which the tier index is in too (a merge join instead of
 * hashing all of the period's tier assignments: about half the CPU time for
 * a quarter of the large data set).
 */
export function countedResponsesSql(
  workspaceId: string,
  period: string,
  options: { campaignId?: string; customerIds?: string } = {},
): SQL {
  return sql`select r.customer_id, wt.label as tier, r.miss_us, r.treat_valued, r.treat_responsive,
        r.treat_equal, r.treat_promise, r.benefit, r.csat, r.recommend
      from (
        select distinct on (r.customer_id) r.customer_id, r.miss_us, r.treat_valued, r.treat_responsive,
          r.treat_equal, r.treat_promise, r.benefit, r.csat, r.recommend
        from responses r
        where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
          ${options.campaignId ? sql`and r.campaign_id = ${options.campaignId}` : sql``}
          ${options.customerIds !== undefined ? sql`and r.customer_id in (select json_array_elements_text(${options.customerIds}::json)::uuid)` : sql``}
        order by r.customer_id, r.completed_at desc, r.id desc
      ) r
      join tier_assignments ta on ta.workspace_id = ${workspaceId} and ta.period = ${period} and ta.customer_id = r.customer_id
      join workspace_tiers wt on wt.id = ta.tier_id`;
}

/**
 * The frequency tables of the rows `source` selects (columns as in
 * `countedResponsesSql`, one row per customer): the raw responses, or the
 * counted rows stored for the period (period_rollup_counted). `ctes`: common
 * table expressions put before the counting ones, which `source` may name
 * (the recount writes the counted rows from the same rows it counts).
 */
export async function loadTablesOf(db: Database, source: SQL, ctes?: SQL): Promise<PeriodTables> {
  return tablesOfRows(await selectRows<TableRow>(db, frequencyTablesSql(source, ctes)));
}

/**
 * One statement for all tables. The rows are first grouped by everything
 * the tables count (one pass; grouping sets: the answers that make up the
 * profiles, drivers, PTI and miss-us by tier, and csat and recommend by tier
 * on their own), and each table sums those groups: about 7,000 groups
 * instead of 80,000 rows for a quarter of the large data set, which took
 * the counting from about three times the cost of reading the rows to a
 * fifth of it. `grouping(miss_us, csat, recommend)` tells the three sets
 * apart (3: the answers; 5: csat; 6: recommend), as a NULL in a grouped
 * column is also an unanswered item.
 */
function frequencyTablesSql(source: SQL, ctes?: SQL): SQL {
  return sql`with ${ctes ? sql`${ctes}, ` : sql``}grouped as materialized (
      select c.tier, c.miss_us, c.treat_valued, c.treat_responsive, c.treat_equal, c.treat_promise, c.benefit, c.csat, c.recommend,
        count(*)::int as n, grouping(c.miss_us, c.csat, c.recommend) as grouping_set
      from (${source}) c
      group by grouping sets ((c.tier, c.miss_us, c.treat_valued, c.treat_responsive, c.treat_equal, c.treat_promise, c.benefit),
        (c.tier, c.csat), (c.tier, c.recommend))
    ), answers as (
      select g.tier, g.miss_us, g.treat_valued, g.treat_responsive, g.treat_equal, g.treat_promise, g.benefit, g.n,
        ${ptiTwelfthsSql('g')} as pti_twelfths
      from grouped g where g.grouping_set = 3
    )
    select 'responses' as "table", tier, null::text as key, null::int as ordinal, null::int as value, sum(n) as count
      from answers group by tier
    union all
    select 'missUs', tier, miss_us, null, null, sum(n) from answers where miss_us is not null group by tier, miss_us
    union all
    select 'pti', tier, null, null, pti_twelfths, sum(n) from answers where pti_twelfths is not null group by tier, pti_twelfths
    union all
    select 'scales', tier, 'benefit', null, benefit, sum(n) from answers where benefit is not null group by tier, benefit
    union all
    select 'scales', tier, 'csat', null, csat, n from grouped where grouping_set = 5 and csat is not null
    union all
    select 'scales', tier, 'recommend', null, recommend, n from grouped where grouping_set = 6 and recommend is not null
    union all
    select 'drivers', tier, s.item, case miss_us when 'very' then 2 when 'somewhat' then 1 else 0 end, s.value, sum(n)
      from answers cross join lateral (values ('treat_valued', treat_valued), ('treat_responsive', treat_responsive),
        ('treat_equal', treat_equal), ('treat_promise', treat_promise), ('benefit', benefit)) as s(item, value)
      where s.value is not null and miss_us in ('very', 'somewhat', 'not')
      group by tier, s.item, 4, s.value
    union all
    select 'profiles', tier, concat(treat_valued, treat_responsive, treat_equal, treat_promise, benefit),
        case miss_us when 'very' then 2 when 'somewhat' then 1 else 0 end, null, n
      from answers
      where miss_us in ('very', 'somewhat', 'not') and treat_valued is not null and treat_responsive is not null
        and treat_equal is not null and treat_promise is not null and benefit is not null`;
}

interface TableRow {
  table: string;
  tier: string;
  key: string | null;
  ordinal: number | null;
  value: number | null;
  /** A bigint: text from postgres.js. */
  count: string | number;
}

/**
 * The tables of the statement's rows, in canonical order. The rows are the
 * statement's own (labels, answers the schema's checks bound, counts), so
 * they are taken as they are instead of through `periodTablesSchema`: its
 * checks of every row cost more than the rest of turning the rows into
 * tables.
 */
function tablesOfRows(rows: readonly TableRow[]): PeriodTables {
  const tables: Required<PeriodTables> = { responses: [], missUs: [], pti: [], scales: [], drivers: [], profiles: [] };
  for (const { table, tier, key, ordinal, value, count: text } of rows) {
    const count = Number(text);
    switch (table) {
      case 'responses':
        tables.responses.push({ tier, count });
        break;
      case 'missUs':
        tables.missUs.push({ tier, missUs: key as MissUsAnswer, count });
        break;
      case 'pti':
        tables.pti.push({ tier, ptiTwelfths: Number(value), count });
        break;
      case 'scales':
        tables.scales.push({ tier, item: key as ScaleItem, value: Number(value), count });
        break;
      case 'drivers':
        tables.drivers.push({ tier, item: key as DriverItem, missUsOrdinal: Number(ordinal) as MissUsOrdinal, value: Number(value), count });
        break;
      case 'profiles':
        // Five one-digit answers joined into one text column, e.g. '43452'.
        tables.profiles.push({ tier, missUsOrdinal: Number(ordinal) as MissUsOrdinal, values: [...(key ?? '')].map(Number), count });
        break;
      default:
        throw new Error(`Unknown frequency table ${table}`);
    }
  }
  // In one canonical order: tables kept by difference (rollups.server.ts) come out the same.
  return sortPeriodTables(tables);
}

export { selectRows };
