import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../app/campaigns/launch.server';
import { queueDueReminders } from '../../app/campaigns/reminders.server';
import { deliverToOutbox } from '../../app/email/queue.server';
import { composeEmail } from '../../app/email/templates.server';
import { evaluateAllQueuedFlags } from '../../app/flags/evaluate.server';
import { customers, emailMessages, emailTemplates, flags, invitations, workspaceTiers } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { createCampaignWorkspace, createTestCampaign, letDaysPass, scheduleNow, testEmailSettings, TEST_PERIOD } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';
import { postStep, setCampaign } from '../support/survey-fixtures';
import { leaksIn, responseAsText, secretForms } from '../support/security';

// Everything a customer can reach — the emails, every link in them, every
// page and redirect behind those links — must not show how the business
// sees them: no tier, revenue, margin, flag or internal id. The workspace's
// tier labels are unusual strings and its numbers distinctive, so any leak
// is found by a plain search.

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

const TIER_LABELS = { A: 'Zzq-Platinum-7781', B: 'Ω-tier', C: 'Kupfer·Stufe·3' } as const;
/** Revenue and margin per tier: numbers that appear nowhere else. */
const MONEY = { A: [8675309.17, 4815162.34], B: [7362914.58, 2718281.83], C: [9081726.35, 1414213.56] } as const;
const CAMPAIGN_NAME = 'Codename Ostrich-Quartz 5521';

/** The core steps of the standard survey; the first customer's answers raise an at-risk flag. */
const criticalAnswers: Array<Record<string, string>> = [
  { miss_us: 'not' },
  { miss_most: 'Nothing really', alternative: 'Any other supplier' },
  { treat_valued: '1', treat_responsive: '1', treat_equal: '1', treat_promise: '1' },
  { benefit: '1', csat: '1', recommend: '0' },
  { improve: 'You treat the big accounts better than us' },
];

interface Seen {
  what: string;
  text: string;
}

/** A customer reaching a link from an email: every response on the way, redirects followed by hand. */
async function visit(client: TestClient, path: string, what: string, seen: Seen[], init: RequestInit = {}) {
  let response = await client.request(path, init);
  seen.push({ what: `${init.method ?? 'GET'} ${path} (${what})`, text: await responseAsText(response.clone()) });
  for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 5; hops++) {
    const location = response.headers.get('Location')!;
    const next = new URL(location, app.base + path);
    expect(next.origin, `${what}: redirect stays in the app`).toBe(app.base);
    response = await client.request(next.pathname + next.search);
    seen.push({ what: `GET ${next.pathname}${next.search} (after ${what})`, text: await responseAsText(response.clone()) });
  }
  return response;
}

/** Customer-facing links of a page (the survey and unsubscribe pages, resolved against the page). */
function customerLinks(html: string, pagePath: string): string[] {
  const links = new Set<string>();
  for (const match of html.matchAll(/href="([^"]+)"/g)) {
    const url = new URL(match[1]!.replace(/&amp;/g, '&'), app.base + pagePath);
    if (url.origin === app.base && /^\/(s|u)\//.test(url.pathname)) links.add(url.pathname + url.search);
  }
  return [...links];
}

