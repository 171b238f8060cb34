import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignTick } from '../../app/campaigns/lifecycle.server';
import { customersHref } from '../../app/customers/customer-links';
import { evaluateAllQueuedFlags } from '../../app/flags/evaluate.server';
import { openFlagsByTier } from '../../app/reports/tier-flags.server';
import { tierReview } from '../../app/reports/tier-review.server';
import { formatNumber, formatPercent } from '../../app/ui/format';
import { startTestApp, type TestClient } from '../support/app';
import { createCampaignWorkspace, sendCampaignThroughForm, testEmailSettings, TEST_PERIOD } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { PASSWORD } from '../support/fixtures';
import { answerSurvey, surveyPathFromEmail } from '../support/survey-fixtures';

// The campaign page's results per tier: a workspace starts empty, sends one
// campaign through the form, customers answer from their emails, and the
// page's figures are the quarterly review's figures for that quarter.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
const settings = testEmailSettings();
const en = { 'Accept-Language': 'en' };

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

const post = (client: TestClient, path: string, body: Record<string, string>) =>
  client.request(path, { method: 'POST', body: new URLSearchParams(body), headers: { Origin: client.base, ...en } });

/** Creates a campaign for everyone in the test quarter through the form, sends it to the outbox, and returns its path. */
async function sendCampaign(client: TestClient, name: string): Promise<string> {
  const path = await sendCampaignThroughForm(database.db, client, { name, settings });
  // The campaign's next round records what was sent.
  await campaignTick(database.db, settings);
  return path;
}

type Answer = { missUs: 'very' | 'somewhat' | 'not' | 'na'; treatment: number };

/** A customer answers the whole survey from the link in their email. */
async function answer(workspaceId: string, email: string, { missUs, treatment }: Answer) {
  const t = String(treatment);
  await answerSurvey(app.client(), await surveyPathFromEmail(database.db, workspaceId, email), [
    { miss_us: missUs },
    {},
    { treat_valued: t, treat_responsive: t, treat_equal: t, treat_promise: t },
    { benefit: '4', csat: '4', recommend: '8' },
    {},
  ]);
}

/** The text of the element with this data-testid, without React's text separators and tags. */
function figure(html: string, testId: string): string {
  const match = new RegExp(`data-testid="${testId}"[^>]*>(.*?)</(?:dd|p)>`, 's').exec(html);
  if (!match) throw new Error(`no ${testId} on the page`);
  return match[1]!.replaceAll('<!-- -->', '').replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
}

const unescape = (html: string) => html.replaceAll('&amp;', '&');

