import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { tierReview } from '../../app/reports/tier-review.server';
import { openDatabase, selectRows, type DatabaseHandle } from '../../db/client.server';
import { pgliteTypeOptions } from '../../db/pglite-types';
import { testDriver } from '../support/db';
import { withDatabase } from '../support/setup-postgres';

// An upgrade from the previous release (ed70e1a, migrations 0000–0014): its
// database with its demo data, dumped by that release
// (tests/fixtures/upgrade/make-previous-release.sh), is loaded into an empty
// database of the run's driver; opening it applies the current migrations as
// the app does at start. Every row is still there and every figure of the
// quarterly tier review is what that release computed.

const FIXTURE = path.resolve('tests/fixtures/upgrade');

interface Figures {
  release: string;
  counts: Record<string, number>;
  reviews: Record<string, { tiers: string[]; periods: unknown[] }>;
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** An empty database holding the previous release's dump, not yet opened by the current code. */
async function previousReleaseDatabase(): Promise<() => Promise<DatabaseHandle>> {
  const dump = gunzipSync(await readFile(path.join(FIXTURE, 'previous-release.sql.gz'))).toString('utf8');
  if (testDriver === 'pglite') {
    const client = new PGlite(pgliteTypeOptions);
    await client.exec(dump);
    // pg_dump empties the search path for its own session; the app's session starts from the default.
    await client.exec('reset search_path');
    return () => openDatabase({ driver: 'pglite', client });
  }
  const url = process.env.DATABASE_URL!;
  const name = `wouldmiss_upgrade_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  cleanups.push(async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  const loader = postgres(withDatabase(url, name), { max: 1, onnotice: () => {} });
  await loader.unsafe(dump);
  await loader.end();
  return () => openDatabase({ driver: 'postgres', url: withDatabase(url, name), maxConnections: 4 });
}

describe('upgrading from the previous release', () => {
  it('keeps every row and every figure of the quarterly review', { timeout: 300_000 }, async () => {
    const recorded = JSON.parse(await readFile(path.join(FIXTURE, 'previous-release.figures.json'), 'utf8')) as Figures;
    const open = await previousReleaseDatabase();
    const handle = await open();
    cleanups.push(() => handle.close());

    // The current migrations ran on top of the release's eleven.
    const [applied] = await selectRows<{ n: number }>(handle.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
    const journal = JSON.parse(await readFile('db/migrations/meta/_journal.json', 'utf8')) as { entries: unknown[] };
    expect(Number(applied!.n)).toBe(journal.entries.length);
    expect(journal.entries.length).toBeGreaterThan(11);

    const counts: Record<string, number> = {};
    for (const table of Object.keys(recorded.counts)) {
      const [row] = await selectRows<{ n: number }>(handle.db, sql`select count(*)::int as n from ${sql.identifier(table)}`);
      counts[table] = Number(row!.n);
    }
    expect(counts).toEqual(recorded.counts);
    expect(recorded.counts.responses).toBeGreaterThan(1000);

    const workspaces = await selectRows<{ id: string; slug: string }>(handle.db, sql`select id, slug from workspaces order by slug`);
    expect(workspaces.map((workspace) => workspace.slug)).toEqual(Object.keys(recorded.reviews));
    for (const workspace of workspaces) {
      const review = await tierReview(handle.db, workspace.id, { from: '2000-Q1' });
      const old = recorded.reviews[workspace.slug]!;
      expect(review.tiers).toEqual(old.tiers);
      expect(review.periods).toHaveLength(old.periods.length);
      // Later releases may add figures; the release's own figures are unchanged.
      expect(review.periods, workspace.slug).toMatchObject(old.periods);
    }
  });
});
