import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { Webhook } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../app/campaigns/launch.server';
import { emailEvents, emailMessages, invitations, suppressions } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createCampaignWorkspace, createTestCampaign, scheduleNow, testEmailSettings } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { resendSchema } from '../support/resend-mock';

// The app reads its environment once, when the build is loaded in beforeAll.
const SECRET = `whsec_${Buffer.from('wouldmiss webhook test secret 32b').toString('base64')}`;
process.env.RESEND_WEBHOOK_SECRET = SECRET;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

const schemaOf: Record<string, string> = {
  'email.delivered': 'EmailDeliveredEvent',
  'email.bounced': 'EmailBouncedEvent',
  'email.complained': 'EmailComplainedEvent',
  'email.opened': 'EmailOpenedEvent',
  'email.clicked': 'EmailClickedEvent',
};

/** A webhook payload shaped as resend.yaml's `webhooks:` section describes it (checked against the schema). */
function event(type: keyof typeof schemaOf, emailId: string, to: string, extra: Record<string, unknown> = {}, at = new Date()) {
  const payload = {
    type,
    created_at: at.toISOString(),
    data: { email_id: emailId, created_at: at.toISOString(), from: 'Wouldmiss <surveys@wouldmiss.example>', to: [to], subject: 'Would you miss us?', ...extra },
  };
  const validate = resendSchema(`#/components/schemas/${schemaOf[type]}`);
  if (!validate(payload)) throw new Error(`test payload does not match resend.yaml: ${JSON.stringify(validate.errors)}`);
  return JSON.stringify(payload);
}

