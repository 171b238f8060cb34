/**
 * The product/market-fit plan of a workspace for one quarter and tier (or
 * all tiers): the counted responses (the latest completed one per customer
 * in the quarter, as for every figure) with their customers' attributes, read
 * in one statement and handed to the pure engine (app/analysis/pmf-engine.ts).
 */
import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { computePmfPlan, PMF_ATTRIBUTES, tenureBand, type PmfResponse, type PmfResult } from '../analysis/pmf-engine';
import type { MissUsAnswer } from '../analysis/tables';
import { themeDefinitions, listThemes } from '../themes/themes.server';
import { ThemeMatcher } from '../analysis/themes';
import { periodsWithResponses, tierLabels } from './analysis.server';

/** Quotes shown under each point of the plan (the link opens all of them). */
const QUOTES_PER_POINT = 3;

interface CountedResponse {
  id: string;
  tier: string;
  missUs: MissUsAnswer | null;
  benefit: number | null;
  missMost: string | null;
  improve: string | null;
  industry: string | null;
  size: string | null;
  region: string | null;
  customerSince: string | null;
  accountOwner: string | null;
}

/** The counted responses of `period`, of one tier when `tier` is given. */
export async function countedPmfResponses(db: Database, workspaceId: string, period: string, tier: string | null): Promise<PmfResponse[]> {
  const rows = await selectRows<CountedResponse>(
    db,
    sql`select * from (
          select distinct on (r.customer_id) r.id, wt.label as tier, r.miss_us as "missUs", r.benefit,
            r.miss_most as "missMost", r.improve, c.industry, c.size, c.region,
            to_char(c.customer_since, 'YYYY-MM-DD') as "customerSince", coalesce(nullif(u.name, ''), u.email) as "accountOwner"
          from responses r
          join tier_assignments ta on ta.workspace_id = r.workspace_id and ta.period = r.period and ta.customer_id = r.customer_id
          join workspace_tiers wt on wt.id = ta.tier_id
          join customers c on c.id = r.customer_id
          left join users u on u.id = c.account_owner_id
          where r.workspace_id = ${workspaceId} and r.status = 'completed' and r.period = ${period}
          order by r.customer_id, r.completed_at desc, r.id desc
        ) counted
        ${tier === null ? sql`` : sql`where counted.tier = ${tier}`}`,
  );
  return rows.map((row) => ({
    id: row.id,
    tier: row.tier,
    missUs: row.missUs,
    benefit: row.benefit === null ? null : Number(row.benefit),
    missMost: row.missMost,
    improve: row.improve,
    attributes: {
      industry: row.industry,
      size: row.size,
      region: row.region,
      tenure: tenureBand(row.customerSince, period),
      accountOwner: row.accountOwner,
    },
  }));
}

/** A point of the plan as the page shows it. */
export interface PlanPointView {
  theme: string;
  name: { de: string; en: string };
  count: number;
  share: number;
  quotes: string[];
  /** The verbatims page filtered to the answers behind the point. */
  href: string;
}

export interface PmfPlanPage {
  periods: string[];
  tiers: string[];
  period: string | null;
  tier: string | null;
  result: (Omit<PmfResult, 'doubleDown' | 'removeObstacle'> & {
    doubleDown: { base: number; points: PlanPointView[] };
    removeObstacle: { base: number; points: PlanPointView[] };
  }) | null;
}

/**
 * The plan page's data: the quarter (`period`, or the latest with answers)
 * and the tier (`tier`, or all tiers); an unknown quarter or tier falls back
 * to those defaults.
 */
export async function pmfPlanPage(db: Database, workspaceId: string, wanted: { period?: string; tier?: string }): Promise<PmfPlanPage> {
  const [periods, tiers, themes] = await Promise.all([periodsWithResponses(db, workspaceId), tierLabels(db, workspaceId), listThemes(db, workspaceId)]);
  const period = wanted.period !== undefined && periods.includes(wanted.period) ? wanted.period : (periods[periods.length - 1] ?? null);
  const tier = wanted.tier !== undefined && tiers.includes(wanted.tier) ? wanted.tier : null;
  if (period === null) return { periods, tiers, period, tier, result: null };
  const responses = await countedPmfResponses(db, workspaceId, period, tier);
  const matcher = new ThemeMatcher(themeDefinitions(themes));
  const attributes = tier === null ? PMF_ATTRIBUTES : PMF_ATTRIBUTES.filter((attribute) => attribute !== 'tier');
  const result = computePmfPlan(responses, matcher, attributes);
  const byId = new Map(responses.map((response) => [response.id, response]));
  const names = new Map(themes.map((theme) => [theme.id, { de: theme.nameDe, en: theme.nameEn }]));
  const view = (column: PmfResult['doubleDown'], item: 'miss_most' | 'improve', missUs: 'very' | 'somewhat') => ({
    base: column.base,
    points: column.points.map((point) => {
      const filters = new URLSearchParams({ campaignId: 'all', period, item, missUs, theme: point.theme });
      if (tier !== null) filters.set('tier', tier);
      return {
        theme: point.theme,
        name: names.get(point.theme) ?? { de: point.theme, en: point.theme },
        count: point.count,
        share: point.share,
        // Distinct texts: several customers often write the same words.
        quotes: [...new Set(point.answerIds.map((id) => byId.get(id)![item === 'miss_most' ? 'missMost' : 'improve']?.trim() ?? ''))]
          .filter((text) => text !== '')
          .slice(0, QUOTES_PER_POINT),
        href: `/app/results/verbatims?${filters}`,
      };
    }),
  });
  return {
    periods,
    tiers,
    period,
    tier,
    result: { ...result, doubleDown: view(result.doubleDown, 'miss_most', 'very'), removeObstacle: view(result.removeObstacle, 'improve', 'somewhat') },
  };
}
