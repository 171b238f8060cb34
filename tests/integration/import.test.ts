import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCustomers } from '../../app/customers/import.server';
import { MAX_IMPORT_BYTES, type ByteSource } from '../../app/customers/import-read';
import { importErrorMessage, jsonSummary } from '../../app/customers/import-report';
import { addTier, saveTierSettings } from '../../app/customers/tiers.server';
import { tierMigration } from '../../app/reports/tier-migration.server';
import { translator } from '../../app/i18n';
import { auditLog, customers, tierAssignments, workspaces, workspaceTiers } from '../../db/schema';
import { createTestDatabase, testDriver } from '../support/db';
import { createWorkspaceWithOwner } from '../support/fixtures';
import { customerCount, fixture, generatedCsv, importCsv, memorySource, previewCsv, tiersIn, windows1252 } from '../support/customer-fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.dispose());

const english = translator('en');
const workspace = (name: string) => createWorkspaceWithOwner(database.db, name);

describe('importing a German Excel file', () => {
  it('reads Windows-1252, semicolons, decimal commas and quoted line breaks, with tiers from the Stufe column', async () => {
    const { db } = database;
    const owner = await workspace('Excel GmbH');
    const report = await importCsv(db, owner.workspaceId, await fixture('german-excel.csv'));
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ imported: true, rows: 4, created: 4, updated: 0, tiersFrom: 'column', encoding: 'windows-1252', delimiter: ';' });
    expect(report.tiers).toEqual({ A: 1, B: 1, C: 2 });
    const rows = await db
      .select({ externalId: customers.externalId, name: customers.name, company: customers.company, locale: customers.locale, revenue: tierAssignments.revenue, margin: tierAssignments.margin, source: tierAssignments.source })
      .from(customers)
      .innerJoin(tierAssignments, eq(tierAssignments.customerId, customers.id))
      .where(eq(customers.workspaceId, owner.workspaceId))
      .orderBy(customers.externalId);
    expect(rows).toEqual([
      { externalId: 'K-1001', name: 'Jürgen Müller', company: 'Müller & Söhne GmbH Niederlassung Süd', locale: 'de', revenue: '48250.00', margin: '12062.50', source: 'import' },
      { externalId: 'K-1002', name: 'Sabine Weiß', company: 'Weiß & Partner', locale: 'de', revenue: '12400.50', margin: '2480.10', source: 'import' },
      { externalId: 'K-1003', name: 'Günther Großmann', company: 'Großmann KG', locale: 'de', revenue: '950.00', margin: '-120.00', source: 'import' },
      { externalId: 'K-1004', name: 'Claire Lefèvre', company: 'Lefèvre SARL', locale: 'en', revenue: '1234.56', margin: '246.91', source: 'import' },
    ]);
  });
});

describe('tiers by ABC analysis', () => {
  it('gives a file without a tier column the ABC analysis of its revenue, with the workspace thresholds', async () => {
    const { db } = database;
    const owner = await workspace('Abc Ltd');
    const report = await importCsv(db, owner.workspaceId, await fixture('english-bom.csv'));
    // Revenues 50k, 30k, 10k, 5k, 3k, 2k of 100k: shares before 0, .5, .8, .9, .95, .98.
    expect(report).toMatchObject({ imported: true, tiersFrom: 'revenue', encoding: 'utf-8', tiers: { A: 2, B: 2, C: 2 } });
    expect(await tiersIn(db, owner.workspaceId, '2026-Q4')).toEqual({ 'C-1': 'A', 'C-2': 'A', 'C-3': 'B', 'C-4': 'B', 'C-5': 'C', 'C-6': 'C' });
    const [sourceRow] = await db.select({ source: tierAssignments.source }).from(tierAssignments).where(eq(tierAssignments.workspaceId, owner.workspaceId)).limit(1);
    expect(sourceRow?.source).toBe('abc');

    await saveTierSettings(db, owner.workspaceId, owner.userId, { labels: ['A', 'B', 'C'], thresholdA: 0.5, thresholdB: 0.9 });
    await importCsv(db, owner.workspaceId, await fixture('english-bom.csv'), { period: '2027-Q1' });
    expect(await tiersIn(db, owner.workspaceId, '2027-Q1')).toEqual({ 'C-1': 'A', 'C-2': 'B', 'C-3': 'B', 'C-4': 'C', 'C-5': 'C', 'C-6': 'C' });
  });

  it('uses margin when asked, and maps the classes onto a workspace with four tiers', async () => {
    const { db } = database;
    const owner = await workspace('Margin AG');
    await addTier(db, owner.workspaceId, owner.userId, 'D');
    const report = await importCsv(db, owner.workspaceId, await fixture('english-bom.csv'), { tiersBy: 'margin' });
    // Margins 10,000, 1,500, 4,000, 500, 300, 0 of 16,300.
    expect(await tiersIn(db, owner.workspaceId, '2026-Q4')).toEqual({ 'C-1': 'A', 'C-2': 'B', 'C-3': 'A', 'C-4': 'C', 'C-5': 'C', 'C-6': 'C' });
    expect(report.tiers).toEqual({ A: 2, B: 1, C: 3, D: 0 });
  });
});

