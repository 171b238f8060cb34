import { setImmediate } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import type { ImportTarget } from './import.server';

/**
 * An import on the embedded database applied in short transactions, kept all
 * or nothing by an undo record (decision 0037). `customer_import_applies`
 * holds the import while it is applied; each batch writes, in its own
 * transaction, what undoes it into `customer_import_undo`, and moves the
 * webhook deliveries it caused there too, so that none is sent before the
 * import is applied. The last transaction marks the import `applied`; what
 * follows (queueing the held deliveries, deleting the undo rows) may be cut
 * off and is done again when the database is opened.
 */

/** Undo rows deleted, or held deliveries queued, per statement when tidying up. */
const TIDY_BATCH = 1000;

/** Registers an import about to be applied; its id keys the undo record. */
export async function beginApply(db: Database, target: ImportTarget): Promise<string> {
  const [row] = await selectRows<{ id: string }>(
    db,
    sql`insert into customer_import_applies (workspace_id, period) values (${target.workspaceId}, ${target.period}) returning id`,
  );
  return row!.id;
}

/**
 * The part of a batch's upsert statement (a CTE, to be put after `upserted`)
 * that records, per customer written, its row and its tier assignment of the
 * period as they were before the statement: every sub-statement of one
 * statement reads the same snapshot, so `existing` and the lookup of the
 * tier still see the old rows.
 */
export function undoRecordCte(applyId: string, batch: number, period: string) {
  return sql`undo_recorded as (
    insert into customer_import_undo (apply_id, batch, customer_id, customer, tier)
    select ${applyId}, ${batch}, u.id, e.row,
      (select to_jsonb(ta) from tier_assignments ta where ta.customer_id = u.id and ta.period = ${period})
    from upserted u left join existing e on e.external_id = u.external_id
    returning 1
  ), `;
}

/**
 * Moves the webhook deliveries queued in the current transaction for the
 * workspace's endpoints into the undo record (the tier triggers queue them
 * with `created_at = now()`, the transaction's start; on PGlite's one
 * connection no other transaction runs meanwhile).
 */
export async function holdDeliveries(tx: Database, applyId: string, batch: number, workspaceId: string): Promise<void> {
  await tx.execute(sql`
    with moved as (
      delete from webhook_deliveries d
      where d.endpoint_id in (select id from webhook_endpoints where workspace_id = ${workspaceId}) and d.created_at = now()
      returning d.*
    )
    insert into customer_import_undo (apply_id, batch, delivery)
    select ${applyId}, ${batch}, to_jsonb(m) from moved m`);
}

/** Marks the import applied: call in the import's last transaction, with its audit entry. */
export async function markApplied(tx: Database, applyId: string): Promise<void> {
  await tx.execute(sql`update customer_import_applies set status = 'applied' where id = ${applyId}`);
}

/**
 * Undoes every applied batch of an import, newest first, each in its own
 * short transaction: created customers are deleted (their tier assignments
 * first, so the rollup triggers see them go), updated ones get their columns
 * back (not after an erasure), tier assignments their values, or are
 * deleted; held deliveries are dropped, and so are the deliveries the undo's
 * own tier changes queue.
 */
export async function undoApply(db: Database, applyId: string): Promise<void> {
  const [apply] = await selectRows<{ workspace_id: string; period: string }>(db, sql`select workspace_id, period from customer_import_applies where id = ${applyId}`);
  if (!apply) return;
  const batches = await selectRows<{ batch: number }>(db, sql`select distinct batch from customer_import_undo where apply_id = ${applyId} order by batch desc`);
  for (const { batch } of batches) {
    await db.transaction(async (tx) => {
      const mine = sql`u.apply_id = ${applyId} and u.batch = ${batch}`;
      await tx.execute(sql`
        update tier_assignments ta set tier_id = p.tier_id, revenue = p.revenue, margin = p.margin, source = p.source
        from customer_import_undo u, jsonb_populate_record(null::tier_assignments, u.tier) p
        where ${mine} and u.tier is not null and ta.id = p.id`);
      // Created customers' tier assignments, and those given to customers who had none in the period.
      await tx.execute(sql`
        delete from tier_assignments ta using customer_import_undo u
        where ${mine} and u.customer_id is not null and u.tier is null and ta.customer_id = u.customer_id and ta.period = ${apply.period}`);
      await tx.execute(sql`
        update customers c set email = p.email, name = p.name, company = p.company, locale = p.locale,
          account_owner_id = (select id from users where id = p.account_owner_id),
          industry = p.industry, size = p.size, region = p.region, customer_since = p.customer_since, updated_at = now()
        from customer_import_undo u, jsonb_populate_record(null::customers, u.customer) p
        where ${mine} and u.customer is not null and c.id = u.customer_id and c.erased_at is null`);
      await tx.execute(sql`
        delete from customers c using customer_import_undo u
        where ${mine} and u.customer_id is not null and u.customer is null and c.id = u.customer_id`);
      await tx.execute(sql`
        delete from webhook_deliveries d
        where d.endpoint_id in (select id from webhook_endpoints where workspace_id = ${apply.workspace_id}) and d.created_at = now()`);
      await tx.execute(sql`delete from customer_import_undo where apply_id = ${applyId} and batch = ${batch}`);
    });
    await setImmediate();
  }
  await db.execute(sql`delete from customer_import_applies where id = ${applyId}`);
}

/**
 * After the import is applied: queues its held webhook deliveries again, in
 * their order and with their ids (not for endpoints deleted meanwhile), then
 * deletes the undo record, a few rows per statement. Safe to repeat.
 */
export async function tidyApplied(db: Database, applyId: string): Promise<void> {
  for (;;) {
    const released = await selectRows<{ n: number }>(
      db,
      sql`with held as (
            select id, delivery from customer_import_undo where apply_id = ${applyId} and delivery is not null order by id limit ${TIDY_BATCH}
          ), taken as (
            delete from customer_import_undo u using held h where u.id = h.id returning h.delivery
          ), queued as (
            insert into webhook_deliveries (id, workspace_id, endpoint_id, event_id, event_type, customer_id, payload)
            select d.id, d.workspace_id, d.endpoint_id, d.event_id, d.event_type, d.customer_id, d.payload
            from taken t, jsonb_populate_record(null::webhook_deliveries, t.delivery) d
            where exists (select 1 from webhook_endpoints e where e.id = d.endpoint_id)
            order by d.seq
            returning 1
          )
          select (select count(*) from taken)::int as n`,
    );
    if ((released[0]?.n ?? 0) === 0) break;
    await setImmediate();
  }
  for (;;) {
    const deleted = await selectRows<{ n: number }>(
      db,
      sql`with gone as (
            delete from customer_import_undo where id in (select id from customer_import_undo where apply_id = ${applyId} limit ${TIDY_BATCH}) returning 1
          ) select count(*)::int as n from gone`,
    );
    if ((deleted[0]?.n ?? 0) === 0) break;
    await setImmediate();
  }
  await db.execute(sql`delete from customer_import_applies where id = ${applyId}`);
}

/**
 * At opening of the embedded database, before anything else runs on it: an
 * import still `applying` was cut off (a crash, kill -9) and is undone; an
 * `applied` one is tidied up. Returns how many were undone.
 */
export async function recoverImports(db: Database): Promise<number> {
  const applies = await selectRows<{ id: string; status: string }>(db, sql`select id, status from customer_import_applies order by created_at`);
  let undone = 0;
  for (const apply of applies) {
    if (apply.status === 'applied') {
      await tidyApplied(db, apply.id);
    } else {
      await undoApply(db, apply.id);
      undone++;
    }
  }
  return undone;
}
