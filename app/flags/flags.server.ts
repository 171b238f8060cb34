import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { campaigns, customers, flags } from '../../db/schema';

/** Flags of a workspace, newest first, optionally by status. */
export async function listFlags(db: Database, workspaceId: string, options: { status?: (typeof flags.status.enumValues)[number] } = {}) {
  return db
    .select({
      id: flags.id,
      kind: flags.kind,
      severity: flags.severity,
      reasons: flags.reasons,
      status: flags.status,
      createdAt: flags.createdAt,
      customerId: customers.id,
      customerName: customers.name,
      campaignName: campaigns.name,
      period: campaigns.period,
    })
    .from(flags)
    .innerJoin(customers, eq(customers.id, flags.customerId))
    .innerJoin(campaigns, eq(campaigns.id, flags.campaignId))
    .where(and(eq(flags.workspaceId, workspaceId), options.status ? eq(flags.status, options.status) : undefined))
    .orderBy(desc(flags.createdAt))
    .limit(200);
}
