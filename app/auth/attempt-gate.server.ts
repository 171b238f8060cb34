import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { rateLimits } from '../../db/schema';

/**
 * A counter that allows `free` attempts, then makes each further one wait
 * longer (base, 2 × base, 4 × base … up to `maxSeconds`) instead of locking
 * the key for a fixed time; it is forgotten after `forgetSeconds` without an
 * attempt. In `rate_limits`, `count` holds the attempts and
 * `window_started_at` the time of the latest one.
 */
export interface DelayRule {
  kind: 'delay';
  free: number;
  baseSeconds: number;
  maxSeconds: number;
  forgetSeconds: number;
}

/** At most `limit` attempts per fixed window (as hitRateLimit counts). */
export interface WindowRule {
  kind: 'window';
  limit: number;
  windowSeconds: number;
}

export type GateRule = DelayRule | WindowRule;

interface CounterState {
  count: number;
  /** Epoch seconds: the window's start, or the latest attempt for a delay rule. */
  since: number;
}

/** Seconds an attempt must still wait under `rule`, 0 when it may go ahead; and the state after counting it. */
export function judgeAttempt(rule: GateRule, state: CounterState, now: number): { wait: number; next: CounterState } {
  if (rule.kind === 'window') {
    const current = now >= state.since + rule.windowSeconds ? { count: 0, since: now } : state;
    const wait = current.count >= rule.limit ? Math.max(1, Math.ceil(current.since + rule.windowSeconds - now)) : 0;
    return { wait, next: { count: current.count + 1, since: current.since } };
  }
  const current = now - state.since > rule.forgetSeconds ? { count: 0, since: now } : state;
  const delay = current.count < rule.free ? 0 : Math.min(rule.maxSeconds, rule.baseSeconds * 2 ** (current.count - rule.free));
  const wait = Math.max(0, Math.ceil(current.since + delay - now));
  return { wait, next: { count: current.count + 1, since: now } };
}

export type GateResult = { allowed: true } | { allowed: false; retryAfter: number };

/**
 * Counts one attempt against every key, before the attempt is made, in one
 * transaction with the keys' rows locked: parallel attempts queue here, so
 * no more of them get through than the rules allow. When any key says wait,
 * nothing is counted and the longest wait is returned.
 */
export async function passAttemptGate(db: Database, checks: Array<{ key: string; rule: GateRule }>): Promise<GateResult> {
  const ordered = [...checks].sort((a, b) => a.key.localeCompare(b.key));
  return db.transaction(async (tx) => {
    await tx
      .insert(rateLimits)
      .values(ordered.map(({ key }) => ({ key, count: 0 })))
      .onConflictDoNothing();
    const keys = ordered.map(({ key }) => key);
    const rows = await selectRows<{ key: string; count: number; since: number; now: number }>(
      tx,
      sql`select key, count, extract(epoch from window_started_at)::float8 as since, extract(epoch from now())::float8 as now
          from rate_limits where key in (select json_array_elements_text(${JSON.stringify(keys)}::json)) order by key for update`,
    );
    const byKey = new Map(rows.map((row) => [row.key, row]));
    const judged = ordered.map(({ key, rule }) => {
      const row = byKey.get(key)!;
      return { key, ...judgeAttempt(rule, { count: Number(row.count), since: Number(row.since) }, Number(row.now)) };
    });
    const wait = Math.max(...judged.map((entry) => entry.wait));
    if (wait > 0) return { allowed: false, retryAfter: wait };
    for (const { key, next } of judged) {
      await tx.execute(sql`update rate_limits set count = ${next.count}, window_started_at = to_timestamp(${next.since}) where key = ${key}`);
    }
    return { allowed: true };
  });
}

/** Takes one attempt back from a window counter (a login that succeeded), and forgets delay counters. */
export async function clearAttempts(db: Database, forget: string[], forgiveOne: string[] = []): Promise<void> {
  if (forget.length > 0) await db.execute(sql`delete from rate_limits where key in (select json_array_elements_text(${JSON.stringify(forget)}::json))`);
  for (const key of forgiveOne) await db.execute(sql`update rate_limits set count = greatest(count - 1, 0) where key = ${key}`);
}
