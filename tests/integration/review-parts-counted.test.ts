/**
 * The parts of the overview and the review that are kept per change of the
 * quarter and now read the period's counted rows (decision 0031) instead of
 * the quarter's responses: the service promises' counts, the revenue-at-risk
 * headline, the top tier's non-responders and the overview's count of
 * completed responses. Each is compared with a fresh computation from the raw
 * rows (the statements they replaced), before and after answers change.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reviewServicePromises } from '../../app/analysis/service-promises';
import { listTierPromises } from '../../app/customers/tier-promises.server';
import { quarterFitHeadlines } from '../../app/reports/fit.server';
import { topTierNonResponders } from '../../app/reports/non-responders.server';
import { workspaceSummary } from '../../app/reports/overview.server';
import { servicePromisesOf } from '../../app/reports/service-promises.server';
import { selectRows } from '../../db/client.server';
import { workspaces } from '../../db/schema';
import { DEMO, ensureDemoWorkspace } from '../../db/seed/demo.server';
import { createTestDatabase } from '../support/db';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let workspaceId: string;
let period: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureDemoWorkspace(database.db);
  const [workspace] = await database.db.select().from(workspaces).where(eq(workspaces.slug, DEMO.slug));
  workspaceId = workspace!.id;
  const [latest] = await selectRows<{ period: string }>(
    database.db,
    sql`select max(r.period) as period from responses r where r.workspace_id = ${workspaceId} and r.status = 'completed'`,
  );
  period = latest!.period;
}, 120_000);
afterAll(() => database.dispose());

const latestPerCustomer = () =>
  sql`select distinct on (r.customer_id) r.customer_id, wt.label as tier, r.miss_us, r.treat_promise, r.treat_responsive, ta.revenue, ta.margin
      from responses r
      join tier_assignments ta on ta.workspace_id = r.workspace_id and ta.period = r.period and ta.customer_id = r.customer_id
      join workspace_tiers wt on wt.id = ta.tier_id
      where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
      order by r.customer_id, r.completed_at desc, r.id desc`;

/** The service promises as the review shows them, counted from the raw responses. */
async function freshPromises() {
  const rows = await selectRows<{ tier: string; item: 'treat_promise' | 'treat_responsive'; value: number | string; count: number | string }>(
    database.db,
    sql`select l.tier, s.item, s.value, count(*) as count
        from (${latestPerCustomer()}) l
        cross join lateral (values ('treat_promise', l.treat_promise), ('treat_responsive', l.treat_responsive)) as s(item, value)
        where s.value is not null group by l.tier, s.item, s.value`,
  );
  return reviewServicePromises(
    period,
    await listTierPromises(database.db, workspaceId),
    rows.map((row) => ({ tier: row.tier, item: row.item, value: Number(row.value), count: Number(row.count) })),
  );
}

/** Answered, at risk and the revenue and margin at risk per tier, from the raw responses and flags. */
async function freshAtRisk() {
  const rows = await selectRows<{ tier: string; answered: number | string; customers: number | string; revenue: number | string; margin: number | string }>(
    database.db,
    sql`select l.tier, count(*) as answered, count(*) filter (where l.risky) as customers,
          coalesce(sum(l.revenue) filter (where l.risky), 0) as revenue, coalesce(sum(l.margin) filter (where l.risky), 0) as margin
        from (select x.*, (x.miss_us = 'not' or x.customer_id in (
                select f.customer_id from flags f join campaigns c on c.id = f.campaign_id
                where f.workspace_id = ${workspaceId} and c.period = ${period} and f.status <> 'withdrawn')) as risky
              from (${latestPerCustomer()}) x) l
        group by l.tier`,
  );
  return Object.fromEntries(
    rows.map((row) => [row.tier, { answered: Number(row.answered), customers: Number(row.customers), revenue: Number(row.revenue), margin: Number(row.margin) }]),
  );
}

/** The top tier's non-responders, invited longest ago first, from the raw rows. */
async function freshNonResponders() {
  const rows = await selectRows<{ id: string }>(
    database.db,
    sql`select c.id
        from tier_assignments ta
        join customers c on c.id = ta.customer_id and c.erased_at is null
        cross join lateral (
          select coalesce(i.sent_at, i.delivered_at) as invited_at
          from invitations i join campaigns k on k.id = i.campaign_id
          where i.customer_id = ta.customer_id and k.workspace_id = ${workspaceId} and k.period = ${period}
            and i.delivered_at is not null and i.status not in ('bounced', 'complained') and i.unsubscribed_at is null
          order by coalesce(i.sent_at, i.delivered_at) desc limit 1
        ) inv
        where ta.workspace_id = ${workspaceId} and ta.period = ${period}
          and ta.tier_id = (select id from workspace_tiers where workspace_id = ${workspaceId} order by position limit 1)
          and not exists (select 1 from responses r where r.customer_id = ta.customer_id and r.period = ${period} and r.status = 'completed')
        order by inv.invited_at, c.name, c.id`,
  );
  return rows.map((row) => row.id);
}

