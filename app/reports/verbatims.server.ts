import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { campaigns } from '../../db/schema';
import { isUuid } from '../customers/customers.server';
import { cursorId, cursorTimestamp, decodeCursor, isoTimestamp, keysetPage } from '../http/keyset.server';
import { selectRows } from './period-tables.server';
import { verbatimItems, type VerbatimFilters } from './verbatim-filters';

export { verbatimFiltersSchema, verbatimItems, type VerbatimFilters } from './verbatim-filters';

export interface Verbatim {
  responseId: string;
  customerId: string;
  customerName: string | null;
  tier: string | null;
  missUs: string | null;
  item: (typeof verbatimItems)[number];
  text: string;
  completedAt: string;
  flagKinds: string[];
}

/** Campaigns that have answers, newest first, for the campaign choice. */
export async function campaignsWithAnswers(db: Database, workspaceId: string) {
  return db
    .select({ id: campaigns.id, name: campaigns.name, period: campaigns.period })
    .from(campaigns)
    .where(and(eq(campaigns.workspaceId, workspaceId), sql`exists (select 1 from responses r where r.campaign_id = ${campaigns.id} and r.status = 'completed')`))
    .orderBy(desc(campaigns.period), desc(campaigns.createdAt));
}

/** A campaign's id, or `all` for every campaign of the workspace. */
export type VerbatimCampaign = string;

/** The free-text answers the filters select (rows r, c, wt, v), shared by the list and its count. */
function verbatimSource(workspaceId: string, campaignId: VerbatimCampaign, filters: VerbatimFilters) {
  const pattern = filters.q ? `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const flagOf = sql`select 1 from flags f where f.campaign_id = r.campaign_id and f.customer_id = r.customer_id`;
  return sql`from responses r
        join customers c on c.id = r.customer_id
        left join tier_assignments ta on ta.workspace_id = r.workspace_id and ta.period = r.period and ta.customer_id = r.customer_id
        left join workspace_tiers wt on wt.id = ta.tier_id
        cross join lateral (values ('miss_most', r.miss_most), ('alternative', r.alternative), ('improve', r.improve)) as v(item, text)
        where r.workspace_id = ${workspaceId} and r.status = 'completed'
          ${campaignId === 'all' ? sql`` : sql`and r.campaign_id = ${campaignId}`}
          ${filters.period ? sql`and r.period = ${filters.period}` : sql``}
          and v.text is not null and btrim(v.text) <> ''
          ${filters.item ? sql`and v.item = ${filters.item}` : sql``}
          ${pattern ? sql`and v.text ilike ${pattern}` : sql``}
          ${filters.tier ? sql`and wt.label = ${filters.tier}` : sql``}
          ${filters.missUs ? sql`and r.miss_us = ${filters.missUs}` : sql``}
          ${
            filters.flagged === 'any'
              ? sql`and exists (${flagOf})`
              : filters.flagged === 'none'
                ? sql`and not exists (${flagOf})`
                : filters.flagged
                  ? sql`and exists (${flagOf} and f.kind = ${filters.flagged})`
                  : sql``
          }`;
}

/** Where the next page of verbatims starts: the last one's completion (to the microsecond), response and item. */
const cursorShape = z.tuple([cursorTimestamp, cursorId, z.enum(verbatimItems)]);

/**
 * The free-text answers of completed responses (of one campaign or `all`),
 * one per item, newest first, filtered by quarter, search text, tier,
 * miss-us answer and flags; a page of `limit` after the cursor `after`
 * (keyset: completion, response, item). Texts of erased customers stay
 * (they are anonymous) but carry no name.
 */
export async function pageVerbatims(
  db: Database,
  workspaceId: string,
  campaignId: VerbatimCampaign,
  filters: VerbatimFilters,
  options: { limit?: number; after?: string } = {},
): Promise<{ rows: Verbatim[]; next: string | null }> {
  if (campaignId !== 'all' && !isUuid(campaignId)) return { rows: [], next: null };
  const limit = options.limit ?? 500;
  const cursor = decodeCursor(cursorShape, options.after);
  const rows = (await selectRows(
    db,
    sql`select r.id as "responseId", r.customer_id as "customerId", c.name as "customerName", wt.label as tier,
          r.miss_us as "missUs", v.item, v.text, r.completed_at as "completedAt", ${isoTimestamp(sql`r.completed_at`)} as "cursorAt",
          coalesce((select array_agg(distinct f.kind) from flags f where f.campaign_id = r.campaign_id and f.customer_id = r.customer_id), '{}') as "flagKinds"
        ${verbatimSource(workspaceId, campaignId, filters)}
          ${cursor ? sql`and (r.completed_at, r.id, v.item) < (${cursor[0]}::timestamptz, ${cursor[1]}::uuid, ${cursor[2]}::text)` : sql``}
        order by r.completed_at desc, r.id desc, v.item desc
        limit ${limit + 1}`,
  )) as Array<Record<string, unknown>>;
  const page = keysetPage(rows, limit, (last) => [last.cursorAt, last.responseId, last.item]);
  return {
    rows: page.rows.map(({ cursorAt: _cursorAt, ...row }) => ({
      ...(row as unknown as Verbatim),
      completedAt: new Date(row.completedAt as string).toISOString(),
      flagKinds: Array.isArray(row.flagKinds) ? (row.flagKinds as string[]) : parsePgArray(String(row.flagKinds)),
    })),
    next: page.next,
  };
}

/** Every free-text answer the filters select, up to `limit` (the download). */
export async function listVerbatims(db: Database, workspaceId: string, campaignId: VerbatimCampaign, filters: VerbatimFilters, limit = 500): Promise<Verbatim[]> {
  return (await pageVerbatims(db, workspaceId, campaignId, filters, { limit })).rows;
}

/** How many free-text answers the filters select: the page shows at most 500, its count all of them. */
export async function countVerbatims(db: Database, workspaceId: string, campaignId: VerbatimCampaign, filters: VerbatimFilters): Promise<number> {
  if (campaignId !== 'all' && !isUuid(campaignId)) return 0;
  const [row] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n ${verbatimSource(workspaceId, campaignId, filters)}`);
  return Number(row?.n ?? 0);
}

/** postgres.js returns arrays of an aggregate as text in some set-ups: `{a,b}`. */
function parsePgArray(text: string): string[] {
  return text.replace(/^\{|\}$/g, '').split(',').filter(Boolean);
}
