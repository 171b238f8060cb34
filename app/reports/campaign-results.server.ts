import { sql } from 'drizzle-orm';
import type { Metrics } from '../analysis/metrics';
import { scopeReview } from '../analysis/period-review';
import { selectRows, type Database } from '../../db/client.server';
import { loadPeriodTables } from './period-tables.server';
import { loadInvitationCounts } from './rollups.server';
import { openFlagsByTier, type TierFlagCount } from './tier-flags.server';
import { tierLabels } from './analysis.server';

/** One tier's figures of a campaign, counted as the review counts its quarter. */
export interface CampaignTierResult {
  tier: string;
  /** Customers of the tier the campaign invited, and those the invitation reached. */
  invited: number;
  delivered: number;
  /** Customers who completed their response. */
  completed: number;
  /** Completed of delivered, as the review's response rate (null before anything was delivered). */
  responseRate: number | null;
  missUs: Metrics['missUs'];
  pti: Metrics['pti'];
  /** Customers with an open flag raised in this campaign, and those past the service level. */
  flags: Pick<TierFlagCount, 'open' | 'overdue'>;
}

export interface CampaignResults {
  period: string;
  tiers: CampaignTierResult[];
  /** Completed responses of the campaign over every tier (0: the page's empty state). */
  completed: number;
  /** Campaigns in the quarter besides this one: the review and the customer lists then count each customer's latest answer of the quarter. */
  otherCampaignsInQuarter: number;
}

/**
 * The results of one campaign per tier of its quarter: invited, completed,
 * response rate, miss-us score with its Wilson interval, treatment index and
 * open flags. The same frequency tables and the same scope figures as the
 * quarterly review (app/analysis/period-review.ts), restricted to the
 * campaign's responses and invitations, so that a quarter with one campaign
 * shows the review's figures to the digit. Customers are counted under the
 * tier they had in the campaign's quarter; tiers without invitations are
 * left out.
 */
export async function campaignResults(db: Database, workspaceId: string, campaign: { id: string; period: string }, now: Date = new Date()): Promise<CampaignResults> {
  const [tiers, tables, invitations, flags, [others]] = await Promise.all([
    tierLabels(db, workspaceId),
    loadPeriodTables(db, workspaceId, campaign.period, campaign.id),
    loadInvitationCounts(db, workspaceId, campaign.period, campaign.id),
    openFlagsByTier(db, workspaceId, campaign.period, now, campaign.id),
    selectRows<{ n: number | string }>(
      db,
      sql`select count(*) as n from campaigns
          where workspace_id = ${workspaceId} and period = ${campaign.period} and id <> ${campaign.id} and status <> 'draft'`,
    ),
  ]);
  const data = { period: campaign.period, tables, invitations };
  const invitedTiers = tiers.filter((tier) => invitations.some((row) => row.tier === tier && row.invited > 0));
  return {
    period: campaign.period,
    completed: tables.responses.reduce((sum, row) => sum + row.count, 0),
    otherCampaignsInQuarter: Number(others?.n ?? 0),
    tiers: invitedTiers.map((tier) => {
      const scope = scopeReview(data, undefined, tier);
      const counts = invitations.find((row) => row.tier === tier)!;
      const tierFlags = flags.find((row) => row.tier === tier);
      return {
        tier,
        invited: counts.invited,
        delivered: scope.responseRate.delivered,
        completed: scope.responseRate.completed,
        responseRate: scope.responseRate.rate,
        missUs: scope.metrics.missUs,
        pti: scope.metrics.pti,
        flags: { open: tierFlags?.open ?? 0, overdue: tierFlags?.overdue ?? 0 },
      };
    }),
  };
}
