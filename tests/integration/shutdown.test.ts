import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../app/campaigns/launch.server';
import { emailMessages, invitations, responses } from '../../db/schema';
import { createCampaignWorkspace, createTestCampaign, resendSettings, scheduleNow } from '../support/campaign-fixtures';
import { startResendMock, type ResendMock } from '../support/resend-mock';
import { createSharedDatabase, killLeftoverServers, startServerProcess, type SharedDatabase } from '../support/server-process';
import { createSurveyWorkspace, inviteCustomer } from '../support/survey-fixtures';
import { answerContinuously, slowAnswer } from '../support/survey-load';

// SIGTERM while customers answer and while a campaign is being sent: the real
// server (as `npm start` runs it) on the run's driver. It must let the requests in
// flight finish, let the dispatcher finish the batch it has sent, close the
// database and exit 0; started again on the same data, every acknowledged
// answer is there and every email has gone out exactly once.

const CUSTOMERS = 600;
const INVITED = 40;

let shared: SharedDatabase | undefined;
let mock: ResendMock | undefined;
afterAll(async () => {
  killLeftoverServers();
  await mock?.close();
  await shared?.dispose();
});

describe('SIGTERM', () => {
  it('stops cleanly during answers and a dispatch, losing and repeating nothing', { timeout: 90_000 }, async () => {
    shared = await createSharedDatabase();
    // Each provider request takes 0.8 s and one starts per second, so a batch
    // is in flight most of the time and the campaign takes about 6 s.
    mock = await startResendMock({ responseDelayMs: 800 });
    let handle = await shared.open();
    const survey = await createSurveyWorkspace(handle.db);
    const invited = [];
    for (let i = 0; i < INVITED; i++) invited.push(await inviteCustomer(handle.db, survey));
    const ws = await createCampaignWorkspace(handle.db, 'Versand GmbH', CUSTOMERS);
    const campaign = await createTestCampaign(handle.db, ws.workspaceId);
    await scheduleNow(handle.db, campaign.id);
    expect(await launchCampaign(handle.db, campaign.id, resendSettings(mock))).toMatchObject({ invited: CUSTOMERS });
    // The app sends email of its own too (the owners' quarterly report, flag alerts): only the campaign's is counted here.
    const campaignAddresses = new Set((await handle.db.select({ to: emailMessages.toAddress }).from(emailMessages).where(eq(emailMessages.campaignId, campaign.id))).map((row) => row.to));
    expect(campaignAddresses.size).toBe(CUSTOMERS);
    const campaignDeliveries = () => mock!.deliveries.filter((delivery) => delivery.to.some((to) => campaignAddresses.has(to)));
    await handle.close();

    // The default 60 s lease: a batch left claimed by the stopped process would hold up the restart's sending.
    const env = { ...shared.env, RESEND_API_KEY: mock.apiKey, RESEND_BASE_URL: mock.url, EMAIL_RATE_PER_SECOND: '1', SHUTDOWN_SECONDS: '10' };
    const server = await startServerProcess(env);
    const load = answerContinuously(server.base, invited.slice(1).map((one) => one.token));
    while (load.acknowledged.size < 10) await new Promise((resolve) => setTimeout(resolve, 20));
    // The signal comes the moment the provider has taken a batch and not yet answered.
    await new Promise<void>((resolve) => mock!.configure({ onAccepted: () => resolve() }));
    mock.configure({ onAccepted: undefined });
    const slow = slowAnswer(server.base, invited[0]!.token, 'very');
    await slow.sent;
    const sentBeforeSignal = campaignDeliveries().length;

    server.signal('SIGTERM');
    // The answer in flight completes after the signal and is still served.
    setTimeout(() => slow.finish(), 300);
    const slowStatus = await slow.status;
    const exit = await server.exited;
    await load.stop();
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
    expect(slowStatus, server.output()).toBe(303);
    expect(server.output()).toContain('Stopped cleanly');
    expect(sentBeforeSignal).toBeLessThan(CUSTOMERS);
    const acknowledged = new Map(load.acknowledged);
    acknowledged.set(invited[0]!.token, 'very');

    // Started again on the same data, it sends the rest.
    const again = await startServerProcess(env);
    const deadline = Date.now() + 40_000;
    while (campaignDeliveries().length < CUSTOMERS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    again.signal('SIGTERM');
    expect(await again.exited, again.output()).toEqual({ code: 0, signal: null });

    handle = await shared.open();
    expect(mock.violations).toEqual([]);
    // No batch had to be repeated: the one in flight at the signal was finished and recorded.
    expect(mock.replays).toBe(0);
    expect(campaignDeliveries()).toHaveLength(CUSTOMERS);
    const counts = mock.countsByRecipient();
    const messages = await handle.db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    expect(messages).toHaveLength(CUSTOMERS);
    expect(new Set(messages.map((message) => message.idempotencyKey)).size).toBe(CUSTOMERS);
    for (const message of messages) {
      expect(message.status, message.toAddress).toBe('sent');
      expect(counts.get(message.toAddress), message.toAddress).toBe(1);
    }

    const byToken = new Map(invited.map((one) => [one.token, one.invitation.id]));
    for (const [token, value] of acknowledged) {
      const [row] = await handle.db.select({ missUs: responses.missUs }).from(responses).where(eq(responses.invitationId, byToken.get(token)!));
      expect(row?.missUs, token).toBe(value);
    }
    const answered = await handle.db.select({ id: responses.id }).from(responses).innerJoin(invitations, eq(invitations.id, responses.invitationId)).where(eq(invitations.campaignId, survey.campaign.id));
    expect(answered.length).toBeGreaterThanOrEqual(acknowledged.size);
    await handle.close();
  });
});