async function freshCompleted() {
  const [row] = await selectRows<{ count: number | string }>(
    database.db,
    sql`select count(*) as count from responses where workspace_id = ${workspaceId} and status = 'completed'`,
  );
  return Number(row!.count);
}

async function expectAllFresh() {
  const { db } = database;
  expect(await servicePromisesOf(db, workspaceId, period)).toEqual(await freshPromises());

  const fit = await quarterFitHeadlines(db, workspaceId, period);
  const atRisk = await freshAtRisk();
  const totals = await selectRows<{ tier: string; customers: number | string; withRevenue: number | string; revenue: number | string; margin: number | string }>(
    db,
    sql`select wt.label as tier, count(*) as customers, count(ta.revenue) as "withRevenue", coalesce(sum(ta.revenue), 0) as revenue, coalesce(sum(ta.margin), 0) as margin
        from tier_assignments ta join workspace_tiers wt on wt.id = ta.tier_id
        where ta.workspace_id = ${workspaceId} and ta.period = ${period} group by wt.label`,
  );
  for (const tier of fit.byTier) {
    const total = totals.find((row) => row.tier === tier.tier)!;
    expect(tier.total).toEqual({ tier: tier.tier, customers: Number(total.customers), withRevenue: Number(total.withRevenue), revenue: Number(total.revenue), margin: Number(total.margin) });
    const expected = atRisk[tier.tier] ?? { answered: 0, customers: 0, revenue: 0, margin: 0 };
    expect(tier.answered, tier.tier).toBe(expected.answered);
    expect(tier.atRisk.customers, tier.tier).toBe(expected.customers);
    expect(tier.atRisk.revenue, tier.tier).toBeCloseTo(expected.revenue, 2);
    expect(tier.atRisk.margin, tier.tier).toBeCloseTo(expected.margin, 2);
  }

  const list = await topTierNonResponders(db, workspaceId, period, 500);
  const freshList = await freshNonResponders();
  expect(list.total).toBe(freshList.length);
  expect(list.customers.map((row) => row.id)).toEqual(freshList.slice(0, 500));

  expect((await workspaceSummary(db, workspaceId)).completed).toBe(await freshCompleted());
  return { list, fit };
}

describe('review parts read from the counted rows', () => {
  it('equal a fresh computation from the raw rows, before and after answers are added, changed and removed', async () => {
    const { db } = database;
    const before = await expectAllFresh();
    expect(before.list.total).toBeGreaterThan(0);

    // A top-tier customer who answered has the answer removed: they join the
    // non-responders (if their invitation was delivered) and leave the counts.
    const [answered] = await selectRows<{ id: string; customer_id: string }>(
      db,
      sql`select r.id, r.customer_id from responses r
          join tier_assignments ta on ta.customer_id = r.customer_id and ta.period = r.period
          where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
            and ta.tier_id = (select id from workspace_tiers where workspace_id = ${workspaceId} order by position limit 1)
            and not exists (select 1 from flags f where f.response_id = r.id)
            and (select count(*) from responses o where o.customer_id = r.customer_id and o.period = r.period and o.status = 'completed') = 1
          limit 1`,
    );
    await db.execute(sql`delete from responses where id = ${answered!.id}`);
    // Another customer's answer turns to "not disappointed" and their promise answer changes.
    const [changed] = await selectRows<{ id: string }>(
      db,
      sql`select r.id from responses r where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
            and r.miss_us = 'very' and r.treat_promise is not null limit 1`,
    );
    await db.execute(sql`update responses set miss_us = 'not', treat_promise = case when treat_promise = 1 then 5 else 1 end where id = ${changed!.id}`);
    const after = await expectAllFresh();
    expect(after.list.total).not.toBe(before.list.total);
    expect(after.fit).not.toEqual(before.fit);

    // A customer at risk has their revenue changed: the totals and the sums follow.
    await db.execute(
      sql`update tier_assignments set revenue = coalesce(revenue, 0) + 1000.25 where workspace_id = ${workspaceId} and period = ${period}
            and customer_id = (select customer_id from responses where id = ${changed!.id})`,
    );
    const revalued = await expectAllFresh();
    expect(revalued.fit).not.toEqual(after.fit);

    // A non-responder answers: the answer is an existing one moved to them (a completed response of the quarter).
    const nonResponder = after.list.customers[0]!;
    await db.execute(sql`update responses set customer_id = ${nonResponder.id} where id = ${changed!.id}`);
    const moved = await expectAllFresh();
    expect(moved.fit).not.toEqual(revalued.fit);
    expect(moved.list.customers.map((row) => row.id)).not.toContain(nonResponder.id);
  });
});
