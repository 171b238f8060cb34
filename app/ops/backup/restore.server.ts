import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import type postgres from 'postgres';
import { migrationsFolder } from '../../../db/migrate.server';
import { SqlDumpReader } from './sql-dump';

/** Thrown when a restore is refused or the file cannot be restored; the target is unchanged. */
export class RestoreError extends Error {}

/** Where a backup is restored to: a PGlite instance or a dedicated postgres.js client (closed by the caller). */
export type RestoreTarget = { driver: 'pglite'; client: PGlite } | { driver: 'postgres'; client: postgres.Sql };

export interface RestoreResult {
  /** Rows restored per table, `schema.table`. */
  tables: Record<string, number>;
  /** Migrations the backup was made with; newer ones are applied afterwards by the caller. */
  migrations: number;
}

/** How many statements' text is sent in one round trip. */
const BATCH_CHARS = 4 << 20;

interface Executor {
  query<T>(text: string): Promise<T[]>;
  exec(text: string): Promise<void>;
}

/**
 * Restores a backup (gzip-compressed or plain pg_dump SQL) in one
 * transaction: either all of it lands or nothing does. A database that holds
 * tables already is refused unless `replace` is given; then its schemas are
 * dropped in the same transaction, so a failed restore leaves the old data.
 * The file must be a complete dump of a Wouldmiss database made by this
 * version or an older one; session settings of the dump are made
 * transaction-local, so the connection is left as it was found.
 */
export async function restoreBackup(target: RestoreTarget, input: Readable, options: { replace?: boolean } = {}): Promise<RestoreResult> {
  const lines = await dumpLines(input);
  const run = (work: (executor: Executor) => Promise<RestoreResult>) =>
    target.driver === 'pglite'
      ? target.client.transaction((tx) => work(pgliteExecutor(tx)))
      : (target.client.begin((tx) => work(postgresExecutor(tx))) as Promise<RestoreResult>);
  try {
    return await run(async (executor) => {
      const [existing] = await executor.query<{ n: number }>(
        "select count(*)::int as n from pg_catalog.pg_tables where schemaname in ('public', 'drizzle')",
      );
      if (Number(existing?.n) > 0) {
        if (!options.replace) {
          throw new RestoreError(
            `The target database is not empty (${existing!.n} tables). Restore into an empty database, or add --replace to replace everything in it.`,
          );
        }
        await executor.exec('drop schema if exists drizzle cascade; drop schema public cascade; create schema public;');
      }
      const settings = new Set((await executor.query<{ name: string }>('select name from pg_catalog.pg_settings')).map((row) => row.name));
      return replay(lines, executor, settings);
    });
  } catch (error) {
    if (error instanceof RestoreError) throw error;
    // A broken file shows up as a zlib or SQL error; the transaction has rolled back either way.
    throw new RestoreError(`The backup could not be restored, and the database is unchanged: ${(error as Error).message}`);
  }
}

/** The lines of the (possibly gzip-compressed) file; refuses at once what is not a pg_dump file. */
async function dumpLines(input: Readable): Promise<AsyncIterable<string>> {
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : Buffer.from(first.value as Buffer);
  const rest = Readable.from(
    (async function* () {
      yield head;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
    })(),
  );
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  if (!gzipped && !head.subarray(0, 2).equals(Buffer.from('--'))) {
    throw new RestoreError('This file is not a Wouldmiss backup: it is neither gzip-compressed nor a plain SQL dump.');
  }
  const text = gzipped ? rest.pipe(createGunzip()) : rest.pipe(new PassThrough());
  // A gunzip error must reach the reader, not crash the process.
  if (gzipped) rest.on('error', (error) => text.destroy(error));
  return splitLines(text.setEncoding('utf8'));
}

/** Lines of a text stream, read only as fast as they are used (readline would buffer the whole file ahead). */
async function* splitLines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of text) {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop()!;
    for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
  if (rest) yield rest;
}

