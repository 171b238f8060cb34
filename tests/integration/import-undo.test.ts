import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sortPeriodTables } from '../../app/analysis/table-delta';
import { recoverImports } from '../../app/customers/import-apply.server';
import { claimImportJob, createImportJob, runImportJob, storeUpload } from '../../app/customers/import-jobs.server';
import { importCustomers, type ImportProgress } from '../../app/customers/import.server';
import { loadPeriodTables } from '../../app/reports/period-tables.server';
import { periodSnapshots, rebuildRollups } from '../../app/reports/rollups.server';
import { findInvitation, saveStep } from '../../app/surveys/answering.server';
import { selectRows, type Database } from '../../db/client.server';
import { webhookEndpoints } from '../../db/schema';
import { memorySource } from '../support/customer-fixtures';
import { createTestDatabase, testDriver } from '../support/db';
import { createSurveyWorkspace, inviteCustomer, type SurveyWorkspace } from '../support/survey-fixtures';

/**
 * On the embedded database an import is applied in short transactions, kept
 * all or nothing by an undo record (decision 0037): a batch that fails undoes
 * the batches before it, with the webhook deliveries and rollup counts they
 * caused; readers never see a half import as a finished one. (A kill -9 in
 * the middle: tests/integration/crash.test.ts.)
 */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());

const KNOWN = 6;
const PERIOD = '2026-Q4';

/** A workspace with KNOWN answered customers in PERIOD, stored rollups and a webhook endpoint for tier changes. */
async function answeredWorkspace(db: Database, name: string): Promise<SurveyWorkspace> {
  const workspace = await createSurveyWorkspace(db, { name, period: PERIOD });
  for (let i = 0; i < KNOWN; i++) {
    const invited = await inviteCustomer(db, workspace, { tierIndex: i % 3, externalId: `C-${i}` });
    const context = (await findInvitation(db, invited.token))!;
    const steps = context.plan.steps;
    for (const [index, step] of steps.entries()) {
      const answers = Object.fromEntries(
        step.items.filter((item) => item.core).map((item) => [item.name, item.name === 'miss_us' ? ['very', 'somewhat', 'not'][i % 3]! : item.name === 'recommend' ? i : 1 + (i % 5)]),
      );
      await saveStep(db, context, { step, answers, locale: 'de', reached: index + 1, complete: index === steps.length - 1 });
    }
  }
  await db.insert(webhookEndpoints).values({ workspaceId: workspace.workspaceId, url: 'https://hooks.example/tiers', secret: 'whsec_test', events: ['customer.tier_changed'] });
  // A reader stores the period's tables, so that the import's changes are counted incrementally.
  await periodSnapshots(db, workspace.workspaceId, [PERIOD]);
  return workspace;
}

/** The known customers with other tiers and names, and `fresh` new ones. */
function csvWith(fresh: number): string {
  const lines = ['external_id,email,name,tier,revenue'];
  for (let i = 0; i < KNOWN; i++) lines.push(`C-${i},c${i}@new.example,Neuer Name ${i},${['C', 'A', 'B'][i % 3]},${i * 100}`);
  for (let i = 1; i <= fresh; i++) lines.push(`N-${String(i).padStart(5, '0')},n${i}@example.com,Person ${i},${['A', 'B', 'C'][i % 3]},${i * 10}`);
  return `${lines.join('\n')}\n`;
}

/** Everything an import may touch, as comparable values (not `updated_at`, which an undo moves on purpose). */
async function state(db: Database, workspaceId: string) {
  return {
    customers: await selectRows(
      db,
      sql`select id, external_id, email, name, company, locale, account_owner_id, industry, size, region, customer_since, created_at
          from customers where workspace_id = ${workspaceId} order by external_id`,
    ),
    tiers: await selectRows(db, sql`select id, customer_id, period, tier_id, revenue, margin, source from tier_assignments where workspace_id = ${workspaceId} order by id`),
    deliveries: await selectRows(db, sql`select id, event_type, customer_id from webhook_deliveries where workspace_id = ${workspaceId} order by seq`),
    audit: await selectRows(db, sql`select action from audit_log where workspace_id = ${workspaceId} and action = 'customers.imported'`),
    undo: await selectRows(db, sql`select (select count(*) from customer_import_applies)::int as applies, (select count(*) from customer_import_undo)::int as rows`),
  };
}

