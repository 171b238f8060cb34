import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { selectRows } from '../email/sql.server';
import { classifiedAudience, type AudienceSpec } from './audience.server';

/** One customer the contact rule holds back, with the invitation that does it. */
export interface HeldBackCustomer {
  id: string;
  name: string | null;
  company: string | null;
  /** Their tier in the campaign's quarter, or null. */
  tier: string | null;
  lastInvitedAt: string;
  campaignId: string;
  campaignName: string;
}

export interface HeldBack {
  /** The wait that applies, in days. */
  days: number;
  total: number;
  /** Per tier of the campaign's quarter, best first; `tier: null` for customers without one. */
  byTier: Array<{ tier: string | null; n: number }>;
  /** The most recently invited first, at most `limit`. */
  customers: HeldBackCustomer[];
}

/**
 * Who the contact rule holds back from a campaign and why: the customers of
 * its audience whom another campaign of the workspace invited within the
 * wait, counted per tier, and the first `limit` of them with their last such
 * invitation (date and campaign). Other reasons to leave a customer out
 * (erased, suppressed, …) come first, as in the audience preview.
 */
export async function heldBackByContactRule(db: Database, spec: AudienceSpec, limit = 50): Promise<HeldBack> {
  if (spec.cooldownDays <= 0) return { days: 0, total: 0, byTier: [], customers: [] };
  const held = sql`(select audience.id from ${classifiedAudience(spec)} where audience.reason = 'cooldown')`;
  const otherCampaign = spec.campaignId ? sql`and i.campaign_id <> ${spec.campaignId}::uuid` : sql``;
  const [tiers, customers] = await Promise.all([
    selectRows<{ tier: string | null; n: number }>(
      db,
      sql`select wt.label as tier, count(*)::int as n
        from ${held} h
        left join tier_assignments ta on ta.customer_id = h.id and ta.period = ${spec.period}
        left join workspace_tiers wt on wt.id = ta.tier_id
        group by wt.label, wt.position
        order by wt.position nulls last`,
    ),
    selectRows<HeldBackCustomer>(
      db,
      sql`select c.id, c.name, c.company, wt.label as tier, last.at as "lastInvitedAt", last.campaign_id as "campaignId", last.campaign_name as "campaignName"
        from ${held} h
        join customers c on c.id = h.id
        join lateral (
          select coalesce(i.sent_at, i.created_at) as at, k.id as campaign_id, k.name as campaign_name
          from invitations i join campaigns k on k.id = i.campaign_id
          where i.customer_id = c.id ${otherCampaign}
          order by coalesce(i.sent_at, i.created_at) desc
          limit 1
        ) last on true
        left join tier_assignments ta on ta.customer_id = c.id and ta.period = ${spec.period}
        left join workspace_tiers wt on wt.id = ta.tier_id
        order by last.at desc, c.name, c.id
        limit ${limit}`,
    ),
  ]);
  const byTier = tiers.map((row) => ({ tier: row.tier, n: Number(row.n) }));
  return {
    days: spec.cooldownDays,
    total: byTier.reduce((sum, row) => sum + row.n, 0),
    byTier,
    customers: customers.map((row) => ({ ...row, lastInvitedAt: new Date(row.lastInvitedAt).toISOString() })),
  };
}
