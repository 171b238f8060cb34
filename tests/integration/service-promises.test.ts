import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app';
import { sendCampaignThroughForm, TEST_PERIOD } from '../support/campaign-fixtures';
import { importThroughForm, marketingClient } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { answerSurvey, surveyPathFromEmail } from '../support/survey-fixtures';

// Service promises per tier as an owner meets them: a new workspace records
// what its tiers are promised under Settings → Tiers, imports its customers,
// sends a campaign, customers answer from their emails, and the review (page
// and PDF) shows per tier how often the promise is found kept, warning that
// tier B finds its promise kept more often than tier A.

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

describe('service promises per tier', () => {
  it('records the promises, and the review warns when tier B finds its promise kept more often than tier A', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Versprechen GmbH');
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);

    // Before any answer, the review has nothing to show and no section of its own.
    expect(await (await client.get('/app/results', en)).text()).not.toContain('Service promises per tier');

    // Settings → Tiers: a promise for A and B; C has none.
    const settings = await (await client.get('/app/settings/tiers', en)).text();
    expect(settings).toContain('Service promises');
    const tierIds = [...settings.matchAll(/name="promises\[(\d)\]\.tierId" value="([0-9a-f-]{36})"/g)].map((match) => match[2]!);
    expect(tierIds).toHaveLength(3);
    const promises = (a: string, b: string) => ({
      intent: 'promises',
      'promises[0].tierId': tierIds[0]!, 'promises[0].promise': a,
      'promises[1].tierId': tierIds[1]!, 'promises[1].promise': b,
      'promises[2].tierId': tierIds[2]!, 'promises[2].promise': '  ',
    });
    const tooLong = await client.post('/app/settings/tiers', promises('x'.repeat(201), 'Call back within two days'), en);
    expect(tooLong.status).toBe(400);
    expect(await tooLong.text()).toContain('Use at most 200 characters.');
    const stale = await client.post('/app/settings/tiers', { ...promises('a', 'b'), 'promises[2].tierId': tierIds[0]! }, en);
    expect(stale.status).toBe(400);
    expect(await stale.text()).toContain('The tiers changed meanwhile.');
    const saved = await client.post('/app/settings/tiers', promises('Call back the same day', 'Call back within two days'), en);
    expect(saved.status).toBe(302);
    const after = await (await client.get('/app/settings/tiers', en)).text();
    expect(after).toContain('value="Call back the same day"');
    expect(after).toContain('value="Call back within two days"');

    // 10 A, 10 B and 3 C customers, through the import; then one campaign to all of them.
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => `A-${i},promise-a${i}@example.com,A ${i},A`),
      ...Array.from({ length: 10 }, (_, i) => `B-${i},promise-b${i}@example.com,B ${i},B`),
      ...Array.from({ length: 3 }, (_, i) => `C-${i},promise-c${i}@example.com,C ${i},C`),
    ];
    await importThroughForm(client, `external_id,email,name,tier\n${rows.join('\n')}\n`, { period: TEST_PERIOD, tiersBy: 'auto' });
    await sendCampaignThroughForm(database.db, client, { name: 'Promises', period: TEST_PERIOD });
    // Sent but not answered: the promises, and no figures yet.
    const unanswered = textOf(await (await client.get('/app/results', en)).text());
    expect(unanswered).toContain('Promised: Call back the same day');
    expect(unanswered).toContain(`No answers to these two questions in ${TEST_PERIOD} yet.`);
    expect(unanswered).not.toContain('Promise kept:');

    // Promise kept: A 3 of 10 agree (30 %), B 9 of 10 (90 %); a timely answer: everyone agrees.
    const answer = async (email: string, promise: string) => {
      const path = await surveyPathFromEmail(database.db, owner.workspaceId, email);
      await answerSurvey(app.client(), path, [
        { miss_us: 'very' },
        {},
        { treat_valued: '4', treat_responsive: '4', treat_equal: '4', treat_promise: promise },
        {},
        {},
      ]);
    };
    for (let i = 0; i < 10; i++) await answer(`promise-a${i}@example.com`, i < 3 ? '5' : '2');
    for (let i = 0; i < 10; i++) await answer(`promise-b${i}@example.com`, i < 9 ? '4' : '3');
    for (let i = 0; i < 3; i++) await answer(`promise-c${i}@example.com`, '5');

    const html = await (await client.get('/app/results', en)).text();
    const page = textOf(html);
    expect(page).toContain('Service promises per tier');
    expect(page).toContain('Promised: Call back the same day');
    expect(page).toContain('Promised: Call back within two days');
    // C has no promise: a hint with a link to record one.
    expect(html).toMatch(/No promise recorded for this tier\.(<!-- -->)? <a [^>]*href="\/app\/settings\/tiers">Record it under Settings → Tiers<\/a>/);
    expect(page).toContain('Promise kept: 30% agree n = 10, likely 11%–60%');
    expect(page).toContain('Promise kept: 90% agree n = 10, likely 60%–98%');
    expect(page).toContain('Timely answer: 100% agree n = 10');
    expect(page).toContain('Promise kept: too few answers (n = 3)');
    // Marketing cannot open the tier settings: they are told an owner can record the promise.
    const marketing = await marketingClient(database.db, app.client(), owner.workspaceId);
    const marketingPage = await (await marketing.get('/app/results', en)).text();
    expect(textOf(marketingPage)).toContain('No promise recorded for this tier. An owner of the workspace can record it under Settings → Tiers.');
    expect(marketingPage).not.toContain('href="/app/settings/tiers"');
    expect((await marketing.post('/app/settings/tiers', promises('Sneaky', 'Sneaky'), en)).status).toBe(403);
    // The warning, in words and with a sign: not by colour alone.
    expect(page).toContain('⚠ Warning: B customers find their promise kept more often than A customers (90% vs 30%). Significant (n = 10 and 10;');
    expect(html).toMatch(/<p class="warning" role="note">/);

    // The same in German.
    const german = textOf(await (await client.get('/app/results', { 'Accept-Language': 'de' })).text());
    expect(german).toMatch(/Warnung: B-Kunden sehen ihr Versprechen häufiger gehalten als A-Kunden \(90\s%\sgegenüber 30\s%\)\. Signifikant/);

    // The review's PDF has the same lines per tier.
    const pdf = await client.get(`/app/results/review.pdf?from=${TEST_PERIOD}&to=${TEST_PERIOD}`, en);
    expect(pdf.status).toBe(200);
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(await pdf.arrayBuffer())), { mergePages: true });
    const pdfText = text.replace(/\s+/g, ' ');
    expect(pdfText).toContain('Service promises per tier');
    expect(pdfText).toContain('Promised: Call back the same day');
    expect(pdfText).toContain('Promise kept: 30% agree (n = 10, likely 11%–60%)');
    expect(pdfText).toContain('Warning: B customers find their promise kept more often than A customers (90% vs 30%).');
  }, 120_000);
});
