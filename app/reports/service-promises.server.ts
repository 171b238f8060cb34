import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { PROMISE_ITEMS, reviewServicePromises, type ServicePromiseReview } from '../analysis/service-promises';
import { listTierPromises } from '../customers/tier-promises.server';
import { selectRows, type Database } from '../../db/client.server';
import { PeriodCache } from './period-cache.server';

const countsSchema = z.array(
  z.object({ tier: z.string(), item: z.enum(PROMISE_ITEMS), value: z.coerce.number().int().min(1).max(5), count: z.coerce.number().int().nonnegative() }),
);

/**
 * The service promises of one quarter: each tier's recorded promise and how
 * its customers answered `treat_promise` and `treat_responsive`, counted by
 * the review's rule (one response per customer and period, the latest
 * completed one, under the tier the customer had in that period), in one
 * GROUP BY.
 */
export async function servicePromisesOf(db: Database, workspaceId: string, period: string): Promise<ServicePromiseReview> {
  // The promises' texts are read on every view (an owner's edit shows at once); the counts once per change of the period.
  const [tiers, rows] = await Promise.all([listTierPromises(db, workspaceId), promiseCounts.get(db, workspaceId, period, () => countPromiseAnswers(db, workspaceId, period))]);
  return reviewServicePromises(period, tiers, rows);
}

const promiseCounts = new PeriodCache<z.infer<typeof countsSchema>>();

async function countPromiseAnswers(db: Database, workspaceId: string, period: string) {
  return countsSchema.parse(
    await selectRows(
      db,
      sql`with scoped as (
            select distinct on (r.customer_id) wt.label as tier, r.treat_promise, r.treat_responsive
            from responses r
            join tier_assignments ta on ta.workspace_id = r.workspace_id and ta.period = r.period and ta.customer_id = r.customer_id
            join workspace_tiers wt on wt.id = ta.tier_id
            where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
            order by r.customer_id, r.completed_at desc, r.id desc
          )
          select tier, s.item, s.value, count(*) as count
          from scoped cross join lateral (values ('treat_promise', treat_promise), ('treat_responsive', treat_responsive)) as s(item, value)
          where s.value is not null
          group by tier, s.item, s.value`,
    ),
  );
}
