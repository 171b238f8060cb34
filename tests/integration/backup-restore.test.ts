import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup, runRestore, runTransfer } from '../../app/cli/backup';
import { writeBackupFile } from '../../app/ops/backup/backup.server';
import { BackupDumpError, stopPgliteDumps } from '../../app/ops/backup/pglite-dump.server';
import { restoreFile } from '../../app/ops/backup/targets.server';
import { reviewFigures, tableCounts } from '../../app/ops/backup/transfer.server';
import { openDatabase, selectRows, schema, type Database } from '../../db/client.server';
import { pgliteTypeOptions } from '../../db/pglite-types';
import { ensureDemoWorkspace } from '../../db/seed/demo.server';
import { createTestDatabase, testDriver } from '../support/db';
import { createSurveyedCustomer, createWorkspaceWithOwner } from '../support/fixtures';
import { withDatabase } from '../support/setup-postgres';

let source: Awaited<ReturnType<typeof createTestDatabase>>;
let folder: string;
let backupFile: string;
/** What the source held when it was backed up: rows per table, and every workspace's tier review. */
let atBackup: { counts: Map<string, number>; reviews: Map<string, { periods: number; text: string }> };
const serverUrl = process.env.DATABASE_URL;
const databasesToDrop: string[] = [];

beforeAll(async () => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'wouldmiss-backup-'));
  source = await createTestDatabase();
  // What a real installation holds: the demo, and a workspace made by signing up with one answer.
  await ensureDemoWorkspace(source.db);
  const own = await createWorkspaceWithOwner(source.db, 'Backup Prüfung GmbH');
  await createSurveyedCustomer(source.db, own.workspaceId, 'Kundin mit Umlauten äöü; and a "quote"');
}, 180_000);