async function updatedAt(db: Database, workspaceId: string): Promise<Map<string, number>> {
  const rows = await selectRows<{ external_id: string; at: number }>(db, sql`select external_id, extract(epoch from updated_at)::float8 as at from customers where workspace_id = ${workspaceId}`);
  return new Map(rows.map((row) => [row.external_id, Number(row.at)]));
}

/** The database's message of the error an import failed with (drizzle wraps it). */
async function failure(importing: Promise<unknown>): Promise<string> {
  const error = await importing.then(
    () => new Error('imported'),
    (thrown: unknown) => thrown as Error & { cause?: Error },
  );
  return (error as Error & { cause?: Error }).cause?.message ?? error.message;
}

/** Refuses, from inside the database, to insert the customer with this external id. */
async function refusing<T>(db: Database, externalId: string, run: () => Promise<T>): Promise<T> {
  await db.execute(sql.raw(`create function refuse_row() returns trigger language plpgsql as $$
    begin if new.external_id = '${externalId}' then raise exception 'refused ${externalId}'; end if; return new; end $$`));
  await db.execute(sql`create trigger refuse_row before insert on customers for each row execute function refuse_row()`);
  try {
    return await run();
  } finally {
    await db.execute(sql`drop trigger refuse_row on customers`);
    await db.execute(sql`drop function refuse_row()`);
  }
}

async function expectRollupsEqualFullCount(db: Database, workspaceId: string) {
  const incremental = (await periodSnapshots(db, workspaceId, [PERIOD])).get(PERIOD)!.tables;
  expect(sortPeriodTables(incremental)).toEqual(sortPeriodTables(await loadPeriodTables(db, workspaceId, PERIOD)));
  expect((await rebuildRollups(db, { workspaceId })).filter((period) => period.corrected)).toEqual([]);
}