describe('results per tier on the campaign page', () => {
  it('shows the review’s figures of the quarter per tier, each leading to the customers behind it', async () => {
    // 12 A, 12 B and 6 C customers; A answers below the 40 % line, B above it, C too few to speak of.
    const specs = [
      ...Array.from({ length: 12 }, (_, i) => ({ tier: 'A', email: `a${i}@example.com` })),
      ...Array.from({ length: 12 }, (_, i) => ({ tier: 'B', email: `b${i}@example.com` })),
      ...Array.from({ length: 6 }, (_, i) => ({ tier: 'C', email: `c${i}@example.com` })),
    ];
    const ws = await createCampaignWorkspace(database.db, 'Results per Tier GmbH', specs);
    const client = app.client();
    expect((await client.login(ws.email, PASSWORD)).status).toBe(302);
    const path = await sendCampaign(client, 'Autumn results');

    const empty = await (await client.get(path, en)).text();
    expect(empty).toContain('Results by tier');
    expect(empty).toContain('Nobody has answered yet.');
    expect(unescape(empty)).toContain(`href="/app/results?from=${TEST_PERIOD}&to=${TEST_PERIOD}"`);

    // A: 4 very, 6 somewhat, 1 not (top tier: an at-risk flag) = 36 %; B: 7 very, 3 not = 70 %; C: 5 answers, 2 feel second-class.
    const plan: Array<[string, Answer]> = [
      ...Array.from({ length: 11 }, (_, i): [string, Answer] => [`a${i}@example.com`, { missUs: i < 4 ? 'very' : i < 10 ? 'somewhat' : 'not', treatment: i < 6 ? 4 : 5 }]),
      ...Array.from({ length: 10 }, (_, i): [string, Answer] => [`b${i}@example.com`, { missUs: i < 7 ? 'very' : 'not', treatment: i < 5 ? 3 : 4 }]),
      ...Array.from({ length: 5 }, (_, i): [string, Answer] => [`c${i}@example.com`, { missUs: 'somewhat', treatment: i < 2 ? 1 : 4 }]),
    ];
    for (const [email, given] of plan) await answer(ws.workspaceId, email, given);
    await evaluateAllQueuedFlags(database.db);

    const html = await (await client.get(path, en)).text();
    expect(html).not.toContain('Nobody has answered yet.');
    const review = await tierReview(database.db, ws.workspaceId, { from: TEST_PERIOD, to: TEST_PERIOD });
    const quarter = review.periods[0]!;
    expect(quarter.period).toBe(TEST_PERIOD);
    const flags = await openFlagsByTier(database.db, ws.workspaceId, TEST_PERIOD);
    expect(flags.find((row) => row.tier === 'A')?.open).toBe(1);
    expect(flags.find((row) => row.tier === 'C')?.open).toBe(2);

    for (const tier of ['A', 'B', 'C']) {
      const scope = quarter.byTier.find((row) => row.tier === tier)!;
      const invited = specs.filter((spec) => spec.tier === tier).length;
      expect(figure(html, `results-${tier}-invited`), tier).toBe(String(invited));
      expect(figure(html, `results-${tier}-completed`), tier).toBe(String(scope.responseRate.completed));
      expect(figure(html, `results-${tier}-rate`), tier).toBe(`${formatPercent(scope.responseRate.rate!, 'en')} of ${scope.responseRate.delivered} delivered`);
      const miss = scope.metrics.missUs;
      const pti = scope.metrics.pti;
      if (miss.n >= 10) {
        expect(figure(html, `results-${tier}-miss`), tier).toContain(formatPercent(miss.score!, 'en'));
        expect(html, tier).toContain(`n = ${miss.n}, likely ${formatPercent(miss.low!, 'en')}–${formatPercent(miss.high!, 'en')}`);
        expect(figure(html, `results-${tier}-pti`), tier).toBe(`treated ${formatNumber(pti.mean!, 'en', 1)} of 5 n = ${pti.n}`);
      } else {
        // Fewer than 10 answers: no number is spoken of.
        expect(figure(html, `results-${tier}-miss`), tier).toBe('too few answers');
        expect(figure(html, `results-${tier}-pti`), tier).toBe('too few answers');
      }
      const open = flags.find((row) => row.tier === tier)?.open ?? 0;
      expect(figure(html, `results-${tier}-flags`), tier).toBe(open === 0 ? 'no open flags' : `${open} customer${open === 1 ? '' : 's'} with an open flag`);
    }
    // Below the 40 % line: a symbol and words, not colour alone; above it a tick.
    expect(figure(html, 'results-A-miss')).toBe('⚠ 36% Show the 11 customers behind this figure very disappointed (below the 40 % line)');
    expect(figure(html, 'results-B-miss')).toBe('✓ 70% Show the 10 customers behind this figure very disappointed (at or above the 40 % line)');

    // Each figure opens the customers behind it, and the list counts as many.
    const drills: Array<[string, number]> = [
      [customersHref({ period: TEST_PERIOD, tier: 'A', answer: 'scored' }), 11],
      [customersHref({ period: TEST_PERIOD, tier: 'B', answer: 'any' }), 10],
      [customersHref({ period: TEST_PERIOD, tier: 'C', flag: 'open' }), 2],
    ];
    for (const [href, count] of drills) {
      expect(unescape(html)).toContain(`href="${href}"`);
      const list = (await (await client.get(href, en)).text()).replaceAll('<!-- -->', '');
      expect(list, href).toMatch(new RegExp(`${count} customers in tier [ABC] in ${TEST_PERIOD}`));
    }
    // The review of the quarter opens from the page.
    const reviewPage = await client.get(`/app/results?from=${TEST_PERIOD}&to=${TEST_PERIOD}`, en);
    expect(reviewPage.status).toBe(200);
    expect(await reviewPage.text()).toContain(`${TEST_PERIOD} at a glance`);

    // German too, once the member chooses it.
    expect((await post(client, '/app/settings?index', { locale: 'de' })).status).toBe(302);
    const german = await (await client.get(path)).text();
    expect(german).toContain('Ergebnisse nach Stufe');
    expect(german).toContain(`Auswertung von ${TEST_PERIOD} öffnen`);
    expect(german).not.toContain('Results by tier');
  });

  it('says when another campaign of the quarter makes the review count differently', async () => {
    const ws = await createCampaignWorkspace(database.db, 'Two Campaigns Results KG', [{ tier: 'A', email: 'two-a@example.com' }]);
    const client = app.client();
    expect((await client.login(ws.email, PASSWORD)).status).toBe(302);
    const first = await sendCampaign(client, 'First');
    await answer(ws.workspaceId, 'two-a@example.com', { missUs: 'very', treatment: 5 });
    const alone = await (await client.get(first, en)).text();
    expect(alone).toContain('Results by tier');
    expect(alone).not.toContain('other campaign');
    // The owner lifts the contact rule, so the second campaign reaches the same customer.
    expect((await post(client, '/app/settings/contact', { limit: 'off' })).status).toBe(200);
    await sendCampaign(client, 'Second');
    const html = (await (await client.get(first, en)).text()).replaceAll('<!-- -->', '');
    expect(html).toContain(`${TEST_PERIOD} has one other campaign.`);
  });
});
