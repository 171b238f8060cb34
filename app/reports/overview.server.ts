import { and, count, eq, sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { campaigns, customers, flags, responses } from '../../db/schema';

export async function countOpenFlags(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(flags)
    .where(and(eq(flags.workspaceId, workspaceId), eq(flags.status, 'open')));
  return row?.n ?? 0;
}

/** The headline counts of the overview page. */
export async function workspaceSummary(db: Database, workspaceId: string) {
  const [row] = await db
    .select({
      customers: sql<number>`(select count(*) from ${customers} where ${customers.workspaceId} = ${workspaceId} and ${customers.erasedAt} is null)::int`,
      campaigns: sql<number>`(select count(*) from ${campaigns} where ${campaigns.workspaceId} = ${workspaceId})::int`,
      sentCampaigns: sql<number>`(select count(*) from ${campaigns} where ${campaigns.workspaceId} = ${workspaceId} and ${campaigns.status} in ('sending', 'open', 'closed'))::int`,
      completed: sql<number>`(select count(*) from ${responses} where ${responses.workspaceId} = ${workspaceId} and ${responses.status} = 'completed')::int`,
    })
    .from(sql`(select 1) as one`);
  return { ...row!, openFlags: await countOpenFlags(db, workspaceId) };
}

export interface PeriodTierRow {
  period: string;
  tier: string;
  position: number;
  invited: number;
  completed: number;
  /** Answers other than "does not apply": the miss-us denominator. */
  missUsAnswers: number;
  veryDisappointed: number;
}

/**
 * Customers invited, customers who completed a response and their miss-us
 * answers per period and tier, each customer counted once per period however
 * many campaigns reached them (two campaigns in a quarter doubled the invited
 * and halved the response rate), with their latest completed answer, under
 * the tier they had in that period.
 */
export async function periodTierOverview(db: Database, workspaceId: string): Promise<PeriodTierRow[]> {
  const rows = await selectRows<PeriodTierRow>(
    db,
    sql`with per_customer as (
          select k.period, i.customer_id,
            bool_or(r.status = 'completed') as completed,
            (array_agg(r.miss_us order by r.completed_at desc) filter (where r.status = 'completed'))[1] as miss_us
          from invitations i
          join campaigns k on k.id = i.campaign_id
          left join responses r on r.invitation_id = i.id
          where i.workspace_id = ${workspaceId}
          group by k.period, i.customer_id
        )
        select pc.period, wt.label as tier, wt.position,
          count(*)::int as invited,
          (count(*) filter (where pc.completed))::int as completed,
          (count(*) filter (where pc.miss_us in ('very', 'somewhat', 'not')))::int as "missUsAnswers",
          (count(*) filter (where pc.miss_us = 'very'))::int as "veryDisappointed"
        from per_customer pc
        join tier_assignments ta on ta.customer_id = pc.customer_id and ta.period = pc.period
        join workspace_tiers wt on wt.id = ta.tier_id
        group by pc.period, wt.label, wt.position
        order by pc.period desc, wt.position`,
  );
  return rows.map((row) => ({ ...row, position: Number(row.position), invited: Number(row.invited), completed: Number(row.completed), missUsAnswers: Number(row.missUsAnswers), veryDisappointed: Number(row.veryDisappointed) }));
}
