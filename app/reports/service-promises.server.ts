import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { PROMISE_ITEMS, reviewServicePromises, type ServicePromiseReview } from '../analysis/service-promises';
import { listTierPromises } from '../customers/tier-promises.server';
import { selectRows, type Database } from '../../db/client.server';
import { PeriodCache } from './period-cache.server';
import { currentCountedRows } from './rollups.server';

const countsSchema = z.array(
  z.object({ tier: z.string(), item: z.enum(PROMISE_ITEMS), value: z.coerce.number().int().min(1).max(5), count: z.coerce.number().int().nonnegative() }),
);

/**
 * The service promises of one quarter: each tier's recorded promise and how
 * its customers answered `treat_promise` and `treat_responsive`, counted by
 * the review's rule (one response per customer and period, the latest
 * completed one, under the tier the customer had in that period). The
 * counts come from the period's counted rows (`period_rollup_counted`,
 * decision 0031), which hold exactly that response's answers per customer
 * and are kept by difference: one GROUP BY over a row per answering
 * customer, no sort of the quarter's responses.
 */
export async function servicePromisesOf(db: Database, workspaceId: string, period: string): Promise<ServicePromiseReview> {
  // The promises' texts are read on every view (an owner's edit shows at once); the counts once per change of the period.
  const [tiers, rows] = await Promise.all([listTierPromises(db, workspaceId), promiseCounts.get(db, workspaceId, period, () => countPromiseAnswers(db, workspaceId, period))]);
  return reviewServicePromises(period, tiers, rows);
}

const promiseCounts = new PeriodCache<z.infer<typeof countsSchema>>();

const pairsSchema = z.array(
  z.object({ tier: z.string(), promise: z.coerce.number().nullable(), responsive: z.coerce.number().nullable(), count: z.coerce.number().int() }),
);

async function countPromiseAnswers(db: Database, workspaceId: string, period: string) {
  await currentCountedRows(db, workspaceId, period);
  // One pass over the counted rows, grouped by both answers (at most 36 groups a tier), split per item here.
  const pairs = pairsSchema.parse(
    await selectRows(
      db,
      sql`select tier, treat_promise as promise, treat_responsive as responsive, count(*) as count
          from period_rollup_counted
          where workspace_id = ${workspaceId} and period = ${period} and (treat_promise is not null or treat_responsive is not null)
          group by tier, treat_promise, treat_responsive`,
    ),
  );
  const counts = new Map<string, { tier: string; item: (typeof PROMISE_ITEMS)[number]; value: number; count: number }>();
  const add = (tier: string, item: (typeof PROMISE_ITEMS)[number], value: number | null, count: number) => {
    if (value === null) return;
    const key = `${tier}\u0000${item}\u0000${value}`;
    const known = counts.get(key);
    if (known) known.count += count;
    else counts.set(key, { tier, item, value, count });
  };
  for (const row of pairs) {
    add(row.tier, 'treat_promise', row.promise, row.count);
    add(row.tier, 'treat_responsive', row.responsive, row.count);
  }
  return countsSchema.parse([...counts.values()]);
}
