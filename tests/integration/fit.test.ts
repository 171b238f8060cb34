import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateAllQueuedFlags } from '../../app/flags/evaluate.server';
import { startTestApp } from '../support/app';
import { sendCampaignThroughForm, TEST_PERIOD } from '../support/campaign-fixtures';
import { importThroughForm } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { answerSurvey, surveyPathFromEmail } from '../support/survey-fixtures';

// Revenue at risk as an owner meets it: a new workspace imports its
// customers with revenue and margin, sends a campaign, customers answer from
// their emails, and Results › Revenue at risk shows per tier the revenue of
// those who would not miss us or are flagged, with the fit map's quadrants.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
const en = { 'Accept-Language': 'en' };

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

/** The page's text without tags and React's text separators. */
const textOf = (html: string) => html.replaceAll('<!-- -->', '').replace(/<[^>]+>/g, ' ').replaceAll('&amp;', '&').replace(/\s+/g, ' ');
/** The text of one quadrant's list on the page. */
const quadrantOf = (html: string, quadrant: string) => textOf((html.split(`data-quadrant="${quadrant}"`)[1] ?? '').split('data-quadrant=')[0]!);

// external id, tier, revenue, margin, miss-us answer (null: no answer), treat_equal.
const CUSTOMERS: Array<[string, string, string, string, string | null, string]> = [
  ['A1', 'A', '100000', '30000', 'not', '4'], // at risk: would not miss us
  ['A2', 'A', '80000', '20000', 'very', '1'], // at risk: second-class (treat_equal 1)
  ['A3', 'A', '60000', '15000', 'very', '4'], // cherish
  ['A4', 'A', '50000', '10000', null, '4'], // invited, does not answer: counts only in the total
  ['B1', 'B', '20000', '5000', 'somewhat', '4'], // serve differently (at the median)
  ['B2', 'B', '15000', '3000', 'not', '4'], // refer to a partner
  ['B3', 'B', '10000', '2000', 'na', '4'], // no quadrant
  ['C1', 'C', '5000', '1000', 'very', '4'], // serve differently
  ['C2', 'C', '2000', '500', 'not', '4'], // refer to a partner
  ['C3', 'C', '', '', 'not', '4'], // no revenue imported
];

describe('revenue at risk and the fit map', () => {
  it('shows per tier the revenue that would not miss us, computed from the import and the answers', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Umsatz & Risiko GmbH');
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);

    const empty = await client.get('/app/results/fit', en);
    expect(empty.status).toBe(200);
    expect(textOf(await empty.text())).toContain('No quarter has customers yet.');
    expect((await client.get('/app/results/fit?period=2026-Q9', en)).status).toBe(400);

    const csv = CUSTOMERS.map(([id, tier, revenue, margin]) => `${id},fit-${id.toLowerCase()}@example.com,Kunde ${id},${tier},${revenue},${margin}`);
    await importThroughForm(client, `external_id,email,name,tier,revenue,margin\n${csv.join('\n')}\n`, { period: TEST_PERIOD, tiersBy: 'auto' });
    const before = textOf(await (await client.get('/app/results/fit', en)).text());
    expect(before).toContain(`No answers in ${TEST_PERIOD} yet.`);

    await sendCampaignThroughForm(database.db, client, { name: 'Fit', period: TEST_PERIOD });
    for (const [id, , , , missUs, equal] of CUSTOMERS) {
      if (missUs === null) continue;
      const path = await surveyPathFromEmail(database.db, owner.workspaceId, `fit-${id.toLowerCase()}@example.com`);
      await answerSurvey(app.client(), path, [{ miss_us: missUs }, {}, { treat_valued: '4', treat_responsive: '4', treat_equal: equal, treat_promise: '4' }, {}, {}]);
    }
    // Before A2's flag is raised, only A1 (would not miss us) is at risk in A.
    expect(textOf(await (await client.get('/app/results', en)).text())).toContain('€100,000 of A-tier revenue would not miss us');
    // The app's worker judges the completed answers (A2's treat_equal of 1 raises a second-class flag).
    await evaluateAllQueuedFlags(database.db);

    const response = await client.get(`/app/results/fit?period=${TEST_PERIOD}`, en);
    expect(response.status).toBe(200);
    const html = await response.text();
    const page = textOf(html);
    // By hand: A's total 290,000 (margin 75,000); A1 and A2 (flagged) 180,000 (margin 50,000).
    expect(page).toContain('€180,000 of A-tier revenue would not miss us');
    expect(page).toContain('62% of the tier’s €290,000 in 2026-Q4; margin €50,000 (67%); 2 of 3 customers who answered.');
    // B: B2 15,000 of 45,000; margin 3,000 of 10,000.
    expect(page).toContain('€15,000 of B-tier revenue would not miss us');
    expect(page).toContain('33% of the tier’s €45,000 in 2026-Q4; margin €3,000 (30%); 1 of 3 customers who answered.');
    // C: C2 2,000 of 7,000, and C3 without revenue counts as a customer but adds nothing.
    expect(page).toContain('€2,000 of C-tier revenue would not miss us');
    expect(page).toContain('29% of the tier’s €7,000 in 2026-Q4; margin €500 (33%); 2 of 3 customers who answered.');
    // Median of the nine revenues: 20,000.
    expect(page).toContain('above the quarter’s median of €20,000');

    expect(quadrantOf(html, 'at_risk')).toMatch(/Kunde A1 .*Kunde A2 /);
    expect(quadrantOf(html, 'at_risk')).toContain('2 customers · €180,000');
    expect(quadrantOf(html, 'cherish')).toContain('Kunde A3');
    expect(quadrantOf(html, 'serve_differently')).toMatch(/Kunde B1 .*Kunde C1 /);
    expect(quadrantOf(html, 'refer')).toMatch(/Kunde B2 .*Kunde C2 /);
    expect(page).not.toContain('Kunde B3');
    expect(page).toContain('In no quadrant: 1 answering customers without a revenue for this quarter, and 1 without a miss-us answer and without a flag.');
    // Each customer in the lists links to their page.
    expect(html).toMatch(/<a [^>]*href="\/app\/customers\/[0-9a-f-]{36}">Kunde A1<\/a>/);

    // German: the amount in German notation.
    const german = textOf(await (await client.get(`/app/results/fit?period=${TEST_PERIOD}`, { 'Accept-Language': 'de' })).text());
    expect(german).toMatch(/180\.000\s€ Umsatz der Stufe A kommen von Kunden, die uns nicht vermissen würden/);

    // The review's findings and its PDF (the owner's quarterly report) carry the headline per tier; the review
    // keeps its headline per change of the quarter's answers and flags, so the flag raised since counts.
    const review = textOf(await (await client.get('/app/results', en)).text());
    expect(review).toContain('€180,000 of A-tier revenue would not miss us: 62% of the tier’s €290,000');
    const pdf = await client.get(`/app/results/review.pdf?from=${TEST_PERIOD}&to=${TEST_PERIOD}`, en);
    expect(pdf.status).toBe(200);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await pdf.arrayBuffer())), { mergePages: true });
    expect(text.replace(/\s+/g, ' ')).toContain('€15,000 of B-tier revenue would not miss us: 33% of the tier’s €45,000');

  }, 60_000);
});
