import { spawn, type ChildProcess } from 'node:child_process';
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../app/campaigns/launch.server';
import { selectRows } from '../../app/email/sql.server';
import { emailMessages, invitations } from '../../db/schema';
import { createCampaignWorkspace, createNamedPostgresDatabase, createTestCampaign, resendSettings, scheduleNow } from '../support/campaign-fixtures';
import { testDriver } from '../support/db';
import { startResendMock, type ResendMock } from '../support/resend-mock';

/**
 * The sending process is killed (SIGKILL) three times in the middle of a
 * campaign, each time while a batch it sent is being answered, and started
 * again. Every invitation still reaches its customer exactly once.
 *
 * It runs on PostgreSQL only: the worker is a separate process, and a PGlite
 * data folder can be open in one process at a time.
 */
const CUSTOMERS = 1200;
const KILLS = 3;

let database: Awaited<ReturnType<typeof createNamedPostgresDatabase>> | undefined;
let mock: ResendMock | undefined;
const children = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await mock?.close();
  await database?.dispose();
});

function startWorker(databaseUrl: string, resend: ResendMock): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      RESEND_API_KEY: resend.apiKey,
      RESEND_BASE_URL: resend.url,
      EMAIL_RATE_PER_SECOND: '0',
      EMAIL_LEASE_SECONDS: '2',
      DEMO_SEED: 'false',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

describe.runIf(testDriver === 'postgres')('exactly once', () => {
  it(
    'delivers every invitation once although the worker is killed mid-batch and restarted',
    async () => {
      database = await createNamedPostgresDatabase();
      const db = database.db;
      mock = await startResendMock({ responseDelayMs: 150 });
      const ws = await createCampaignWorkspace(db, 'Crash Test GmbH', CUSTOMERS);
      const campaign = await createTestCampaign(db, ws.workspaceId);
      await scheduleNow(db, campaign.id);
      expect(await launchCampaign(db, campaign.id, resendSettings(mock))).toMatchObject({ invited: CUSTOMERS });

      let worker = startWorker(database.url, mock);
      for (let kill = 1; kill <= KILLS; kill++) {
        // Kill at the moment the provider has carried out a request but the worker has not heard back.
        const victim = worker;
        await new Promise<void>((resolve) => {
          mock!.configure({
            onAccepted: () => {
              if (mock!.deliveries.length >= (kill * CUSTOMERS) / (KILLS + 2)) {
                victim.kill('SIGKILL');
                mock!.configure({ onAccepted: undefined });
                resolve();
              }
            },
          });
        });
        await exited(victim);
        expect(victim.signalCode).toBe('SIGKILL');
        worker = startWorker(database.url, mock);
      }

      // The last worker finishes the campaign.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const [row] = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from email_messages where campaign_id = ${campaign.id} and status = 'sent'`);
        if (Number(row!.n) === CUSTOMERS) break;
        if (Date.now() > deadline) throw new Error(`only ${row!.n} of ${CUSTOMERS} sent`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      worker.kill('SIGTERM');
      await exited(worker);
      expect(worker.exitCode).toBe(0);

      expect(mock.violations).toEqual([]);
      // Each killed batch was repeated with its key and answered from the provider's idempotency record.
      expect(mock.replays).toBeGreaterThanOrEqual(KILLS);
      const counts = mock.countsByRecipient();
      const messages = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
      expect(messages).toHaveLength(CUSTOMERS);
      expect(mock.deliveries).toHaveLength(CUSTOMERS);
      const providerIdOf = new Map(mock.deliveries.map((d) => [d.to[0]!, d.id]));
      for (const message of messages) {
        expect(counts.get(message.toAddress), message.toAddress).toBe(1);
        expect(message.providerId).toBe(providerIdOf.get(message.toAddress));
      }
      const rows = await db.select().from(invitations).where(eq(invitations.campaignId, campaign.id));
      expect(rows.filter((row) => row.status !== 'sent')).toEqual([]);
    },
    120_000,
  );
});