describe('tiers by ABC analysis of the whole period', () => {
  const file = (rows: Array<[string, number]>) => `id,email,revenue\n${rows.map(([id, revenue]) => `${id},${id.toLowerCase()}@period.example,${revenue}`).join('\n')}\n`;

  it('ranks a second file of the quarter together with the customers already in it, and says so before confirming', async () => {
    const { db } = database;
    const owner = await workspace('Whole Quarter GmbH');
    // 900,000 in the quarter: P-1 500,000 and P-2 300,000 (A), ten customers of 10,000 (B, share before 88.9 %).
    const quarter: Array<[string, number]> = [['P-1', 500_000], ['P-2', 300_000], ...Array.from({ length: 10 }, (_, i): [string, number] => [`P-${i + 3}`, 10_000])];
    expect((await importCsv(db, owner.workspaceId, file(quarter))).tiers).toEqual({ A: 2, B: 10, C: 0 });

    // Alone, this file would make N-1 (45,000) and N-2 (30,000) A. Among the quarter's 976,000
    // their shares before are 82.0 % and 86.6 %: B, like the customers of 10,000 below them.
    const small = file([['N-1', 45_000], ['N-2', 30_000], ['N-3', 1_000]]);
    const preview = await previewCsv(db, owner.workspaceId, small);
    expect(preview.fileTiers.map((tier) => [tier.label, tier.customers])).toEqual([['A', 0], ['B', 2], ['C', 1]]);
    expect(preview.periodChanges).toBe(0);
    expect((await importCsv(db, owner.workspaceId, small)).tiers).toEqual({ A: 2, B: 12, C: 1 });
    expect(await tiersIn(db, owner.workspaceId, '2026-Q4')).toMatchObject({ 'P-1': 'A', 'P-2': 'A', 'P-12': 'B', 'N-1': 'B', 'N-2': 'B', 'N-3': 'C' });

    // A customer of 2,000,000 moves others down, and the preview says so: P-2 to B (share before 84.0 %),
    // N-2 and the ten customers of 10,000 to C (95.6 % and 96.6 %).
    const big = file([['N-9', 2_000_000]]);
    const bigPreview = await previewCsv(db, owner.workspaceId, big);
    expect(bigPreview.periodChanges).toBe(12);
    expect(bigPreview.tiers).toEqual({ A: 2, B: 2, C: 12 });
    expect(await tiersIn(db, owner.workspaceId, '2026-Q4')).toMatchObject({ 'P-2': 'A', 'N-2': 'B' });
    const imported = await importCsv(db, owner.workspaceId, big);
    expect(imported).toMatchObject({ imported: true, periodChanges: 12, tiers: { A: 2, B: 2, C: 12 } });
    expect(await tiersIn(db, owner.workspaceId, '2026-Q4')).toMatchObject({ 'N-9': 'A', 'P-1': 'A', 'P-2': 'B', 'N-1': 'B', 'N-2': 'C', 'P-3': 'C', 'P-12': 'C', 'N-3': 'C' });
  });

  it('keeps tiers given by a tier column, while their revenue still counts in the total', async () => {
    const { db } = database;
    const owner = await workspace('Given Tiers KG');
    await importCsv(db, owner.workspaceId, 'id,email,tier,revenue\nG-1,g1@period.example,C,900000\n');
    await importCsv(db, owner.workspaceId, file([['N-1', 100_000]]));
    // N-1's share before is 90 % of 1,000,000: B; G-1 keeps the C it was given.
    expect(await tiersIn(db, owner.workspaceId, '2026-Q4')).toEqual({ 'G-1': 'C', 'N-1': 'B' });
  });
});

