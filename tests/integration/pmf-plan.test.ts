import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app';
import { sendCampaignThroughForm, TEST_PERIOD } from '../support/campaign-fixtures';
import { importThroughForm } from '../support/customer-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { answerSurvey, surveyPathFromEmail } from '../support/survey-fixtures';

// The product/market-fit plan as an owner meets it: a new workspace imports
// its customers with industry, size, region and "customer since" (German
// headers), sends a campaign, customers answer from their emails, and
// Results › Fit plan names the industry that would miss us most, what the
// very disappointed love and what holds the somewhat disappointed back,
// each point linked to the answers behind it.

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

type Answer = { missUs: 'very' | 'somewhat' | 'not'; missMost?: string; improve?: string; benefit: string };
const LOVED = ['Die Telefonerreichbarkeit', 'Dass Sie immer erreichbar sind', 'Ihre schnellen Rückrufe und die Erreichbarkeit'];
// Twelve machine builders, eleven of them very disappointed; twenty traders, two very and ten somewhat disappointed.
const CUSTOMERS: Array<{ id: string; industry: string; answer: Answer }> = [
  ...Array.from({ length: 12 }, (_, index) => ({
    id: `M${index + 1}`,
    industry: 'Maschinenbau',
    answer: index < 11 ? { missUs: 'very' as const, missMost: LOVED[index % 3], benefit: '5' } : { missUs: 'not' as const, benefit: '2' },
  })),
  ...Array.from({ length: 20 }, (_, index) => ({
    id: `H${index + 1}`,
    industry: 'Handel',
    answer:
      index < 2
        ? { missUs: 'very' as const, missMost: 'Die Kompetenz', benefit: '5' }
        : index < 12
          ? { missUs: 'somewhat' as const, improve: index % 2 === 0 ? 'Die Preise sind zu hoch' : 'Etwas günstiger wäre schön', benefit: '5' }
          : { missUs: 'not' as const, improve: 'Schnellere Antworten', benefit: '3' },
  })),
];

describe('product/market-fit plan', () => {
  it('names the industry that would miss us most and the plan, from imported attributes and survey answers', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Passung & Partner GmbH');
    const client = app.client();
    expect((await client.login(owner.email, PASSWORD)).status).toBe(302);
    expect(textOf(await (await client.get('/app/results/plan', en)).text())).toContain('No completed answers yet.');

    const rows = CUSTOMERS.map(({ id, industry }, index) => `${id};pmf-${id.toLowerCase()}@example.com;Kunde ${id};${index % 2 === 0 ? 'A' : 'B'};${industry};${[8, 35, '1.200'][index % 3]};${index % 4 < 2 ? 'Nord' : 'Süd'};01.03.2015`);
    await importThroughForm(client, `Kundennummer;E-Mail;Name;Stufe;Branche;Mitarbeiter;Region;Kunde seit\n${rows.join('\n')}\n`, { period: TEST_PERIOD, tiersBy: 'auto' });
    await sendCampaignThroughForm(database.db, client, { name: 'Passung', period: TEST_PERIOD });

    const answer = async ({ id, answer: given }: (typeof CUSTOMERS)[number]) => {
      const path = await surveyPathFromEmail(database.db, owner.workspaceId, `pmf-${id.toLowerCase()}@example.com`);
      await answerSurvey(
        app.client(),
        path,
        [{ miss_us: given.missUs }, { miss_most: given.missMost ?? '', alternative: '' }, {}, { benefit: given.benefit }, { improve: given.improve ?? '' }],
        'de',
      );
    };
    for (const customer of CUSTOMERS.slice(0, 5)) await answer(customer);
    expect(textOf(await (await client.get('/app/results/plan', en)).text())).toContain(`Too few answers in ${TEST_PERIOD} for a plan (n = 5; at least 10 are needed).`);
    for (const customer of CUSTOMERS.slice(5)) await answer(customer);

    const response = await client.get(`/app/results/plan?period=${TEST_PERIOD}`, en);
    expect(response.status).toBe(200);
    const html = await response.text();
    const page = textOf(html);
    expect(page).toContain('41% of customers would be very disappointed without you (n = 32');
    // Who: 11 of 12 machine builders against 2 of 20 others; region, size and tier are noise.
    const section = (from: string, to: string) => textOf(html.split(from)[1]!.split(to)[0]!);
    const who = section('id="pmf-who"', '<details');
    expect(who).toContain('Industry: Maschinenbau — 92% very disappointed (n = 12, likely');
    expect(who).toContain('against 10% of the others (n = 20)');
    expect(who).not.toMatch(/Region:|Size:|Tier:/);
    // What they love: reachability, coded from German compounds and inflections.
    const doubleDown = section('id="pmf-double-down"', 'id="pmf-remove-obstacle"');
    expect(doubleDown).toContain('Reachability — 85% name Reachability (11 of 13 answers)');
    // Under each point a few of the answers behind it, each text once.
    for (const text of LOVED) expect(doubleDown.split('Speed —')[0]!.split(text)).toHaveLength(2);
    // What holds back the somewhat disappointed with the same benefit (5 of 5): the price.
    const obstacle = textOf(html.split('id="pmf-remove-obstacle"')[1]!);
    expect(obstacle).toContain('(benefit 5 of 5)');
    expect(obstacle).toContain('Price — 100% name Price (10 of 10 answers)');
    expect(obstacle).not.toContain('Schnellere Antworten');

    // Each point links to the verbatims page, filtered to the answers behind it.
    const link = /<a [^>]*href="(\/app\/results\/verbatims\?[^"]*item=miss_most[^"]*)"[^>]*>Read the answers<\/a>/.exec(html)?.[1]?.replaceAll('&amp;', '&');
    expect(link).toContain('missUs=very');
    const verbatims = textOf(await (await client.get(link!, en)).text());
    expect(verbatims).toContain('Die Telefonerreichbarkeit');
    expect(verbatims).not.toContain('Die Kompetenz');

    // One tier at a time, and in German.
    const tierA = textOf(await (await client.get(`/app/results/plan?period=${TEST_PERIOD}&tier=A`, en)).text());
    expect(tierA).toContain('(n = 16');
    const german = textOf(await (await client.get(`/app/results/plan?period=${TEST_PERIOD}`, { 'Accept-Language': 'de' })).text());
    expect(german).toContain('Branche: Maschinenbau — 92 % sehr enttäuscht');
    expect(german).toMatch(/Ausbauen .*Erreichbarkeit .*Hindernis beseitigen .*Preis/);
    // A quarter or tier that does not exist falls back to the latest quarter and all tiers.
    expect((await client.get('/app/results/plan?period=1999-Q1&tier=Z', en)).status).toBe(200);
  }, 90_000);
});
