import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { campaigns, invitations, responses } from '../../db/schema';
import { isUuid } from '../customers/customers.server';

function selectCampaigns(db: Database, where: SQL | undefined) {
  return db
    .select({
      id: campaigns.id,
      name: campaigns.name,
      period: campaigns.period,
      status: campaigns.status,
      closesAt: campaigns.closesAt,
      createdAt: campaigns.createdAt,
      invited: sql<number>`(select count(*) from ${invitations} where ${invitations.campaignId} = ${campaigns.id})::int`,
      started: sql<number>`(select count(*) from ${responses} where ${responses.campaignId} = ${campaigns.id})::int`,
      completed: sql<number>`(select count(*) from ${responses} where ${responses.campaignId} = ${campaigns.id} and ${responses.status} = 'completed')::int`,
    })
    .from(campaigns)
    .where(where)
    .orderBy(desc(campaigns.period), desc(campaigns.createdAt));
}

/** Campaigns of a workspace, newest period first, with their invitation and response counts. */
export async function listCampaigns(db: Database, workspaceId: string) {
  return selectCampaigns(db, eq(campaigns.workspaceId, workspaceId));
}

/** One campaign of the workspace with its counts, or null (also for another workspace's id). */
export async function getCampaign(db: Database, workspaceId: string, campaignId: string) {
  if (!isUuid(campaignId)) return null;
  const [campaign] = await selectCampaigns(db, and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId)));
  return campaign ?? null;
}
