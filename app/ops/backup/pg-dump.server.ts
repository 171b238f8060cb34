import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import type { PGlite } from '@electric-sql/pglite';
import { isEmbedded, selectRows, type Database } from '../../../db/client.server';

const run = promisify(execFile);

/** Thrown when no pg_dump on this machine can dump the server. */
export class PgDumpMissingError extends Error {}

export interface PostgresConnection {
  driver: 'postgres';
  db: Database;
  /** libpq's variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE) for pg_dump and psql. */
  env: Record<string, string>;
}

/**
 * What a database handle talks to: the PGlite instance, or the PostgreSQL
 * server's connection settings as postgres.js parsed them. Commands get only
 * the handle (so that the running app can carry them out), and this is how
 * a backup finds its way to pg_dump from there.
 */
export function connectionOf(db: Database): { driver: 'pglite'; client: PGlite } | PostgresConnection {
  const client = (db as unknown as { $client: unknown }).$client as Record<string, unknown>;
  if (isEmbedded(db)) return { driver: 'pglite', client: client as unknown as PGlite };
  const options = client.options as { host: string[]; port: number[]; user: string; pass?: string | null; database: string; ssl?: unknown } | undefined;
  if (!options) throw new Error('The database handle is neither PGlite nor postgres.js.');
  const env: Record<string, string> = {
    PGHOST: options.host.join(','),
    PGPORT: options.port.join(','),
    PGUSER: options.user,
    PGDATABASE: options.database,
    PGSSLMODE: options.ssl && options.ssl !== 'disable' ? 'require' : 'prefer',
  };
  if (options.pass) env.PGPASSWORD = options.pass;
  return { driver: 'postgres', db, env };
}

/**
 * The pg_dump to use for a server: one at least as new as the server (an
 * older one refuses), the newest found on PATH or in Debian's
 * /usr/lib/postgresql/<major>/bin folders.
 */
export async function findPgDump(connection: PostgresConnection): Promise<string> {
  const [row] = await selectRows<{ v: string }>(connection.db, sqlServerVersion);
  const serverMajor = Math.floor(Number(row!.v) / 10_000);
  const found: Array<{ binary: string; major: number }> = [];
  for (const binary of ['pg_dump', ...debianBinaries()]) {
    try {
      const { stdout } = await run(binary, ['--version']);
      const major = Number(/(\d+)(?:\.\d+)?/.exec(stdout)?.[1]);
      if (Number.isInteger(major)) found.push({ binary, major });
    } catch {
      // Not installed there.
    }
  }
  const usable = found.filter((entry) => entry.major >= serverMajor).sort((a, b) => b.major - a.major);
  if (usable[0]) return usable[0].binary;
  const seen = found.length > 0 ? ` (found: ${found.map((entry) => `${entry.binary} ${entry.major}`).join(', ')})` : '';
  throw new PgDumpMissingError(
    `A backup of PostgreSQL ${serverMajor} needs pg_dump ${serverMajor} or newer on this machine${seen}: install the PostgreSQL client tools (Debian: postgresql-client-${serverMajor}).`,
  );
}

const sqlServerVersion = sql`select current_setting('server_version_num') as v`;

function debianBinaries(): string[] {
  const root = '/usr/lib/postgresql';
  try {
    return fs.readdirSync(root).map((major) => path.join(root, major, 'bin', 'pg_dump')).filter((file) => fs.existsSync(file));
  } catch {
    return [];
  }
}
