import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openDatabase, selectRows, type Database } from '../../../db/client.server';
import { tierReview } from '../../reports/tier-review.server';
import { writeBackup } from './backup.server';
import { lockForRestore, restoreFile } from './targets.server';

export interface TableCheck {
  table: string;
  source: number;
  target: number;
}

export interface TransferReport {
  tables: TableCheck[];
  /** Per workspace, whether every quarter's tier review came out the same on both sides. */
  reviews: Array<{ workspace: string; periods: number; same: boolean }>;
  ok: boolean;
  seconds: number;
}

/**
 * Copies an embedded database into an empty PostgreSQL database and checks
 * the copy: the row count of every table, and every workspace's quarterly
 * tier review computed on both sides. The copy is a backup restored (the
 * same path as `backup` and `restore`), so a transfer tests those too.
 * Needs the data folder to itself: the app must be stopped meanwhile.
 */
export async function transferToPostgres(
  from: { dataDir: string },
  to: { url: string },
  options: { replace?: boolean; log?: (line: string) => void } = {},
): Promise<TransferReport> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const release = await lockForRestore(from.dataDir);
  release();
  // Opening applies this version's migrations, so both sides end on the same schema.
  const source = await openDatabase({ driver: 'pglite', dataDir: from.dataDir });
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'wouldmiss-transfer-'));
  try {
    const file = path.join(folder, 'transfer.sql.gz');
    const backup = await writeBackup(source.db, fs.createWriteStream(file));
    log(`Read the embedded database: ${backup.customers} customers, ${backup.responses} responses, ${backup.emails} emails (${(backup.bytes / 1e6).toFixed(1)} MB compressed).`);
    await restoreFile({ driver: 'postgres', url: to.url }, file, { replace: options.replace });
    log('Restored into PostgreSQL; checking …');
    const target = await openDatabase({ driver: 'postgres', url: to.url, maxConnections: 2 }, { migrate: false });
    try {
      return await compareDatabases(source.db, target.db, started);
    } finally {
      await target.close();
    }
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
    await source.close();
  }
}

/** Row counts of every table and the tier reviews of every workspace, side by side. */
export async function compareDatabases(source: Database, target: Database, started = performance.now()): Promise<TransferReport> {
  const [sourceCounts, targetCounts] = await Promise.all([tableCounts(source), tableCounts(target)]);
  const names = [...new Set([...sourceCounts.keys(), ...targetCounts.keys()])].sort();
  const tables = names.map((table) => ({ table, source: sourceCounts.get(table) ?? -1, target: targetCounts.get(table) ?? -1 }));
  const reviews: TransferReport['reviews'] = [];
  for (const { id, name } of await selectRows<{ id: string; name: string }>(source, sql`select id, name from workspaces order by name, id`)) {
    const [before, after] = [await reviewFigures(source, id), await reviewFigures(target, id)];
    reviews.push({ workspace: name, periods: before.periods, same: before.text === after.text });
  }
  const ok = tables.every((row) => row.source === row.target) && reviews.every((review) => review.same);
  return { tables, reviews, ok, seconds: (performance.now() - started) / 1000 };
}

/** Rows of every table of the public and drizzle schemas, by `schema.table`. */
export async function tableCounts(db: Database): Promise<Map<string, number>> {
  const tables = await selectRows<{ schema: string; name: string }>(
    db,
    sql`select schemaname as schema, tablename as name from pg_catalog.pg_tables where schemaname in ('public', 'drizzle') order by 1, 2`,
  );
  const counts = new Map<string, number>();
  for (const table of tables) {
    const [row] = await selectRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from "${table.schema}"."${table.name}"`));
    counts.set(`${table.schema}.${table.name}`, Number(row?.n ?? 0));
  }
  return counts;
}

/** Every quarter's tier review of a workspace (all its periods), as comparable text. */
export async function reviewFigures(db: Database, workspaceId: string): Promise<{ periods: number; text: string }> {
  const review = await tierReview(db, workspaceId, { from: '0000-Q1' });
  return { periods: review.periods.length, text: JSON.stringify({ tiers: review.tiers, periods: review.periods, migration: review.migration }) };
}