describe('what a customer can reach', () => {
  it('shows no tier, revenue, margin, flag or internal id in any email, link, page, header or redirect', async () => {
    const db = database.db;
    const settings = testEmailSettings();
    const ws = await createCampaignWorkspace(db, 'Leakproof Trading Ltd', [
      { tier: 'A', email: 'alpha.one@customer.example', name: 'Alma Aster', locale: 'en' },
      { tier: 'B', email: 'beta.two@customer.example', name: 'Bert Birke', locale: 'de' },
      { tier: 'C', email: 'gamma.three@customer.example', name: null, locale: 'en' },
      { tier: 'A', email: 'delta.four@customer.example', name: 'Dora Dahl', locale: 'de' },
      { tier: 'C', email: 'eps.five@customer.example', name: 'Emil Esche', locale: 'en' },
    ]);
    for (const [letter, label] of Object.entries(TIER_LABELS) as Array<[keyof typeof TIER_LABELS, string]>) {
      const tierId = ws.tierId.get(letter)!;
      await db.update(workspaceTiers).set({ label }).where(eq(workspaceTiers.id, tierId));
      const [revenue, margin] = MONEY[letter];
      await db.execute(sql`update tier_assignments set revenue = ${revenue}, margin = ${margin} where tier_id = ${tierId} and period = ${TEST_PERIOD}`);
    }
    // The fixture's external ids (`C-0` … `C-4`) are short enough to turn up by
    // chance in a random link token, compared case-insensitively (about one run
    // in sixty); ids like a CRM's keep the scan strict without that noise.
    await db.execute(sql`update customers set external_id = 'CRM-Quokka-' || external_id where workspace_id = ${ws.workspaceId}`);
    const campaign = await createTestCampaign(db, ws.workspaceId, { name: CAMPAIGN_NAME, reminderDelayDays: 3 });
    await scheduleNow(db, campaign.id);
    expect((await launchCampaign(db, campaign.id, settings)).invited).toBe(5);
    expect(await deliverToOutbox(db)).toBe(5);

    const invitationMessages = await db.select().from(emailMessages).where(eq(emailMessages.campaignId, campaign.id));
    const pathOf = (email: string) => new URL(invitationMessages.find((m) => m.toAddress === email)!.link!).pathname;

    // Two customers answer through the app: one critically (a flag), one half-way.
    const critical = app.client();
    const first = pathOf('alpha.one@customer.example');
    expect((await critical.get(`${first}?answer=not`)).status).toBe(200);
    for (const [step, answers] of criticalAnswers.entries()) {
      expect((await postStep(critical, first, step, answers, { lang: 'en' })).status, `step ${step}`).toBe(303);
    }
    const halfway = pathOf('beta.two@customer.example');
    expect((await postStep(app.client(), halfway, 0, { miss_us: 'somewhat' }, { lang: 'de' })).status).toBe(303);
    const raised = await evaluateAllQueuedFlags(db);
    expect(raised.raised).toBeGreaterThan(0);

    // Days pass; reminders go to everyone who has not finished.
    await letDaysPass(db, campaign.id, 4);
    expect(await queueDueReminders(db, settings)).toBe(4);
    expect(await deliverToOutbox(db)).toBe(4);

    const secrets = await collectSecrets(ws.workspaceId, campaign.id);
    const forms = secretForms(secrets);

    // The scanner finds what it looks for: a staff page shows tiers and revenue.
    const owner = app.client();
    expect((await owner.login(ws.email, PASSWORD)).status).toBe(302);
    const [alma] = await db.select().from(customers).where(eq(customers.email, 'alpha.one@customer.example'));
    const staffPage = await (await owner.get(`/app/customers/${alma!.id}`, { 'Accept-Language': 'en' })).text();
    expect(leaksIn(staffPage, forms)).toEqual(expect.arrayContaining(['tier label A', 'revenue A', 'customer id of alpha.one@customer.example']));

    const seen: Seen[] = [];
    const messages = (
      await db.select().from(emailMessages).leftJoin(emailTemplates, eq(emailTemplates.id, emailMessages.templateId)).where(eq(emailMessages.campaignId, campaign.id))
    ).map((row) => ({ ...row.email_messages, template: row.email_templates }));
    expect(messages.map((m) => m.kind).sort()).toEqual([...Array(5).fill('invitation'), ...Array(4).fill('reminder')]);
    const links = new Set<string>();
    for (const message of messages) {
      const email = composeEmail(message);
      const headers = Object.entries(email.headers).map(([name, value]) => `${name}: ${value}`).join('\n');
      const whole = `From: ${message.fromAddress}\nTo: ${message.toAddress}\nSubject: ${email.subject}\n${headers}\n\n${email.text}\n\n${email.html}`;
      seen.push({ what: `${message.kind} email to ${message.toAddress}`, text: whole });
      for (const match of whole.matchAll(/https:\/\/surveys\.example\.com(\/[^\s"<>]*)/g)) links.add(match[1]!.replace(/&amp;/g, '&').replace(/>$/, ''));
    }
    // Invitations carry the survey link, three one-click answers and the unsubscribe link; reminders the survey and unsubscribe links.
    expect([...links].filter((link) => link.includes('?answer=')).length).toBe(15);
    expect([...links].filter((link) => link.startsWith('/u/')).length).toBe(5);

    // Every link of every email, by a customer without cookies, and the pages those pages link to.
    const queue = [...links].filter((link) => !link.startsWith('/u/'));
    const visited = new Set<string>();
    for (let link = queue.shift(); link; link = queue.shift()) {
      if (visited.has(link) || visited.size > 200) continue;
      visited.add(link);
      const response = await visit(app.client(), link, 'email link', seen);
      if ((response.headers.get('Content-Type') ?? '').includes('text/html')) queue.push(...customerLinks(seen.at(-1)!.text, link));
    }

    // Every step of a survey nobody has started, as pages, forms refused for missing answers, and posts.
    const fresh = pathOf('eps.five@customer.example');
    const walker = app.client();
    for (let step = 0; step < 5; step++) await visit(walker, `${fresh}?step=${step}`, 'step page', seen);
    await visit(walker, `${fresh}?step=0`, 'refused step', seen, {
      method: 'POST',
      body: new URLSearchParams({ step: '0', intent: 'next', miss_us: 'perhaps' }),
      headers: { Origin: app.base },
    });
    for (const [step, answers] of criticalAnswers.entries()) {
      const body = new URLSearchParams({ step: String(step), intent: 'next', lang: 'en', ...answers });
      const response = await visit(walker, `${fresh}?step=${step}`, `step ${step}`, seen, { method: 'POST', body, headers: { Origin: app.base } });
      expect(response.status).toBe(200);
    }
    expect(seen.at(-1)!.text).toContain('Thank you');
    await visit(walker, `${fresh}?lang=de`, 'thank-you page in German', seen);

    // Unsubscribing: the confirmation page, the form post and the one-click post of a mail provider.
    const unsubscribeLinks = [...links].filter((link) => link.startsWith('/u/'));
    for (const link of unsubscribeLinks) await visit(app.client(), link, 'unsubscribe page', seen);
    await visit(app.client(), unsubscribeLinks[0]!, 'unsubscribe form', seen, { method: 'POST', body: new URLSearchParams(), headers: { Origin: app.base } });
    await visit(app.client(), unsubscribeLinks[1]!, 'one-click unsubscribe', seen, {
      method: 'POST',
      body: 'List-Unsubscribe=One-Click',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });

    // Pages for links that do not work: unknown tokens, unknown pages.
    await visit(app.client(), `/s/${'q'.repeat(43)}`, 'unknown survey link', seen);
    await visit(app.client(), `/u/${'q'.repeat(43)}`, 'unknown unsubscribe link', seen);
    await visit(app.client(), '/no/such/page', '404 page', seen);

    // After the campaign closes, every survey link shows the closed page.
    await setCampaign(db, campaign.id, { status: 'closed', closesAt: new Date(Date.now() - 1000) });
    for (const link of [...links].filter((link) => link.startsWith('/s/'))) await visit(app.client(), link, 'closed campaign', seen);
    expect(seen.filter((entry) => entry.text.startsWith('410')).length).toBeGreaterThan(0);

    const leaks = seen.map((entry) => ({ what: entry.what, leaks: leaksIn(entry.text, forms) })).filter((entry) => entry.leaks.length > 0);
    expect(leaks).toEqual([]);
    // Nothing of it names a tier as data either (`tier`, `data-tier`, `"tier":`).
    const tierWords = seen.filter((entry) => /\btier\b|data-tier|"tier"/i.test(entry.text)).map((entry) => entry.what);
    expect(tierWords).toEqual([]);
    expect(seen.length).toBeGreaterThan(60);
  });
});

/** Everything about the workspace's customers that only the business may see. */
async function collectSecrets(workspaceId: string, campaignId: string): Promise<Record<string, string | number>> {
  const db = database.db;
  const secrets: Record<string, string | number> = { 'workspace id': workspaceId, 'campaign id': campaignId, 'campaign name': CAMPAIGN_NAME };
  for (const [letter, label] of Object.entries(TIER_LABELS)) secrets[`tier label ${letter}`] = label;
  const tiers = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspaceId));
  for (const tier of tiers) secrets[`tier id ${tier.label}`] = tier.id;
  for (const [letter, [revenue, margin]] of Object.entries(MONEY)) {
    secrets[`revenue ${letter}`] = revenue;
    secrets[`margin ${letter}`] = margin;
  }
  const people = await db.select().from(customers).where(eq(customers.workspaceId, workspaceId));
  for (const person of people) {
    secrets[`customer id of ${person.email}`] = person.id;
    secrets[`external id of ${person.email}`] = person.externalId;
  }
  const invited = await db.select().from(invitations).where(eq(invitations.campaignId, campaignId));
  for (const invitation of invited) secrets[`invitation id ${invitation.id}`] = invitation.id;
  const raised = await db.select().from(flags).where(eq(flags.campaignId, campaignId));
  expect(raised.length).toBeGreaterThan(0);
  for (const flag of raised) {
    secrets[`flag id ${flag.id}`] = flag.id;
    secrets[`flag kind ${flag.kind}`] = flag.kind;
  }
  const messageIds = await db.select({ id: emailMessages.id }).from(emailMessages).where(inArray(emailMessages.campaignId, [campaignId]));
  for (const message of messageIds) secrets[`email message id ${message.id}`] = message.id;
  return secrets;
}