function signed(body: string, options: { id?: string; timestamp?: Date; secret?: string } = {}) {
  const id = options.id ?? `msg_${randomUUID()}`;
  const timestamp = options.timestamp ?? new Date();
  const signature = new Webhook(options.secret ?? SECRET).sign(id, timestamp, body);
  return { 'svix-id': id, 'svix-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'svix-signature': signature };
}

function deliver(body: string, headers: Record<string, string>) {
  // Resend's servers post without an Origin header.
  return fetch(`${app.base}/webhooks/resend`, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** A sent invitation with a provider id, as after a Resend batch. */
async function sentInvitation(name: string) {
  const db = database.db;
  const ws = await createCampaignWorkspace(db, name, [{ email: 'reader@example.com' }, { email: 'other@example.com' }]);
  const campaign = await createTestCampaign(db, ws.workspaceId);
  await scheduleNow(db, campaign.id);
  await launchCampaign(db, campaign.id, testEmailSettings());
  const providerId = randomUUID();
  const [message] = await db
    .update(emailMessages)
    .set({ status: 'sent', providerId, sentAt: sql`now()` })
    .where(and(eq(emailMessages.campaignId, campaign.id), eq(emailMessages.toAddress, 'reader@example.com')))
    .returning();
  await db.update(invitations).set({ status: 'sent', sentAt: sql`now()` }).where(eq(invitations.id, message!.invitationId!));
  const invitation = async () => (await db.select().from(invitations).where(eq(invitations.id, message!.invitationId!)))[0]!;
  return { ws, campaign, providerId, invitation };
}

describe('POST /webhooks/resend', () => {
  it('records a validly signed delivery once, however often it is replayed', async () => {
    const { providerId, invitation } = await sentInvitation('Webhook Delivered GmbH');
    const body = event('email.delivered', providerId, 'reader@example.com');
    const headers = signed(body);
    const first = await deliver(body, headers);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ result: 'recorded' });
    const delivered = await invitation();
    expect(delivered.status).toBe('delivered');
    expect(delivered.deliveredAt).toBeInstanceOf(Date);

    const replay = await deliver(body, headers);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ result: 'duplicate' });
    const events = await database.db.select().from(emailEvents).where(eq(emailEvents.webhookId, headers['svix-id']));
    expect(events).toHaveLength(1);
  });

  it('rejects a wrong signature, a missing one, and a timestamp older than five minutes', async () => {
    const { providerId, invitation } = await sentInvitation('Webhook Forged GmbH');
    const body = event('email.delivered', providerId, 'reader@example.com');

    const forged = await deliver(body, signed(body, { secret: `whsec_${Buffer.from('not the secret at all, 32 bytes!').toString('base64')}` }));
    expect(forged.status).toBe(401);
    const tampered = signed(body);
    expect((await deliver(body.replace('reader@', 'someone@'), tampered)).status).toBe(401);
    expect((await deliver(body, {})).status).toBe(400);
    const old = await deliver(body, signed(body, { timestamp: new Date(Date.now() - 10 * 60_000) }));
    expect(old.status).toBe(400);
    expect((await old.json()).error).toMatch(/timestamp/i);
    // Signed by the secret's holder, but not JSON: refused after the signature check, never a 500.
    const garbled = await deliver('{"type": "email.delivered", ', signed('{"type": "email.delivered", '));
    expect(garbled.status).toBe(400);
    expect((await garbled.json()).error).toMatch(/not JSON/);
    // Signed JSON with a NUL character, which jsonb cannot store (found by the fuzzing test): 400, not 500.
    const withNul = body.replace('reader@example.com', 'reader\\u0000@example.com');
    expect(withNul).toContain('\\u0000');
    const nul = await deliver(withNul, signed(withNul));
    expect(nul.status).toBe(400);
    expect((await nul.json()).error).toMatch(/NUL/);

    expect((await invitation()).status).toBe('sent');
    expect(await database.db.select().from(emailEvents).where(sql`${emailEvents.payload} ->> 'type' = 'email.delivered' and ${emailEvents.payload} -> 'data' ->> 'email_id' = ${providerId}`)).toHaveLength(0);
  });

  it('turns a permanent bounce and a complaint into suppressions, and ignores a transient bounce', async () => {
    const db = database.db;
    const bounced = await sentInvitation('Webhook Bounce GmbH');
    const transient = event('email.bounced', bounced.providerId, 'reader@example.com', {
      bounce: { diagnosticCode: ['smtp; 452 4.2.2 mailbox full'], message: 'Mailbox full', subType: 'MailboxFull', type: 'Transient' },
    });
    expect((await deliver(transient, signed(transient))).status).toBe(200);
    expect(await db.select().from(suppressions).where(eq(suppressions.workspaceId, bounced.ws.workspaceId))).toHaveLength(0);

    const permanent = event('email.bounced', bounced.providerId, 'reader@example.com', {
      bounce: { diagnosticCode: ['smtp; 550 5.1.1 user unknown'], message: 'No such user', subType: 'NoEmail', type: 'Permanent' },
    });
    expect((await deliver(permanent, signed(permanent))).status).toBe(200);
    expect((await bounced.invitation()).status).toBe('bounced');
    const rows = await db.select().from(suppressions).where(eq(suppressions.workspaceId, bounced.ws.workspaceId));
    expect(rows.map((row) => [row.email, row.reason])).toEqual([['reader@example.com', 'bounced']]);

    const complained = await sentInvitation('Webhook Spam GmbH');
    const complaint = event('email.complained', complained.providerId, 'reader@example.com');
    expect((await deliver(complaint, signed(complaint))).status).toBe(200);
    expect((await complained.invitation()).status).toBe('complained');
    const spam = await db.select().from(suppressions).where(eq(suppressions.workspaceId, complained.ws.workspaceId));
    expect(spam.map((row) => row.reason)).toEqual(['complained']);
  });

  it('records the earliest open, whatever the order of arrival; a click also counts as an open', async () => {
    const { providerId, invitation } = await sentInvitation('Webhook Open GmbH');
    const clickedAt = new Date(Date.now() - 60_000);
    const click = event(
      'email.clicked',
      providerId,
      'reader@example.com',
      { click: { ipAddress: '192.0.2.1', link: 'https://surveys.example.com/s/x?answer=very', timestamp: clickedAt.toISOString(), userAgent: 'Mozilla/5.0' } },
      clickedAt,
    );
    expect((await deliver(click, signed(click))).status).toBe(200);
    expect((await invitation()).openedAt?.toISOString()).toBe(clickedAt.toISOString());
    const open = event('email.opened', providerId, 'reader@example.com');
    expect((await deliver(open, signed(open))).status).toBe(200);
    expect((await invitation()).openedAt?.toISOString()).toBe(clickedAt.toISOString());
    // Deliveries can arrive out of order: an earlier open, delivered later, counts.
    const openedAt = new Date(Date.now() - 120_000);
    const early = event('email.opened', providerId, 'reader@example.com', {}, openedAt);
    expect((await deliver(early, signed(early))).status).toBe(200);
    expect((await invitation()).openedAt?.toISOString()).toBe(openedAt.toISOString());
  });

  it('acknowledges events of unknown messages without changing anything', async () => {
    const body = event('email.delivered', randomUUID(), 'stranger@example.com');
    const response = await deliver(body, signed(body));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: 'unknown_message' });
  });
});