afterAll(async () => {
  await source?.dispose();
  fs.rmSync(folder, { recursive: true, force: true });
  if (serverUrl && databasesToDrop.length > 0) {
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    for (const name of databasesToDrop) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
});

function capture() {
  const out = { stdout: '', stderr: '' };
  const stream = (key: 'stdout' | 'stderr') => ({ write: (text: string) => ((out[key] += text), true) }) as unknown as NodeJS.WritableStream;
  return { out, io: { stdout: stream('stdout'), stderr: stream('stderr') } };
}

async function count(db: Database, table: string): Promise<number> {
  const [row] = await selectRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${table}`));
  return Number(row!.n);
}

/** Each workspace's quarterly tier review (all quarters), by workspace name. */
async function reviews(db: Database) {
  const result = new Map<string, { periods: number; text: string }>();
  for (const { id, name } of await selectRows<{ id: string; name: string }>(db, sql`select id, name from workspaces`)) result.set(name, await reviewFigures(db, id));
  return result;
}

/** The restored database holds what the source held at the backup: every table's rows, every review. */
async function expectSameAsAtBackup(db: Database) {
  // Counted before the reviews, which fill the review cache (period_rollups).
  expect(Object.fromEntries(await tableCounts(db))).toEqual(Object.fromEntries(atBackup.counts));
  const restored = await reviews(db);
  expect([...restored.keys()].sort()).toEqual(['Backup Prüfung GmbH', 'Muster Beratung GmbH']);
  expect(restored.get('Muster Beratung GmbH')!.periods).toBe(6);
  for (const [name, review] of atBackup.reviews) expect(restored.get(name)!.text, name).toBe(review.text);
}

async function freshPglite() {
  const client = new PGlite(pgliteTypeOptions);
  return { client, db: drizzle({ client, schema }) as unknown as Database };
}

/** An empty database on the PostgreSQL server of the run (dropped after the file). */
async function emptyPostgres(): Promise<string> {
  const name = `wouldmiss_restore_${Math.random().toString(16).slice(2, 10)}`;
  const admin = postgres(serverUrl!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  databasesToDrop.push(name);
  return withDatabase(serverUrl!, name);
}

describe(`backup and restore (${testDriver})`, () => {
  it('backs up the whole database with the app running and prints file, size and counts', async () => {
    backupFile = path.join(folder, 'demo.sql.gz');
    const { out, io } = capture();
    const code = await runBackup([backupFile], { ...io, openDatabase: async () => ({ db: source.db, close: async () => {} }) });
    expect(code, out.stderr).toBe(0);
    expect(out.stdout.trim()).toBe(backupFile);
    const [customers, responses, emails] = [await count(source.db, 'customers'), await count(source.db, 'responses'), await count(source.db, 'email_messages')];
    expect(responses).toBeGreaterThan(1_500);
    expect(out.stderr).toContain(`${customers} customers, ${responses} responses, ${emails} emails`);
    expect(out.stderr).toMatch(/Backup written: \d+\.\d+ MB/);
    // gzip, and PostgreSQL's own plain dump inside.
    atBackup = { counts: await tableCounts(source.db), reviews: await reviews(source.db) };
    const head = fs.readFileSync(backupFile).subarray(0, 2);
    expect([...head]).toEqual([0x1f, 0x8b]);
    // A second backup to the same name is refused rather than overwriting it.
    const again = capture();
    expect(await runBackup([backupFile], { ...again.io, openDatabase: async () => ({ db: source.db, close: async () => {} }) })).toBe(1);
    expect(again.out.stderr).toContain('exists already');
  }, 120_000);

  it('restores into a fresh embedded database with the same counts and quarterly reviews', async () => {
    const target = await freshPglite();
    const searchPath = async () => (await target.client.query<{ search_path: string }>('show search_path')).rows[0]!.search_path;
    const pathBefore = await searchPath();
    const result = await restoreFile({ driver: 'pglite', client: target.client }, backupFile);
    expect(result.tables['public.responses']).toBe(await count(source.db, 'responses'));
    await expectSameAsAtBackup(target.db);
    // The restored database works as the app's: it takes new answers, and its triggers run.
    const [workspace] = await selectRows<{ id: string }>(target.db, sql`select id from workspaces where name = 'Backup Prüfung GmbH'`);
    await createSurveyedCustomer(target.db, workspace!.id, 'After the restore');
    expect(await count(target.db, 'customers')).toBe((await count(source.db, 'customers')) + 1);
    // The dump's session settings did not stay behind on the connection.
    expect(await searchPath()).toBe(pathBefore);
    await target.client.close();
  }, 120_000);

  it.runIf(serverUrl)('restores into an empty PostgreSQL database with the same counts and quarterly reviews', async () => {
    const url = await emptyPostgres();
    await restoreFile({ driver: 'postgres', url }, backupFile);
    const target = await openDatabase({ driver: 'postgres', url, maxConnections: 2 }, { migrate: false });
    try {
      await expectSameAsAtBackup(target.db);
    } finally {
      await target.close();
    }
  }, 120_000);

  it('refuses a database that is not empty unless --replace is given, with a message and exit code 1', async () => {
    const dataDir = path.join(folder, 'restore-data');
    const first = capture();
    expect(await runRestore([backupFile], first.io, { DATA_DIR: dataDir, DATABASE_URL: undefined })).toBe(0);
    expect(first.out.stderr).toContain('Restored into the embedded database');
    const refused = capture();
    expect(await runRestore([backupFile], refused.io, { DATA_DIR: dataDir, DATABASE_URL: undefined })).toBe(1);
    expect(refused.out.stderr).toMatch(/The target database is not empty \(\d+ tables\)\. .*add --replace/);
    const replaced = capture();
    expect(await runRestore([backupFile, '--replace'], replaced.io, { DATA_DIR: dataDir, DATABASE_URL: undefined })).toBe(0);
    const reopened = await openDatabase({ driver: 'pglite', dataDir });
    try {
      expect(await count(reopened.db, 'responses')).toBe(await count(source.db, 'responses'));
    } finally {
      await reopened.close();
    }
  }, 180_000);

  it('says the app must be stopped when it holds the data folder', async () => {
    const dataDir = path.join(folder, 'held-data');
    fs.mkdirSync(dataDir);
    // The lock as a running app leaves it: another live process's id (this test's parent).
    fs.writeFileSync(path.join(folder, '.held-data.lock'), String(process.ppid));
    try {
      const { out, io } = capture();
      expect(await runRestore([backupFile], io, { DATA_DIR: dataDir, DATABASE_URL: undefined })).toBe(1);
      expect(out.stderr).toContain(`in use by another Wouldmiss process (pid ${process.ppid})`);
      expect(out.stderr).toContain('stop the app');
      expect(fs.readdirSync(dataDir)).toEqual([]);
    } finally {
      fs.rmSync(path.join(folder, '.held-data.lock'), { force: true });
    }
  }, 60_000);

  it('leaves the target unchanged for a cut-off, corrupt or foreign file', async () => {
    const target = await freshPglite();
    await restoreFile({ driver: 'pglite', client: target.client }, backupFile);
    const before = await count(target.db, 'responses');
    const whole = fs.readFileSync(backupFile);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['cut.sql.gz', whole.subarray(0, Math.floor(whole.length * 0.6)), /could not be restored, and the database is unchanged: unexpected end of file/],
      ['noise.sql.gz', Buffer.concat([whole.subarray(0, 20), Buffer.alloc(5000, 7)]), /could not be restored, and the database is unchanged/],
      ['notes.txt', Buffer.from('Just some notes\n'), /not a Wouldmiss backup: it is neither gzip-compressed nor a plain SQL dump/],
      ['other.sql.gz', gzipSync('-- PostgreSQL database dump\n\nCREATE TABLE public.foo (id integer);\n\n-- PostgreSQL database dump complete\n'), /not of a Wouldmiss database/],
      ['other.sql', Buffer.from('-- a script\nDROP TABLE public.responses;\n'), /does not start like a pg_dump file/],
    ];
    for (const [name, content, message] of cases) {
      const file = path.join(folder, name);
      fs.writeFileSync(file, content);
      await expect(restoreFile({ driver: 'pglite', client: target.client }, file, { replace: true }), name).rejects.toThrow(message);
      expect(await count(target.db, 'responses'), name).toBe(before);
    }
    await expect(restoreFile({ driver: 'pglite', client: target.client }, path.join(folder, 'missing.sql.gz'), { replace: true })).rejects.toThrow(
      /There is no file/,
    );
    await target.client.close();
  }, 120_000);
});

describe.runIf(testDriver === 'pglite')('a backup of the embedded database while the app works', () => {
  it('holds the app only for the copy of the data folder: queries answer while the copy is dumped, and the dump is of the copy', async () => {
    const target = await freshPglite();
    await restoreFile({ driver: 'pglite', client: target.client }, backupFile);
    const [workspace] = await selectRows<{ id: string }>(target.db, sql`select id from workspaces where name = 'Backup Prüfung GmbH'`);
    const before = await count(target.db, 'customers');
    // A transaction open at the moment of the copy: the copy holds it unfinished, so the dump leaves it out.
    let commitOpen!: () => void;
    const open = target.db.transaction(async (tx) => {
      await createSurveyedCustomer(tx as unknown as Database, workspace!.id, 'Open during the copy');
      await new Promise<void>((resolve) => (commitOpen = resolve));
    });
    while (!commitOpen || !target.client.isInTransaction()) await new Promise((resolve) => setTimeout(resolve, 5));

    const events: string[] = [];
    let afterCopy: Promise<void> = Promise.resolve();
    let probes: Promise<void> = Promise.resolve();
    const backup = writeBackupFile(target.db, path.join(folder, 'busy.sql.gz'), undefined, {
      onPhase: (phase) => {
        events.push(phase);
        if (phase === 'copied') {
          commitOpen();
          // Committed after the copy: not in this backup.
          afterCopy = target.db.transaction(async (tx) => {
            await createSurveyedCustomer(tx as unknown as Database, workspace!.id, 'After the copy');
          });
        }
        if (phase === 'dumping') {
          // The app's database answers while pg_dump runs in the worker.
          probes = count(target.db, 'customers').then((n) => void events.push(`probe answered (${n - before} new)`));
        }
      },
    });
    const result = await backup;
    await Promise.all([open, afterCopy, probes]);
    expect(events).toEqual(['copied', 'dumping', 'probe answered (2 new)', 'dumped']);
    expect(result.customers).toBe(before);
    expect(result.heldMs).toBeGreaterThan(0);
    expect(await count(target.db, 'customers')).toBe(before + 2);
    expect(target.client.isInTransaction()).toBe(false);
    await target.client.close();
  }, 120_000);

  it('copies a data folder on disk beside it for the dump, and removes the copy afterwards', async () => {
    const parent = path.join(folder, 'on-disk');
    fs.mkdirSync(parent);
    const embedded = await openDatabase({ driver: 'pglite', dataDir: path.join(parent, 'data') });
    try {
      const own = await createWorkspaceWithOwner(embedded.db, 'Platte GmbH');
      await createSurveyedCustomer(embedded.db, own.workspaceId, 'Before the copy');
      // A copy that a stopped app left behind goes with the next backup.
      fs.mkdirSync(path.join(parent, '.data.backup-leftover'));
      const seen: string[] = [];
      let afterCopy: Promise<unknown> = Promise.resolve();
      const result = await writeBackupFile(embedded.db, path.join(folder, 'on-disk.sql.gz'), undefined, {
        onPhase: (phase) => {
          if (phase === 'copied') afterCopy = createSurveyedCustomer(embedded.db, own.workspaceId, 'After the copy');
          if (phase === 'dumping') seen.push(...fs.readdirSync(parent).filter((name) => name.startsWith('.data.backup-')));
        },
      });
      await afterCopy;
      expect(seen).toHaveLength(1);
      expect(seen[0]).not.toBe('.data.backup-leftover');
      expect(fs.readdirSync(parent).filter((name) => name.startsWith('.data.backup-'))).toEqual([]);
      expect(result.customers).toBe(1);
      expect(await count(embedded.db, 'customers')).toBe(2);
      const target = await freshPglite();
      await restoreFile({ driver: 'pglite', client: target.client }, path.join(folder, 'on-disk.sql.gz'));
      expect(await selectRows<{ name: string }>(target.db, sql`select name from customers`)).toEqual([{ name: 'Before the copy' }]);
      await target.client.close();
    } finally {
      await embedded.close();
    }
  }, 300_000);

  it('fails with a clear message and leaves no file when the app stops during the dump', async () => {
    const file = path.join(folder, 'cut-off.sql.gz');
    const backup = writeBackupFile(source.db, file, undefined, { onPhase: (phase) => phase === 'dumping' && stopPgliteDumps() });
    await expect(backup).rejects.toThrow(BackupDumpError);
    await expect(backup).rejects.toThrow('The app is stopping; the backup was cut off.');
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    // The app's database is untouched by it.
    expect(await count(source.db, 'workspaces')).toBe(2);
  }, 120_000);
});

describe.runIf(testDriver === 'postgres')('transfer from the embedded database to PostgreSQL', () => {
  it('copies the database, checks every table and review, and refuses a non-empty target', async () => {
    const dataDir = path.join(folder, 'transfer-data');
    const embedded = await openDatabase({ driver: 'pglite', dataDir });
    await ensureDemoWorkspace(embedded.db);
    const responses = await count(embedded.db, 'responses');
    await embedded.close();
    const url = await emptyPostgres();
    const { out, io } = capture();
    expect(await runTransfer(['--to', url], io, { DATA_DIR: dataDir }), out.stderr).toBe(0);
    expect(out.stdout).toMatch(/^same\s+public\.responses\s+(\d+)\s+\1$/m);
    expect(out.stdout).toContain('same       tier review of Muster Beratung GmbH (6 quarters)');
    expect(out.stdout).not.toContain('DIFFERENT');
    expect(out.stderr).toContain('every table and every tier review is the same');
    const target = await openDatabase({ driver: 'postgres', url, maxConnections: 1 }, { migrate: false });
    expect(await count(target.db, 'responses')).toBe(responses);
    await target.close();
    const again = capture();
    expect(await runTransfer(['--to', url], again.io, { DATA_DIR: dataDir })).toBe(1);
    expect(again.out.stderr).toContain('The target database is not empty');
    const bad = capture();
    expect(await runTransfer(['--to', 'mysql://x'], bad.io, { DATA_DIR: dataDir })).toBe(2);
  }, 240_000);
});
