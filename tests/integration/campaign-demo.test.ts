import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenHash } from '../../app/auth/tokens.server';
import { campaignProgress } from '../../app/campaigns/campaigns.server';
import { campaignTick } from '../../app/campaigns/lifecycle.server';
import { openDatabase, type DatabaseHandle } from '../../db/client.server';
import { campaigns, emailMessages, invitations, workspaces } from '../../db/schema';
import { DEMO, ensureDemoWorkspace } from '../../db/seed/demo.server';
import { createNamedPostgresDatabase, testEmailSettings } from '../support/campaign-fixtures';
import { testDriver } from '../support/db';

/**
 * The demo's open campaign sits in the outbox with real links, and the
 * command line lists it. The database is one a child process can open too:
 * a PGlite data folder or a PostgreSQL database with a known URL.
 */
let handle: DatabaseHandle;
let cliEnv: Record<string, string>;
let cleanup: () => Promise<void>;
let opened = true;

beforeAll(async () => {
  if (testDriver === 'postgres') {
    const database = await createNamedPostgresDatabase();
    handle = database;
    cliEnv = { DATABASE_URL: database.url };
    cleanup = database.dispose;
  } else {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wouldmiss-demo-'));
    handle = await openDatabase({ driver: 'pglite', dataDir: dir });
    cliEnv = { DATA_DIR: dir, DATABASE_URL: '' };
    cleanup = async () => {
      if (opened) await handle.close();
      await fs.rm(dir, { recursive: true, force: true });
    };
  }
  await ensureDemoWorkspace(handle.db);
}, 180_000);
afterAll(() => cleanup());

async function openCampaign() {
  const [workspace] = await handle.db.select().from(workspaces).where(eq(workspaces.slug, DEMO.slug));
  const [campaign] = await handle.db.select().from(campaigns).where(and(eq(campaigns.workspaceId, workspace!.id), eq(campaigns.status, 'open')));
  return campaign!;
}

describe('the demo outbox', () => {
  it('holds every invitation of the open campaign with its real survey link, and reminders to those who had not answered', async () => {
    const campaign = await openCampaign();
    const messages = await handle.db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    const rows = await handle.db.select().from(invitations).where(eq(invitations.campaignId, campaign.id));
    const invitationMessages = messages.filter((m) => m.kind === 'invitation');
    expect(invitationMessages).toHaveLength(rows.length);
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const message of invitationMessages) {
      expect(message.status).toBe('sent');
      expect(message.transport).toBe('outbox');
      const token = /\/s\/([A-Za-z0-9_-]{43})$/.exec(message.link!)![1]!;
      expect(byId.get(message.invitationId!)!.tokenHash).toBe(tokenHash(token));
    }
    const reminders = messages.filter((m) => m.kind === 'reminder');
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.length).toBeLessThan(rows.length);
    const progress = await campaignProgress(handle.db, campaign.id);
    expect(progress.funnel.completed).toBeGreaterThan(0);
    expect(progress.queue.invitation.queued).toBe(0);

    // Nothing is due: starting the app sends no surprise reminders.
    await campaignTick(handle.db, testEmailSettings());
    const after = await handle.db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    expect(after).toHaveLength(messages.length);
  });

  it('is listed by `npm run cli -- outbox --json --limit N`', async () => {
    if (testDriver === 'pglite') {
      await handle.close(); // a PGlite folder can be open in one process only
      opened = false;
    }
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'outbox', '--json', '--limit', '5'], {
      env: { ...process.env, ...cliEnv },
    });
    const lines = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, string>);
    expect(lines).toHaveLength(5);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(expect.arrayContaining(['to', 'subject', 'kind', 'link']));
      expect(['invitation', 'reminder']).toContain(line.kind);
      expect(line.link).toMatch(/^http:\/\/localhost:3000\/s\/[A-Za-z0-9_-]{43}$/);
      expect(line.to).toMatch(/@/);
    }
    const text = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'outbox', '--limit', '2'], { env: { ...process.env, ...cliEnv } });
    expect(text.stdout).toContain('/s/');
  });
});
