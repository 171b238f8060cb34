import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runImportCustomers } from '../../app/cli/import-customers';
import { createTestDatabase, testDriver } from '../support/db';
import { createWorkspaceWithOwner } from '../support/fixtures';
import { customerCount, FIXTURES, tiersIn } from '../support/customer-fixtures';
import { eq } from 'drizzle-orm';
import { createWorkspace } from '../../app/auth/accounts.server';
import { openDatabase } from '../../db/client.server';
import { workspaces } from '../../db/schema';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let directory: string;
beforeAll(async () => {
  database = await createTestDatabase();
  directory = await mkdtemp(path.join(tmpdir(), 'wouldmiss-cli-'));
});
afterAll(async () => {
  await database.dispose();
  await rm(directory, { recursive: true, force: true });
});

/** Runs the command in this process against the test database; captures both streams. */
async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runImportCustomers(argv, {
    stdout: { write: (text: string) => ((stdout += text), true) } as unknown as NodeJS.WritableStream,
    stderr: { write: (text: string) => ((stderr += text), true) } as unknown as NodeJS.WritableStream,
    openDatabase: async () => ({ db: database.db, close: async () => {} }),
  });
  return { code, stdout, stderr };
}

async function workspaceSlug(name: string) {
  const owner = await createWorkspaceWithOwner(database.db, name);
  const [row] = await database.db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, owner.workspaceId));
  return { ...owner, slug: row!.slug };
}

describe('npm run cli -- import:customers', () => {
  it('imports and prints exactly the JSON summary of the issue, exit code 0', async () => {
    const owner = await workspaceSlug('Cli Import GmbH');
    const result = await cli(path.join(FIXTURES, 'german-excel.csv'), '--workspace', owner.slug, '--period', '2026-Q4', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ rows: 4, created: 4, updated: 0, tiers: { A: 1, B: 1, C: 2 }, errors: [], imported: true });
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    // Progress goes to standard error, never into the JSON.
    expect(result.stderr).toContain('writing: 4 of 4 customers');
    expect(await customerCount(database.db, owner.workspaceId)).toBe(4);
  });

  it('with --dry-run tells what would happen and writes nothing', async () => {
    const owner = await workspaceSlug('Cli Dry Run GmbH');
    const result = await cli(path.join(FIXTURES, 'english-bom.csv'), '--workspace', owner.slug, '--period', '2026-Q4', '--dry-run', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ rows: 6, created: 6, updated: 0, tiers: { A: 2, B: 2, C: 2 }, errors: [], imported: false });
    expect(await customerCount(database.db, owner.workspaceId)).toBe(0);
  });

  it('with --tiers-by margin computes the ABC analysis of margin', async () => {
    const owner = await workspaceSlug('Cli Margin GmbH');
    const result = await cli(path.join(FIXTURES, 'english-bom.csv'), '--workspace', owner.slug, '--period', '2026-Q3', '--tiers-by', 'margin');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Imported 6 customers for 2026-Q3: 6 new, 0 updated (tiers from the ABC analysis of margin).');
    expect((await tiersIn(database.db, owner.workspaceId, '2026-Q3'))['C-3']).toBe('A');
  });

  it('exits 2 and imports nothing when rows are bad, listing each with its line', async () => {
    const owner = await workspaceSlug('Cli Bad GmbH');
    const result = await cli(path.join(FIXTURES, 'bad-rows.csv'), '--workspace', owner.slug, '--period', '2026-Q4', '--json');
    expect(result.code).toBe(2);
    const summary = JSON.parse(result.stdout) as { imported: boolean; rows: number; errors: Array<{ line: number; column: string; message: string }> };
    expect(summary.imported).toBe(false);
    expect(summary.rows).toBe(6);
    expect(summary.errors.map((error) => [error.line, error.column])).toEqual([
      [3, 'email'],
      [4, 'tier'],
      [6, 'revenue'],
      [7, 'revenue'],
      [8, 'external_id'],
    ]);
    expect(await customerCount(database.db, owner.workspaceId)).toBe(0);

    const text = await cli(path.join(FIXTURES, 'bad-rows.csv'), '--workspace', owner.slug, '--period', '2026-Q4');
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('Nothing imported: 5 of 6 rows have problems.');
    expect(text.stdout).toContain('line 4, tier: “Platinum” is not a tier of this workspace; use one of A, B, C.');
  });

  it('exits 2 for an empty file, a PDF, missing columns and a 50 MB file', async () => {
    const owner = await workspaceSlug('Cli Files GmbH');
    const big = path.join(directory, 'big.csv');
    await writeFile(big, `external_id,email,tier\n${'X-1,x@example.com,A\n'.repeat(2_700_000)}`);
    const cases: Array<[string, string]> = [
      [path.join(FIXTURES, 'empty.csv'), 'The file is empty.'],
      [path.join(FIXTURES, 'report.pdf.csv'), 'This is a PDF document'],
      [path.join(FIXTURES, 'missing-columns.csv'), 'The column “external_id” is missing'],
      [big, 'The file is larger than 32 MB'],
    ];
    for (const [file, message] of cases) {
      const result = await cli(file, '--workspace', owner.slug, '--period', '2026-Q4', '--json');
      expect(result.code, file).toBe(2);
      const summary = JSON.parse(result.stdout) as { imported: boolean; errors: Array<{ message: string }> };
      expect(summary.imported, file).toBe(false);
      expect(summary.errors[0]!.message, file).toContain(message);
    }
    expect(await customerCount(database.db, owner.workspaceId)).toBe(0);
  });

  it('exits 2 with a usage message for wrong arguments, an unknown workspace or a missing file', async () => {
    const owner = await workspaceSlug('Cli Usage GmbH');
    const file = path.join(FIXTURES, 'german-excel.csv');
    for (const argv of [
      [file, '--workspace', owner.slug],
      [file, '--workspace', owner.slug, '--period', 'Q4/2026'],
      [file, '--workspace', owner.slug, '--period', '2026-Q4', '--tiers-by', 'profit'],
      ['--workspace', owner.slug, '--period', '2026-Q4'],
      [file, '--workspace', 'no-such-workspace', '--period', '2026-Q4'],
      [path.join(directory, 'missing.csv'), '--workspace', owner.slug, '--period', '2026-Q4'],
    ]) {
      const result = await cli(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stdout, argv.join(' ')).toBe('');
      expect(result.stderr, argv.join(' ')).toMatch(/^import:customers: /);
    }
  });
});

describe.runIf(testDriver === 'pglite')('the command in its own process', () => {
  it('runs through `npm run cli`, with the exit code of the result', { timeout: 120_000 }, async () => {
    const dataDir = path.join(directory, 'data');
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', ...args], {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', DEMO_SEED: 'false' },
      }).then(
        (result) => ({ code: 0, ...result }),
        (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
      );
    // A copy of the migrated template in a data folder: no initdb, no migrations.
    const client = await PGlite.create(dataDir, { loadDataDir: new Blob([await readFile(inject('pgliteTemplate'))]) });
    const handle = await openDatabase({ driver: 'pglite', client }, { migrate: false });
    await createWorkspace(handle.db, { name: 'Process GmbH', locale: 'de', slug: 'process' });
    await handle.close();
    const imported = await run('import:customers', path.join(FIXTURES, 'german-excel.csv'), '--workspace', 'process', '--period', '2027-Q1', '--json');
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ rows: 4, created: 4, imported: true });
    const refused = await run('import:customers', path.join(FIXTURES, 'bad-rows.csv'), '--workspace', 'process', '--period', '2027-Q1', '--json');
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ imported: false });
  });
});
