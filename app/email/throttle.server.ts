import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { selectRows } from './sql.server';

/**
 * Takes the next sending slot of a provider and returns how many milliseconds
 * to wait for it. Slots are 1 / rate seconds apart and kept in the database,
 * so every process together stays within the provider's rate.
 */
export async function takeSendSlot(db: Database, key: string, ratePerSecond: number): Promise<number> {
  if (ratePerSecond <= 0) return 0;
  const spacing = sql`make_interval(secs => ${1 / ratePerSecond}::float8)`;
  const [row] = await selectRows<{ wait_ms: number }>(
    db,
    sql`insert into email_throttle as t (key, next_slot_at) values (${key}, now() + ${spacing})
      on conflict (key) do update set next_slot_at = greatest(t.next_slot_at, now()) + ${spacing}
      returning greatest(0, extract(epoch from (t.next_slot_at - ${spacing} - now())) * 1000)::float8 as wait_ms`,
  );
  return Number(row?.wait_ms ?? 0);
}

/** After a 429 every process holds back until the provider's Retry-After has passed. */
export async function pauseSending(db: Database, key: string, seconds: number): Promise<void> {
  await db.execute(
    sql`insert into email_throttle as t (key, next_slot_at) values (${key}, now() + make_interval(secs => ${seconds}::float8))
      on conflict (key) do update set next_slot_at = greatest(t.next_slot_at, now() + make_interval(secs => ${seconds}::float8))`,
  );
}