async function replay(lines: AsyncIterable<string>, executor: Executor, settings: Set<string>): Promise<RestoreResult> {
  const reader = new SqlDumpReader();
  const tables: Record<string, number> = {};
  const created = new Set<string>();
  let batch: string[] = [];
  let batchChars = 0;
  let lineNumber = 0;
  let sawHeader = false;
  let sawEnd = false;
  const flush = async () => {
    if (batch.length === 0) return;
    await executor.exec(batch.join('\n'));
    batch = [];
    batchChars = 0;
  };
  for await (const line of lines) {
    lineNumber++;
    if (line === '-- PostgreSQL database dump') sawHeader = true;
    if (line === '-- PostgreSQL database dump complete') sawEnd = true;
    if (lineNumber === 10 && !sawHeader) throw new RestoreError('This file is not a Wouldmiss backup: it does not start like a pg_dump file.');
    for (const item of reader.line(line)) {
      if (item.kind === 'psql') {
        // pg_dump brackets its output with \restrict KEY and \unrestrict KEY, which guard psql and mean nothing here.
        if (/^\\(un)?restrict\b/.test(item.text)) continue;
        throw new RestoreError(`Line ${lineNumber} holds the psql command "${item.text.slice(0, 40)}", which a Wouldmiss backup never has.`);
      }
      const statement = adapt(item.text, settings);
      if (statement === null) continue;
      if (/^COPY\s/i.test(statement)) {
        throw new RestoreError('This dump holds COPY data; Wouldmiss backups use INSERT statements (pg_dump --inserts). Restore it with psql instead.');
      }
      const table = /^CREATE TABLE ((?:\w+\.)?"?[\w]+"?)/i.exec(statement)?.[1];
      if (table) created.add(table.replaceAll('"', ''));
      if (item.insertInto) tables[item.insertInto] = (tables[item.insertInto] ?? 0) + item.rows;
      batch.push(statement);
      batchChars += statement.length;
      if (batchChars >= BATCH_CHARS) await flush();
    }
  }
  if (lineNumber < 10 && !sawHeader) throw new RestoreError('This file is not a Wouldmiss backup: it does not start like a pg_dump file.');
  if (!sawEnd || !reader.complete) throw new RestoreError('The backup file is cut off: it lacks the end of the dump.');
  if (!created.has('drizzle.__drizzle_migrations') || !created.has('public.workspaces')) {
    throw new RestoreError('This file is a PostgreSQL dump, but not of a Wouldmiss database.');
  }
  await flush();
  const [row] = await executor.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations');
  const migrations = Number(row?.n ?? 0);
  const known = shippedMigrations();
  if (migrations > known) {
    throw new RestoreError(`The backup was made by a newer version of Wouldmiss (${migrations} migrations; this version knows ${known}). Restore it with that version or a newer one.`);
  }
  return { tables, migrations };
}

/**
 * A dump's statement as it is run here, or null to leave it out. Settings are
 * made local to the transaction (the dump sets them for the session), and a
 * setting this server does not know (a newer pg_dump's transaction_timeout on
 * PostgreSQL 15) is left out.
 */
function adapt(statement: string, settings: Set<string>): string | null {
  const set = /^SET\s+(\w+)\s*(=|TO)\s*([\s\S]*)$/i.exec(statement);
  if (set) return settings.has(set[1]!.toLowerCase()) ? `SET LOCAL ${set[1]} = ${set[3]}` : null;
  const config = /^SELECT pg_catalog\.set_config\(('[^']*'), ('[^']*'), false\);$/.exec(statement);
  if (config) return `SELECT pg_catalog.set_config(${config[1]}, ${config[2]}, true);`;
  // The public schema exists in every database; its comment belongs to its owner.
  if (/^CREATE SCHEMA public;$/i.test(statement)) return 'CREATE SCHEMA IF NOT EXISTS public;';
  if (/^COMMENT ON SCHEMA public IS/i.test(statement)) return null;
  return statement;
}

function shippedMigrations(): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}

function pgliteExecutor(tx: Transaction): Executor {
  return {
    query: async <T>(text: string) => (await tx.query<T>(text)).rows,
    exec: async (text) => {
      await tx.exec(text);
    },
  };
}

function postgresExecutor(tx: postgres.TransactionSql): Executor {
  return {
    query: async <T>(text: string) => (await tx.unsafe(text)) as unknown as T[],
    exec: async (text) => {
      await tx.unsafe(text).simple();
    },
  };
}