describe('upserting by external id', () => {
  it('updates matched customers, keeps columns the file lacks and history of other periods', async () => {
    const { db } = database;
    const owner = await workspace('Upsert GmbH');
    await importCsv(db, owner.workspaceId, 'id,email,name,company,locale,tier\nU-1,u1@example.com,Uwe,Uwe AG,en,A\nU-2,u2@example.com,Ute,Ute KG,de,B\n', { period: '2026-Q3' });
    const report = await importCsv(db, owner.workspaceId, 'Kundennummer,E-Mail,Sprache,Stufe\nU-1,UWE@example.com,,C\nU-3,u3@example.com,,A\n');
    expect(report).toMatchObject({ imported: true, created: 1, updated: 1, tiers: { A: 1, B: 0, C: 1 } });
    const rows = await db.select().from(customers).where(eq(customers.workspaceId, owner.workspaceId)).orderBy(customers.externalId);
    expect(rows.map((row) => [row.externalId, row.email, row.name, row.company, row.locale])).toEqual([
      ['U-1', 'uwe@example.com', 'Uwe', 'Uwe AG', 'en'], // name and company kept, empty language keeps English
      ['U-2', 'u2@example.com', 'Ute', 'Ute KG', 'de'],
      ['U-3', 'u3@example.com', null, null, 'en'], // a new customer without a language gets the workspace's
    ]);
    expect(await tiersIn(db, owner.workspaceId, '2026-Q3')).toEqual({ 'U-1': 'A', 'U-2': 'B' });
    expect(await tiersIn(db, owner.workspaceId, '2026-Q4')).toEqual({ 'U-1': 'C', 'U-3': 'A' });

    const migration = await tierMigration(db, owner.workspaceId, '2026-Q3', '2026-Q4');
    const tiers = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, owner.workspaceId));
    const id = (label: string) => tiers.find((tier) => tier.label === label)!.id;
    expect(migration.cells).toEqual(
      expect.arrayContaining([
        { fromTierId: id('A'), toTierId: id('C'), customers: 1 },
        { fromTierId: id('B'), toTierId: null, customers: 1 },
        { fromTierId: null, toTierId: id('A'), customers: 1 },
      ]),
    );
    expect(migration.cells).toHaveLength(3);
  });

  it('previews the same counts the import then has, writing nothing', async () => {
    const { db } = database;
    const owner = await workspace('Preview GmbH');
    await importCsv(db, owner.workspaceId, generatedCsv(10, { tier: () => 'A' }));
    const next = generatedCsv(15, { tier: (i) => (i % 2 ? 'B' : 'C') });
    const preview = await previewCsv(db, owner.workspaceId, next);
    expect(preview).toMatchObject({ imported: false, rows: 15, created: 5, updated: 10, tiers: { A: 0, B: 8, C: 7 }, errors: [] });
    expect(await customerCount(db, owner.workspaceId)).toBe(10);
    const report = await importCsv(db, owner.workspaceId, next);
    expect(report).toMatchObject({ imported: true, rows: 15, created: 5, updated: 10, tiers: preview.tiers });
    const [audit] = await db.select().from(auditLog).where(and(eq(auditLog.workspaceId, owner.workspaceId), eq(auditLog.action, 'customers.imported'))).limit(1);
    expect(audit?.details).toMatchObject({ period: '2026-Q4', rows: 10, created: 10 });
  });

  it('imports a long file in batches, all of it at once', { timeout: 60_000 }, async () => {
    const { db } = database;
    const owner = await workspace('Many GmbH');
    const report = await importCsv(db, owner.workspaceId, generatedCsv(7_500, { tier: (i) => ['A', 'B', 'C'][i % 3]! }));
    expect(report).toMatchObject({ imported: true, rows: 7_500, created: 7_500, tiers: { A: 2_500, B: 2_500, C: 2_500 } });
    expect(await customerCount(db, owner.workspaceId)).toBe(7_500);
  });
});

