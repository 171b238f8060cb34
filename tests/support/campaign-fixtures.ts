import { randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { inject } from 'vitest';
import { campaignTick } from '../../app/campaigns/lifecycle.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import type { EmailSettings } from '../../app/email/settings.server';
import { selectRows } from '../../app/email/sql.server';
import { openDatabase, type Database } from '../../db/client.server';
import { campaigns, surveyVersions, workspaceTiers } from '../../db/schema';
import type { TestClient } from './app';
import { createWorkspaceWithOwner } from './fixtures';
import { withDatabase } from './setup-postgres';

export const TEST_PERIOD = '2026-Q4';

/** Email settings for tests: the outbox, or Resend at a mock's URL. */
export function testEmailSettings(overrides: Partial<EmailSettings> = {}): EmailSettings {
  return {
    transport: 'outbox',
    resend: null,
    ratePerSecond: 0,
    leaseSeconds: 60,
    appUrl: 'https://surveys.example.com',
    from: 'Wouldmiss <surveys@wouldmiss.example>',
    dailyLimitPerWorkspace: 20_000,
    ...overrides,
  };
}

export function resendSettings(mock: { url: string; apiKey: string }, overrides: Partial<EmailSettings> = {}): EmailSettings {
  return testEmailSettings({ transport: 'resend', resend: { apiKey: mock.apiKey, baseUrl: mock.url }, ...overrides });
}

export interface CustomerSpec {
  /** Tier label in TEST_PERIOD (A, B or C); null: no tier. */
  tier?: string | null;
  email?: string | null;
  name?: string | null;
  locale?: 'de' | 'en';
  erased?: boolean;
}

/**
 * A workspace (made through sign-up) with customers inserted in one
 * statement per 10,000, so benchmarks can make 100,000 quickly.
 */
export async function createCampaignWorkspace(db: Database, name: string, customers: CustomerSpec[] | number) {
  const owner = await createWorkspaceWithOwner(db, name);
  const workspaceId = owner.workspaceId;
  const tiers = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspaceId));
  const tierId = new Map(tiers.map((tier) => [tier.label, tier.id]));
  const specs: CustomerSpec[] = typeof customers === 'number' ? Array.from({ length: customers }, (_, i) => ({ tier: 'ABC'[i % 3]! })) : customers;
  const tag = randomBytes(4).toString('hex');
  const rows = specs.map((spec, i) => ({
    external_id: `C-${i}`,
    email: spec.email === undefined ? `customer-${i}-${tag}@example.com` : spec.email,
    name: spec.name === undefined ? `Customer ${i}` : spec.name,
    locale: spec.locale ?? (i % 4 === 0 ? 'en' : 'de'),
    erased: spec.erased ?? false,
    tier_id: spec.tier === null ? null : tierId.get(spec.tier ?? 'A') ?? null,
  }));
  for (let i = 0; i < rows.length; i += 10_000) {
    const chunk = JSON.stringify(rows.slice(i, i + 10_000));
    await db.execute(sql`with inserted as (
        insert into customers (workspace_id, external_id, email, name, locale, erased_at)
        select ${workspaceId}::uuid, r.external_id, r.email, r.name, r.locale, case when r.erased then now() end
        from json_to_recordset(${chunk}::json) as r(external_id text, email text, name text, locale text, erased boolean)
        returning id, external_id)
      insert into tier_assignments (workspace_id, customer_id, period, tier_id, source)
      select ${workspaceId}::uuid, inserted.id, ${TEST_PERIOD}, r.tier_id, 'manual'
      from inserted join json_to_recordset(${chunk}::json) as r(external_id text, tier_id uuid) on r.external_id = inserted.external_id
      where r.tier_id is not null`);
  }
  return { ...owner, workspaceId, tierId };
}

/** A draft campaign with sensible settings; `overrides` change any of them. */
export async function createTestCampaign(db: Database, workspaceId: string, overrides: Partial<typeof campaigns.$inferInsert> = {}) {
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.workspaceId, workspaceId)).limit(1);
  const [campaign] = await db
    .insert(campaigns)
    .values({
      workspaceId,
      surveyVersionId: version!.id,
      name: 'Test campaign',
      period: TEST_PERIOD,
      status: 'draft',
      closesAt: new Date(Date.now() + 30 * 24 * 3600 * 1000),
      reminderDelayDays: 7,
      maxReminders: 2,
      ...overrides,
    })
    .returning();
  return campaign!;
}

/** Makes a campaign due for launch now (what confirming a draft does). */
export async function scheduleNow(db: Database, campaignId: string) {
  await db.update(campaigns).set({ status: 'scheduled', scheduledAt: sql`now()` }).where(and(eq(campaigns.id, campaignId), eq(campaigns.status, 'draft')));
}

/** Shifts a campaign's invitations and reminders into the past, as if `days` had passed. */
export async function letDaysPass(db: Database, campaignId: string, days: number) {
  await db.execute(sql`update invitations set sent_at = sent_at - make_interval(days => ${days}),
      last_reminder_at = last_reminder_at - make_interval(days => ${days}),
      created_at = created_at - make_interval(days => ${days})
    where campaign_id = ${campaignId}`);
}

export async function messageCounts(db: Database, campaignId: string) {
  return selectRows<{ kind: string; status: string; n: number }>(
    db,
    sql`select kind, status, count(*)::int as n from email_messages where campaign_id = ${campaignId} group by kind, status order by kind, status`,
  );
}

/**
 * A PostgreSQL test database whose URL is known, so a child process can
 * open it too (the exactly-once test kills and restarts a worker).
 */
export async function createNamedPostgresDatabase() {
  const url = process.env.DATABASE_URL!;
  const name = `wouldmiss_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')}`);
  const databaseUrl = withDatabase(url, name);
  const handle = await openDatabase({ driver: 'postgres', url: databaseUrl, maxConnections: 4 }, { migrate: false });
  return {
    ...handle,
    url: databaseUrl,
    dispose: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/**
 * Creates a campaign for every customer of `period` through the campaign
 * form as an owner does, confirms it, and lets the app launch it and send its
 * emails to the outbox. Returns the campaign page's path.
 */
export async function sendCampaignThroughForm(
  db: Database,
  client: TestClient,
  options: { name?: string; period?: string; settings?: EmailSettings } = {},
): Promise<string> {
  const en = { 'Accept-Language': 'en' };
  const settings = options.settings ?? testEmailSettings();
  const form = await (await client.get('/app/campaigns/new', en)).text();
  const surveyVersionId = /<option value="([0-9a-f-]{36})"/.exec(form)?.[1];
  if (!surveyVersionId) throw new Error('the campaign form offers no survey');
  const closesOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const created = await client.post(
    '/app/campaigns/new',
    {
      name: options.name ?? 'Autumn', surveyVersionId, period: options.period ?? TEST_PERIOD, audience: 'all', scheduledAt: '', closesOn,
      reminderDelayDays: '7', maxReminders: '0', cooldownDays: '0', senderName: '',
    },
    en,
  );
  if (created.status !== 302) throw new Error(`the campaign form answered ${created.status}`);
  const path = created.headers.get('Location')!.split('?')[0]!;
  const eligible = /data-testid="eligible">(\d+)</.exec(await (await client.get(path, en)).text())?.[1];
  const scheduled = await client.post(path, { intent: 'schedule', expected: eligible ?? '', confirm: 'yes' }, en);
  if (scheduled.status !== 302) throw new Error(`scheduling the campaign answered ${scheduled.status}`);
  await campaignTick(db, settings);
  await new Dispatcher({ db, settings }).drain();
  return path;
}
