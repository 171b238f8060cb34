import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupSchedule, listBackups, setProcessBackupSchedule } from '../../app/ops/backup/schedule.server';
import { startTestApp } from '../support/app';
import { marketingClient } from '../support/customer-fixtures';
import { createTestDatabase, testDriver } from '../support/db';
import { createSurveyedCustomer, createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let dir: string;
let clock = new Date('2026-12-01T03:00:00Z');
let schedule: BackupSchedule;
let owner: Awaited<ReturnType<typeof createWorkspaceWithOwner>>;

beforeAll(async () => {
  database = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wouldmiss-backups-'));
  owner = await createWorkspaceWithOwner(database.db, 'Sicherung GmbH');
  await createSurveyedCustomer(database.db, owner.workspaceId);
  app = await startTestApp(database);
  schedule = new BackupSchedule(database.db, { dir, keep: 3, now: () => clock });
  setProcessBackupSchedule(schedule);
}, 60_000);

afterAll(async () => {
  setProcessBackupSchedule(undefined);
  await app?.close();
  await database?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const days = (n: number) => n * 24 * 60 * 60 * 1000;

describe(`scheduled backups (${testDriver})`, () => {
  it('shows owners and operators that none is made yet', async () => {
    const health = await (await fetch(`${app.base}/healthz?details`)).json();
    expect(health.backup).toEqual({ enabled: true, keep: 3, last: null, count: 0, lastFailureAt: null });
    // Without ?details the load balancer's answer stays as small as before.
    expect(await (await fetch(`${app.base}/healthz`)).json()).toEqual({ status: 'ok', database: 'ok' });
    const client = app.client();
    await client.login(owner.email, PASSWORD);
    const page = await (await client.get('/app/settings', { 'Accept-Language': 'en' })).text();
    expect(page).toContain('No backup yet');
  });

  // Five backups, each on PGlite opening its copy in a worker: minutes on a loaded machine.
  it('writes one a day and keeps the newest BACKUP_KEEP, leaving other files alone', async () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'the operator’s own file');
    expect(await schedule.runIfDue()).toBe(path.join(dir, 'wouldmiss-2026-12-01T030000Z.sql.gz'));
    // Not again the same day.
    clock = new Date(clock.getTime() + 60 * 60 * 1000);
    expect(await schedule.runIfDue()).toBeNull();
    for (let day = 1; day <= 4; day++) {
      clock = new Date(Date.parse('2026-12-01T03:00:00Z') + days(day));
      expect(await schedule.runIfDue()).not.toBeNull();
    }
    const kept = listBackups(dir);
    expect(kept.map((backup) => path.basename(backup.file))).toEqual([
      'wouldmiss-2026-12-05T030000Z.sql.gz',
      'wouldmiss-2026-12-04T030000Z.sql.gz',
      'wouldmiss-2026-12-03T030000Z.sql.gz',
    ]);
    expect(fs.existsSync(path.join(dir, 'notes.txt'))).toBe(true);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  }, 300_000);

  it('reports the time and size of the last backup in the owner’s settings and in /healthz?details', async () => {
    const newest = listBackups(dir)[0]!;
    const health = await (await fetch(`${app.base}/healthz?details`)).json();
    expect(health).toMatchObject({ status: 'ok', backup: { enabled: true, keep: 3, count: 3, last: { at: '2026-12-05T03:00:00.000Z', bytes: newest.bytes } } });
    expect(newest.bytes).toBeGreaterThan(1000);
    const client = app.client();
    await client.login(owner.email, PASSWORD);
    const english = await (await client.get('/app/settings', { 'Accept-Language': 'en' })).text();
    const size = (newest.bytes / 1e6).toFixed(1);
    expect(english).toContain(`Last backup: Dec 5, 2026, 3:00 AM UTC, ${size} MB. One is written a day; the newest 3 are kept (3 now).`);
    // The owner's own language choice, made on the same page.
    expect((await client.post('/app/settings?index', { locale: 'de' })).status).toBe(302);
    const german = await (await client.get('/app/settings')).text();
    expect(german).toContain(`Letzte Sicherung: 05.12.2026, 03:00 UTC, ${size.replace('.', ',')} MB.`);
  });

  it('keeps the status from marketing members', async () => {
    const client = await marketingClient(database.db, app.client(), owner.workspaceId);
    const page = await (await client.get('/app/settings', { 'Accept-Language': 'en' })).text();
    expect(page).toContain('Sign-ins');
    expect(page).not.toContain('Last backup');
    expect(page).not.toContain('>Backups<');
  });
});
