import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import type { PeriodCustomer } from './import-plan';

// The ABC analysis of a period ranks all of its customers (DESIGN.md, "Tiers
// and customers"), so an import reads the period's other customers and may
// move those whose tier was computed.

type PeriodTarget = { workspaceId: string; period: string };

const BATCH = 2000;

/** The customers the period has before the import, with their values, for the ABC analysis of the whole period. */
export async function periodCustomers(db: Database, target: PeriodTarget): Promise<PeriodCustomer[]> {
  const rows = await selectRows<{ external_id: string; revenue: string | null; margin: string | null; position: number; source: string }>(
    db,
    sql`select c.external_id, (ta.revenue * 100)::bigint::text as revenue, (ta.margin * 100)::bigint::text as margin, wt.position, ta.source
        from tier_assignments ta
        join customers c on c.id = ta.customer_id
        join workspace_tiers wt on wt.id = ta.tier_id
        where ta.workspace_id = ${target.workspaceId} and ta.period = ${target.period} and c.erased_at is null`,
  );
  const cents = (value: string | null) => (value === null ? null : Number(value));
  return rows.map((row) => ({
    externalId: row.external_id,
    revenueCents: cents(row.revenue),
    marginCents: cents(row.margin),
    position: Number(row.position),
    computed: row.source === 'abc',
  }));
}

/** Moves the period's customers outside the file to the tiers the ABC analysis of the whole period gives them. */
export async function retierPeriod(tx: Database, target: PeriodTarget, moves: Array<{ externalId: string; tierId: string }>): Promise<void> {
  const changes = moves.map((move) => ({ external_id: move.externalId, tier_id: move.tierId }));
  for (let i = 0; i < changes.length; i += BATCH) {
    await tx.execute(sql`
      update tier_assignments ta set tier_id = v.tier_id
      from json_to_recordset(${JSON.stringify(changes.slice(i, i + BATCH))}::json) as v(external_id text, tier_id uuid), customers c
      where c.workspace_id = ${target.workspaceId} and c.external_id = v.external_id
        and ta.customer_id = c.id and ta.period = ${target.period} and ta.source = 'abc'`);
  }
}

