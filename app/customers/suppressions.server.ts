import { and, asc, count, eq, gt, ilike } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { suppressions } from '../../db/schema';

/**
 * A workspace's suppressed addresses by email, with the reason, keyset-paged
 * on the unique index (workspace_id, email).
 */
export async function listSuppressions(db: Database, workspaceId: string, options: { q?: string; after?: string; limit?: number } = {}) {
  const limit = options.limit ?? 100;
  const rows = await db
    .select({ email: suppressions.email, reason: suppressions.reason, createdAt: suppressions.createdAt })
    .from(suppressions)
    .where(
      and(...suppressionFilters(workspaceId, options.q), options.after ? gt(suppressions.email, options.after) : undefined),
    )
    .orderBy(asc(suppressions.email))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { rows: page, next: rows.length > limit ? page[page.length - 1]!.email : null };
}

/** The addresses the list shows: the workspace's, matching the search. The list and its count share it. */
function suppressionFilters(workspaceId: string, search: string | undefined) {
  const q = search?.trim().toLowerCase();
  return [eq(suppressions.workspaceId, workspaceId), q ? ilike(suppressions.email, `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined];
}

/** How many suppressed addresses the search finds (all of them without one). */
export async function countSuppressions(db: Database, workspaceId: string, options: { q?: string } = {}): Promise<number> {
  const [row] = await db.select({ n: count() }).from(suppressions).where(and(...suppressionFilters(workspaceId, options.q)));
  return row?.n ?? 0;
}