describe('all or nothing', () => {
  it('imports nothing when one row in the middle is bad, and says which line', async () => {
    const { db } = database;
    const owner = await workspace('Careful GmbH');
    const lines = generatedCsv(3_000).split('\n');
    lines[1_500] = 'P-01500,broken-address,Person,B,10';
    const report = await importCsv(db, owner.workspaceId, lines.join('\n'));
    expect(report.imported).toBe(false);
    expect(report.errors).toEqual([{ line: 1_501, column: 'email', code: 'email_invalid', params: expect.objectContaining({ value: 'broken-address' }) }]);
    expect(await customerCount(db, owner.workspaceId)).toBe(0);
  });

  it('rolls back batches already written when the file turns out different on the second read', async () => {
    const { db } = database;
    const owner = await workspace('Changing GmbH');
    const first = generatedCsv(5_000);
    const changed = first.replace('P-04000,p4000@example.com', 'P-04000,changed-and-broken');
    let reads = 0;
    const flaky: ByteSource = () => {
      reads++;
      return memorySource(reads <= 2 ? first : changed)(db)();
    };
    const importing = importCustomers(db, { workspaceId: owner.workspaceId, period: '2026-Q4', tiersBy: 'auto' }, () => flaky);
    if (testDriver === 'postgres') {
      // One pass after the file's inspection: what it wrote is what it checked.
      await expect(importing).resolves.toMatchObject({ imported: true, created: 5_000 });
      expect(reads).toBe(2);
      expect(await customerCount(db, owner.workspaceId)).toBe(5_000);
      return;
    }
    await expect(importing).rejects.toThrow(/changed/);
    expect(reads).toBe(3);
    expect(await customerCount(db, owner.workspaceId)).toBe(0);
    // On PGlite the rows went to a staging table of the import's own, dropped with the failure.
    const [left] = await db.select({ n: sql<number>`count(*)::int` }).from(sql`pg_class`).where(sql`relname like 'import_stage_%'`);
    expect(left!.n).toBe(0);
  });

  // The one pass of PostgreSQL (and of PGlite unstaged) writes batches while it checks the rows after them.
  for (const [problem, line] of [
    ['a bad email', 'P-06500,broken-address,Person,B,10'],
    ['an external id seen before', 'P-00007,again@example.com,Person,B,10'],
  ] as const) {
    it(`rolls back the batches written before ${problem} far into the file, and keeps the customers it would have updated`, async () => {
      const { db } = database;
      const owner = await workspace('Late Problem GmbH');
      await importCsv(db, owner.workspaceId, generatedCsv(100).replaceAll('Person ', 'Before '));
      const lines = generatedCsv(7_000).split('\n');
      lines[6_500] = line;
      const report = await importCustomers(db, { workspaceId: owner.workspaceId, period: '2026-Q4', tiersBy: 'auto' }, memorySource(lines.join('\n')), { staged: false });
      expect(report).toMatchObject({ imported: false, created: 0, updated: 0, tiers: { B: 100 } });
      expect(report.errors).toEqual([expect.objectContaining({ line: 6_501 })]);
      expect(await customerCount(db, owner.workspaceId)).toBe(100);
      const names = await db.select({ name: customers.name }).from(customers).where(eq(customers.workspaceId, owner.workspaceId));
      expect(names.every(({ name }) => name!.startsWith('Before '))).toBe(true);
    });
  }
});

