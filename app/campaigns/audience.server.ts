import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { selectRows } from '../email/sql.server';

export const exclusionReasons = ['erased', 'no_email', 'suppressed', 'cooldown', 'duplicate_email'] as const;
export type ExclusionReason = (typeof exclusionReasons)[number];

export interface AudienceSpec {
  workspaceId: string;
  /** Invitations of this campaign do not count as "surveyed recently". */
  campaignId: string | null;
  period: string;
  /** null: every customer of the workspace. */
  tierIds: string[] | null;
  cooldownDays: number;
}

/**
 * Every customer in the audience with the reason they are left out (null:
 * invited). Reasons are checked in order, so each customer counts once:
 * erased, no email, suppressed (unsubscribed, bounced, complained), surveyed
 * within the cooldown, and a second customer with the same address.
 */
export function classifiedAudience(spec: AudienceSpec): SQL {
  const inTiers = spec.tierIds
    ? sql`and exists (select 1 from tier_assignments ta where ta.customer_id = c.id and ta.period = ${spec.period}
        and ta.tier_id in (${sql.join(spec.tierIds.map((id) => sql`${id}::uuid`), sql`, `)}))`
    : sql``;
  const otherCampaign = spec.campaignId ? sql`and i.campaign_id <> ${spec.campaignId}::uuid` : sql``;
  return sql`(
    select ranked.id, ranked.email, ranked.name, ranked.locale,
      coalesce(ranked.reason, case when ranked.same_address > 1 then 'duplicate_email' end) as reason
    from (
      select classified.*,
        case when classified.reason is null
          then row_number() over (partition by classified.reason is null, lower(classified.email) order by classified.created_at, classified.id)
        end as same_address
      from (
        select c.id, btrim(c.email) as email, c.name, c.locale, c.created_at,
          case
            when c.erased_at is not null then 'erased'
            when c.email is null or btrim(c.email) = '' then 'no_email'
            when exists (select 1 from suppressions s where s.workspace_id = c.workspace_id and s.email = lower(btrim(c.email))) then 'suppressed'
            when exists (select 1 from invitations i where i.customer_id = c.id ${otherCampaign}
              and coalesce(i.sent_at, i.created_at) > now() - make_interval(days => ${spec.cooldownDays}::int)) then 'cooldown'
          end as reason
        from customers c
        where c.workspace_id = ${spec.workspaceId}::uuid ${inTiers}
      ) classified
    ) ranked
  ) audience`;
}

export interface AudiencePreview {
  total: number;
  eligible: number;
  excluded: Record<ExclusionReason, number>;
  /**
   * Of the eligible, those another campaign of the same quarter has invited
   * already: a second invitation in one quarter, though they count once in
   * its response rate.
   */
  invitedThisPeriod: number;
}

/** How many customers a campaign would invite now, and why the others are left out. */
export async function previewAudience(db: Database, spec: AudienceSpec): Promise<AudiencePreview> {
  const otherCampaign = spec.campaignId ? sql`and k.id <> ${spec.campaignId}::uuid` : sql``;
  const rows = await selectRows<{ reason: ExclusionReason | null; n: number; again: number }>(
    db,
    sql`select reason, count(*)::int as n,
          count(*) filter (where exists (select 1 from invitations i join campaigns k on k.id = i.campaign_id
            where i.customer_id = audience.id and k.period = ${spec.period} ${otherCampaign}))::int as again
        from ${classifiedAudience(spec)} group by reason`,
  );
  const excluded = Object.fromEntries(exclusionReasons.map((reason) => [reason, 0])) as Record<ExclusionReason, number>;
  let eligible = 0;
  let invitedThisPeriod = 0;
  for (const row of rows) {
    if (row.reason === null) {
      eligible = Number(row.n);
      invitedThisPeriod = Number(row.again);
    } else excluded[row.reason] = Number(row.n);
  }
  const total = eligible + Object.values(excluded).reduce((sum, n) => sum + n, 0);
  return { total, eligible, excluded, invitedThisPeriod };
}

export interface Recipient {
  id: string;
  email: string;
  name: string | null;
  locale: 'de' | 'en';
}

/**
 * The customers to invite, in a stable order, leaving out those the campaign
 * has invited already (a launch that is resumed after a crash).
 */
export async function audienceRecipients(db: Database, spec: AudienceSpec): Promise<Recipient[]> {
  const notYetInvited = spec.campaignId
    ? sql`and not exists (select 1 from invitations i where i.campaign_id = ${spec.campaignId}::uuid and i.customer_id = audience.id)`
    : sql``;
  return selectRows<Recipient>(db, sql`select id, email, name, locale from ${classifiedAudience(spec)} where reason is null ${notYetInvited} order by id`);
}
