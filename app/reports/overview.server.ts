import { and, count, eq, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { campaigns, customers, flags, invitations, responses, tierAssignments, workspaceTiers } from '../../db/schema';

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
 * Invitations, completed responses and miss-us counts per period and tier,
 * each response under the tier its customer had in the campaign's period.
 */
export async function periodTierOverview(db: Database, workspaceId: string): Promise<PeriodTierRow[]> {
  const rows = await db
    .select({
      period: campaigns.period,
      tier: workspaceTiers.label,
      position: workspaceTiers.position,
      invited: sql<number>`count(*)::int`,
      completed: sql<number>`count(*) filter (where ${responses.status} = 'completed')::int`,
      missUsAnswers: sql<number>`count(*) filter (where ${responses.status} = 'completed' and ${responses.missUs} in ('very', 'somewhat', 'not'))::int`,
      veryDisappointed: sql<number>`count(*) filter (where ${responses.status} = 'completed' and ${responses.missUs} = 'very')::int`,
    })
    .from(invitations)
    .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
    .innerJoin(
      tierAssignments,
      and(eq(tierAssignments.customerId, invitations.customerId), eq(tierAssignments.period, campaigns.period)),
    )
    .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
    .leftJoin(responses, eq(responses.invitationId, invitations.id))
    .where(eq(invitations.workspaceId, workspaceId))
    .groupBy(campaigns.period, workspaceTiers.label, workspaceTiers.position)
    .orderBy(sql`${campaigns.period} desc`, workspaceTiers.position);
  return rows;
}
