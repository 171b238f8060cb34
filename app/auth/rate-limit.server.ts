import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { rateLimits } from '../../db/schema';

export interface RateLimitRule {
  /** Attempts allowed per window. */
  limit: number;
  windowSeconds: number;
}

export interface RateLimitState {
  limited: boolean;
  /** Seconds until the window ends. */
  retryAfter: number;
}

/** Reads a counter without counting. */
export async function peekRateLimit(db: Database, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const rows = await db
    .select({
      count: rateLimits.count,
      remaining: sql<number>`greatest(0, ceil(extract(epoch from ${rateLimits.windowStartedAt} + make_interval(secs => ${rule.windowSeconds}) - now())))::int`,
    })
    .from(rateLimits)
    .where(sql`${rateLimits.key} = ${key}`);
  const row = rows[0];
  if (!row || row.remaining <= 0) return { limited: false, retryAfter: 0 };
  return { limited: row.count >= rule.limit, retryAfter: row.remaining };
}

/**
 * Counts one attempt in a fixed window, atomically in the database so every
 * app process shares the counter. Returns whether the limit is now exceeded.
 */
export async function hitRateLimit(db: Database, key: string, rule: RateLimitRule): Promise<RateLimitState> {
  const windowEnd = sql`${rateLimits.windowStartedAt} + make_interval(secs => ${rule.windowSeconds})`;
  const rows = await db
    .insert(rateLimits)
    .values({ key, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${windowEnd} <= now() then 1 else ${rateLimits.count} + 1 end`,
        windowStartedAt: sql`case when ${windowEnd} <= now() then now() else ${rateLimits.windowStartedAt} end`,
      },
    })
    .returning({
      count: rateLimits.count,
      remaining: sql<number>`greatest(1, ceil(extract(epoch from ${rateLimits.windowStartedAt} + make_interval(secs => ${rule.windowSeconds}) - now())))::int`,
    });
  const row = rows[0]!;
  return { limited: row.count > rule.limit, retryAfter: row.remaining };
}

/** Forgets a counter, e.g. after a successful login. */
export async function resetRateLimit(db: Database, key: string): Promise<void> {
  await db.delete(rateLimits).where(sql`${rateLimits.key} = ${key}`);
}

/**
 * No rule counts longer than a day (the login gate forgets a quiet key after
 * 24 hours); a counter untouched for longer only keeps a typed email address.
 */
const RATE_LIMIT_RETENTION_HOURS = 25;

/** Deletes counters whose window or delay ran out; returns how many. */
export async function deleteExpiredRateLimits(db: Database): Promise<number> {
  const deleted = await db
    .delete(rateLimits)
    .where(sql`${rateLimits.windowStartedAt} < now() - make_interval(hours => ${RATE_LIMIT_RETENTION_HOURS})`)
    .returning({ key: rateLimits.key });
  return deleted.length;
}
