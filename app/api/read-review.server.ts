import { z } from 'zod';
import type { Database } from '../../db/client.server';
import type { ScopeReview } from '../reports/tier-review.server';
import { tierReview } from '../reports/tier-review.server';
import { isPeriod } from '../customers/period';

/** Figures from fewer answers are withheld, as on the dashboard ("too few answers"). */
export const MIN_ANSWERS = 10;

const period = z.string().refine(isPeriod, 'a quarter like 2026-Q4');
export const tierReviewQuery = z.object({
  from: period.optional().describe('First quarter, e.g. 2026-Q1; by default the last quarters with data.'),
  to: period.optional().describe('Last quarter, e.g. 2026-Q4.'),
});

const share = z.number().min(0).max(1).nullable();
const figure = (value: z.ZodType) => z.object({ value, n: z.int().min(0) });
const apiScope = z.object({
  tier: z.string().nullable().describe('A tier label; null for all tiers together.'),
  responses: z.int().min(0),
  missUs: z.object({ score: share, low: share, high: share, n: z.int().min(0) }).describe('Share of "very disappointed" with its 95 % Wilson interval.'),
  wouldNotMiss: figure(share),
  pti: figure(z.number().nullable()),
  benefit: figure(z.number().nullable()),
  csat: figure(z.number().nullable()),
  nps: figure(z.number().nullable()),
  responseRate: z.object({ rate: share, completed: z.int().min(0), delivered: z.int().min(0) }),
});
export const tierReviewResult = z.object({
  tiers: z.array(z.string()).describe('Tier labels, best first.'),
  minAnswers: z.int().describe('Figures from fewer answers are null; their n is given.'),
  periods: z.array(z.object({ period: z.string(), previousPeriod: z.string().nullable(), overall: apiScope, byTier: z.array(apiScope) })),
});

const withheld = <T>(value: T | null, n: number) => (n >= MIN_ANSWERS ? value : null);

function toApiScope(scope: ScopeReview): z.input<typeof apiScope> {
  const { metrics } = scope;
  const missUsN = metrics.missUs.n;
  return {
    tier: scope.tier,
    responses: metrics.responses,
    missUs: { score: withheld(metrics.missUs.score, missUsN), low: withheld(metrics.missUs.low, missUsN), high: withheld(metrics.missUs.high, missUsN), n: missUsN },
    wouldNotMiss: { value: withheld(metrics.wouldNotMiss.share, metrics.wouldNotMiss.n), n: metrics.wouldNotMiss.n },
    pti: { value: withheld(metrics.pti.mean, metrics.pti.n), n: metrics.pti.n },
    benefit: { value: withheld(metrics.benefit.mean, metrics.benefit.n), n: metrics.benefit.n },
    csat: { value: withheld(metrics.csat.mean, metrics.csat.n), n: metrics.csat.n },
    nps: { value: withheld(metrics.nps.score, metrics.nps.n), n: metrics.nps.n },
    responseRate: { rate: withheld(scope.responseRate.rate, scope.responseRate.delivered), completed: scope.responseRate.completed, delivered: scope.responseRate.delivered },
  };
}

/** The quarterly tier review's headline figures per period and tier, as the owner's dashboard computes them. */
export async function tierReviewForApi(db: Database, workspaceId: string, query: z.output<typeof tierReviewQuery>): Promise<z.input<typeof tierReviewResult>> {
  const range = query.from && query.to && query.from > query.to ? { from: query.to, to: query.from } : query;
  const review = await tierReview(db, workspaceId, range);
  return {
    tiers: review.tiers,
    minAnswers: MIN_ANSWERS,
    periods: review.periods.map((period) => ({
      period: period.period,
      previousPeriod: period.previousPeriod,
      overall: toApiScope(period.overall),
      byTier: period.byTier.map(toApiScope),
    })),
  };
}