describe('bad input', () => {
  const problems = async (content: string | Uint8Array, target = {}) => {
    const owner = await workspace('Bad Input GmbH');
    const report = await importCsv(database.db, owner.workspaceId, content, target);
    expect(report.imported).toBe(false);
    expect(await customerCount(database.db, owner.workspaceId)).toBe(0);
    return report.errors.map((error) => ({ line: error.line, column: error.column, message: importErrorMessage(error, english) }));
  };

  it('an empty file', async () => {
    expect(await problems(await fixture('empty.csv'))).toEqual([{ line: null, column: null, message: 'The file is empty.' }]);
    expect(await problems('\uFEFF\r\n')).toEqual([{ line: null, column: null, message: 'The file is empty.' }]);
    expect(await problems('external_id,email,tier\n')).toEqual([{ line: null, column: null, message: 'The file has a header line but no customers.' }]);
  });

  it('a PDF renamed to .csv', async () => {
    expect(await problems(await fixture('report.pdf.csv'))).toEqual([
      { line: null, column: null, message: 'This is a PDF document, not a CSV file. Export the customer list from your CRM or spreadsheet as CSV.' },
    ]);
  });

  it('missing required columns', async () => {
    expect(await problems(await fixture('missing-columns.csv'))).toEqual([
      { line: 1, column: 'external_id', message: expect.stringContaining('The column “external_id” is missing') },
      { line: 1, column: 'email', message: expect.stringContaining('The column “email” is missing') },
    ]);
  });

  it('duplicate external ids, invalid emails, unknown tiers, negative and non-numeric revenue', async () => {
    expect(await problems(await fixture('bad-rows.csv'))).toEqual([
      { line: 3, column: 'email', message: '“not-an-email” is not a valid email address.' },
      { line: 4, column: 'tier', message: '“Platinum” is not a tier of this workspace; use one of A, B, C.' },
      { line: 6, column: 'revenue', message: '“-250” is negative; revenue cannot be below zero.' },
      { line: 7, column: 'revenue', message: '“a lot” is not a number.' },
      { line: 8, column: 'external_id', message: 'Customer number B-1 appears more than once in the file (first in line 2).' },
    ]);
  });

  it('a 50 MB file', async () => {
    const line = 'X-00000,someone@example.com,Someone,B,100\n';
    const big = new Uint8Array(50 * 1000 * 1000);
    big.set(new TextEncoder().encode('external_id,email,name,tier,revenue\n'));
    for (let offset = 40; offset + line.length < big.length; offset += line.length) big.set(new TextEncoder().encode(line), offset);
    expect(big.length).toBeGreaterThan(MAX_IMPORT_BYTES);
    expect(await problems(big)).toEqual([{ line: null, column: null, message: expect.stringContaining('larger than 32 MB') }]);
  });

  it('prints the issue’s JSON summary for a refused file', async () => {
    const owner = await workspace('Summary GmbH');
    const report = await importCsv(database.db, owner.workspaceId, windows1252('Kundennummer;E-Mail;Stufe\r\nK-1;kaputt;A\r\n'));
    expect(jsonSummary(report, english)).toEqual({
      rows: 1,
      created: 0,
      updated: 0,
      tiers: { A: 0, B: 0, C: 0 },
      errors: [{ line: 2, column: 'email', message: '“kaputt” is not a valid email address.' }],
      imported: false,
    });
  });
});

describe('workspaces', () => {
  it('never matches another workspace’s customers', async () => {
    const { db } = database;
    const alpha = await workspace('Alpha Import');
    const beta = await workspace('Beta Import');
    await importCsv(db, alpha.workspaceId, 'id,email,tier\nSAME-1,alpha@example.com,A\n');
    const report = await importCsv(db, beta.workspaceId, 'id,email,tier\nSAME-1,beta@example.com,B\n');
    expect(report).toMatchObject({ created: 1, updated: 0 });
    const [alphaCustomer] = await db.select().from(customers).where(eq(customers.workspaceId, alpha.workspaceId));
    expect(alphaCustomer?.email).toBe('alpha@example.com');
    const [row] = await db.select({ locale: workspaces.defaultLocale }).from(workspaces).where(eq(workspaces.id, beta.workspaceId));
    expect(row?.locale).toBe('en');
  });
});