describe.runIf(testDriver === 'pglite')('an import applied in short transactions on the embedded database', () => {
  it('undoes every applied batch when a later batch fails: customers, tiers, webhook deliveries and rollups as before', { timeout: 120_000 }, async () => {
    const { db } = database;
    const workspace = await answeredWorkspace(db, 'Rückgängig GmbH');
    const tablesBefore = (await periodSnapshots(db, workspace.workspaceId, [PERIOD])).get(PERIOD)!.tables;
    const before = await state(db, workspace.workspaceId);
    expect(before.deliveries).toEqual([]);
    const updatedBefore = await updatedAt(db, workspace.workspaceId);

    // A real failure in the eighth batch of 100: the database refuses one row.
    const progress: ImportProgress[] = [];
    const refused = await refusing(db, 'N-00700', () =>
      failure(
        importCustomers(db, { workspaceId: workspace.workspaceId, period: PERIOD, tiersBy: 'auto' }, memorySource(csvWith(1_000)), {
          applyBatch: 100,
          onProgress: (step) => progress.push({ ...step }),
        }),
      ),
    );
    expect(refused).toBe('refused N-00700');
    // Seven batches were applied, each committed on its own, before the eighth failed.
    expect(progress.filter((step) => step.phase === 'applying').map((step) => step.done)).toEqual([0, 100, 200, 300, 400, 500, 600, 700]);

    expect(await state(db, workspace.workspaceId)).toEqual(before);
    // The known customers' changes were undone, and API clients polling by updated_at see them again.
    const updatedAfter = await updatedAt(db, workspace.workspaceId);
    for (const [externalId, at] of updatedBefore) expect(updatedAfter.get(externalId)!, externalId).toBeGreaterThan(at);
    const tablesAfter = (await periodSnapshots(db, workspace.workspaceId, [PERIOD])).get(PERIOD)!.tables;
    expect(sortPeriodTables(tablesAfter)).toEqual(sortPeriodTables(tablesBefore));
    await expectRollupsEqualFullCount(db, workspace.workspaceId);
  });

  it('shows an upload as importing while its batches are applied, and queues its webhook deliveries only once it is applied', { timeout: 120_000 }, async () => {
    const { db } = database;
    const workspace = await answeredWorkspace(db, 'Zwischenstand GmbH');
    const jobId = await createImportJob(db, { workspaceId: workspace.workspaceId, createdBy: workspace.owner.userId, fileName: 'kunden.csv', period: PERIOD, tiersBy: 'auto' });
    await storeUpload(db, jobId, (async function* () {
      yield new TextEncoder().encode(csvWith(1_000));
    })());
    const job = (await claimImportJob(db, workspace.workspaceId, jobId))!;

    // What a reader sees after the second of ten batches: one query, run between two batches on the one connection.
    let seen: Promise<unknown> | undefined;
    const report = await runImportJob(db, workspace.workspaceId, job, {
      applyBatch: 100,
      onProgress: (step) => {
        if (step.phase !== 'applying' || step.done !== 200) return;
        seen = selectRows(
          db,
          sql`select (select status from import_jobs where id = ${jobId}) as job,
                (select count(*)::int from customers where workspace_id = ${workspace.workspaceId} and external_id like 'N-%') as customers,
                (select count(*)::int from audit_log where workspace_id = ${workspace.workspaceId} and action = 'customers.imported') as audit,
                (select count(*)::int from webhook_deliveries where workspace_id = ${workspace.workspaceId}) as deliveries,
                (select status from customer_import_applies where workspace_id = ${workspace.workspaceId}) as apply`,
        );
      },
    });
    expect(report).toMatchObject({ imported: true, created: 1_000, updated: KNOWN });
    expect(await seen).toEqual([{ job: 'importing', customers: 200 - KNOWN, audit: 0, deliveries: 0, apply: 'applying' }]);

    const after = await state(db, workspace.workspaceId);
    expect(after.undo).toEqual([{ applies: 0, rows: 0 }]);
    expect(after.audit).toHaveLength(1);
    // One customer.tier_changed per new customer and per known customer whose tier the file changed, in the order of the batches.
    expect(after.deliveries).toHaveLength(1_000 + KNOWN);
    expect(new Set(after.deliveries.map((row) => (row as { event_type: string }).event_type))).toEqual(new Set(['customer.tier_changed']));
    const [jobRow] = await selectRows<{ status: string }>(db, sql`select status from import_jobs where id = ${jobId}`);
    expect(jobRow!.status).toBe('imported');
    await expectRollupsEqualFullCount(db, workspace.workspaceId);
  });

  it('undoes at opening an import cut off between two batches', { timeout: 120_000 }, async () => {
    const { db } = database;
    const workspace = await answeredWorkspace(db, 'Absturz GmbH');
    const before = await state(db, workspace.workspaceId);
    // The state a crash leaves: the fourth batch fails and the undo cannot run either (the database refuses to let go of the undo record).
    await db.execute(sql`create function keep_undo() returns trigger language plpgsql as $$ begin raise exception 'kept'; end $$`);
    await db.execute(sql`create trigger keep_undo before delete on customer_import_undo for each statement execute function keep_undo()`);
    try {
      const refused = await refusing(db, 'N-00300', () =>
        failure(importCustomers(db, { workspaceId: workspace.workspaceId, period: PERIOD, tiersBy: 'auto' }, memorySource(csvWith(1_000)), { applyBatch: 100 })),
      );
      expect(refused).toBe('refused N-00300');
    } finally {
      await db.execute(sql`drop trigger keep_undo on customer_import_undo`);
      await db.execute(sql`drop function keep_undo()`);
    }
    const [cut] = await selectRows(
      db,
      sql`select (select count(*)::int from customers where workspace_id = ${workspace.workspaceId} and external_id like 'N-%') as customers,
            (select count(*)::int from customer_import_undo where delivery is null) as undo,
            (select count(*)::int from customer_import_undo where delivery is not null) as held,
            (select count(*)::int from webhook_deliveries where workspace_id = ${workspace.workspaceId}) as deliveries`,
    );
    // Three batches are in, with their undo record and their tier-change deliveries held back.
    expect(cut).toEqual({ customers: 300 - KNOWN, undo: 300, held: 300, deliveries: 0 });
    expect(await recoverImports(db)).toBe(1);
    expect(await state(db, workspace.workspaceId)).toEqual(before);
    await expectRollupsEqualFullCount(db, workspace.workspaceId);
  });
});
