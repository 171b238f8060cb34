import { and, asc, desc, eq, ilike, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { customers, tierAssignments, workspaceTiers } from '../../db/schema';

/** Escapes LIKE wildcards so a search for `50%` finds that text. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Customers of a workspace with their latest tier, optionally searched by
 * name, email, company or external id.
 */
export async function listCustomers(db: Database, workspaceId: string, options: { q?: string; limit?: number } = {}) {
  const latestTier = db
    .selectDistinctOn([tierAssignments.customerId], {
      customerId: tierAssignments.customerId,
      period: tierAssignments.period,
      tier: workspaceTiers.label,
    })
    .from(tierAssignments)
    .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
    .where(eq(tierAssignments.workspaceId, workspaceId))
    .orderBy(tierAssignments.customerId, desc(tierAssignments.period))
    .as('latest_tier');
  const q = options.q?.trim();
  const search = q
    ? or(
        ilike(customers.name, likePattern(q)),
        ilike(customers.email, likePattern(q)),
        ilike(customers.company, likePattern(q)),
        ilike(customers.externalId, likePattern(q)),
      )
    : undefined;
  return db
    .select({
      id: customers.id,
      externalId: customers.externalId,
      name: customers.name,
      company: customers.company,
      email: customers.email,
      tier: latestTier.tier,
      period: latestTier.period,
    })
    .from(customers)
    .leftJoin(latestTier, eq(latestTier.customerId, customers.id))
    .where(and(eq(customers.workspaceId, workspaceId), isNull(customers.erasedAt), search))
    .orderBy(asc(customers.name), asc(customers.id))
    .limit(options.limit ?? 50);
}

/** One customer of the workspace with their tier history, or null (also for another workspace's id). */
export async function getCustomer(db: Database, workspaceId: string, customerId: string) {
  if (!isUuid(customerId)) return null;
  const [customer] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.id, customerId), eq(customers.workspaceId, workspaceId)));
  if (!customer) return null;
  const tiers = await db
    .select({
      period: tierAssignments.period,
      tier: workspaceTiers.label,
      revenue: tierAssignments.revenue,
      margin: tierAssignments.margin,
      source: tierAssignments.source,
    })
    .from(tierAssignments)
    .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
    .where(eq(tierAssignments.customerId, customer.id))
    .orderBy(desc(tierAssignments.period));
  return { ...customer, tiers };
}

export async function countCustomers(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), isNull(customers.erasedAt)));
  return row?.n ?? 0;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in URLs are checked before they reach SQL, so a malformed id is a 404, not a database error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
