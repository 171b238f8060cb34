import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, screenshot, signUpInBrowser, startServer, waitForHydration, watchProblems, type RunningServer } from './support';

const chromiumPath = inject('chromiumPath');
const owner = { workspace: 'Hinweis Probe GmbH', name: 'Greta Inhaberin', email: 'greta@hinweis-probe.example', password: 'hinweis-probe-passwort' };
const carla = { name: 'Carla Zweitklassig', email: 'carla@hinweis-kunden.example' };
const hans = { name: 'Hans Zufrieden', email: 'hans@hinweis-kunden.example' };

/** Ten customers; Carla (tier C) is looked after by the owner. */
function customerFile(): string {
  const rows = ['Kundennummer;E-Mail;Name;Firma;Sprache;Stufe;Umsatz;Betreuer'];
  rows.push(`HP-1;${carla.email};${carla.name};Klein GmbH;de;C;4.000,00;${owner.email}`);
  rows.push(`HP-2;${hans.email};${hans.name};Zufrieden KG;de;C;3.500,00;`);
  const tiers = ['A', 'A', 'B', 'B', 'B', 'C', 'C', 'C'];
  tiers.forEach((tier, i) => rows.push(`HP-${i + 3};kunde${i + 3}@hinweis-kunden.example;Kunde ${i + 3};Firma ${i + 3};de;${tier};${(20 - i) * 5000};`));
  return `${rows.join('\r\n')}\r\n`;
}

// Issue 13's journey on an empty database with no demo: a workspace signs up,
// imports its customers (one with an account owner), sends a campaign; two
// customers answer through the links in the outbox, one second-class by every
// rule, one happy. The flag is in the queue within seconds, assigned, with its
// reasons in plain words, and the owner has an alert; when the customer
// changes the answers, the flag is withdrawn.
describe.skipIf(!chromiumPath)('a second-class answer reaches the flag queue of a new workspace', () => {
  let server: RunningServer;
  let browser: Browser;
  let staff: BrowserContext;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launchBrowser(chromiumPath)]);
    staff = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    page = await staff.newPage();
    problems = watchProblems(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs up, imports customers with an account owner and sends a campaign', async () => {
    await signUpInBrowser(page, server.url, owner);

    await page.goto(`${server.url}/app/customers/import`);
    await waitForHydration(page);
    await page.locator('input#file').setInputFiles({ name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF${customerFile()}`, 'utf8') });
    await page.getByRole('button', { name: 'Hochladen und prüfen' }).click();
    await page.getByRole('heading', { level: 2, name: 'Vorschau' }).waitFor();
    await waitForHydration(page);
    await page.getByRole('button', { name: 'Jetzt importieren' }).click();
    await page.locator('main p[role="status"].alert-success').waitFor();

    // The customer page shows the account owner from the file.
    await page.goto(`${server.url}/app/customers?q=${encodeURIComponent(carla.email)}`);
    await page.locator('main table tbody tr th a').first().click();
    await page.getByRole('heading', { level: 1, name: carla.name }).waitFor();
    const selected = await page.getByLabel('Betreuer').evaluate((select) => (select as HTMLSelectElement).selectedOptions[0]?.textContent);
    expect(selected).toBe(owner.name);

    await page.goto(`${server.url}/app/campaigns/new`);
    await waitForHydration(page);
    await page.getByLabel('Name', { exact: true }).fill('Kundenbefragung');
    await Promise.all([page.waitForURL(/\/app\/campaigns\/[0-9a-f-]{36}\?notice=created$/), page.getByRole('button', { name: 'Entwurf anlegen' }).click()]);
    await waitForHydration(page);
    await page.getByLabel('Ich habe Zielgruppe und Einladung geprüft.').check();
    await page.getByRole('button', { name: 'Jetzt senden' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="invitation-sent"]')?.textContent === '10', undefined, { timeout: 30_000 });
  });

  /** The survey link of the customer's invitation, from the outbox. */
  async function surveyLink(email: string): Promise<string> {
    await page.goto(`${server.url}/app/outbox?q=${encodeURIComponent(email)}`);
    await page.locator('main table tbody tr', { hasText: email }).getByRole('link').click();
    await page.locator('main dl.facts').getByText(email).waitFor();
    const hrefs = await page.frameLocator('iframe.email-preview').locator('a[href]').evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href));
    const survey = hrefs.find((href) => /\/s\/[\w-]{43}$/.test(href));
    expect(survey, hrefs.join(', ')).toBeDefined();
    return survey!;
  }

  async function press(customer: Page, button: RegExp, next: { step?: string; heading?: string }) {
    await customer.getByRole('button', { name: button }).click();
    if (next.step) await customer.locator('#survey-progress-label', { hasText: next.step }).waitFor();
    if (next.heading) await customer.getByRole('heading', { name: next.heading }).waitFor();
  }

  /** Answers the five steps: the miss-us answer, the four treatment items (one value), and the last open question. */
  async function answerSurvey(customer: Page, answers: { missUs: string; treatment: string; improve: string }, finish: RegExp) {
    await customer.getByLabel(answers.missUs).check();
    await press(customer, /^Weiter$/, { step: 'Schritt 2 von 5' });
    await press(customer, /^Weiter$/, { step: 'Schritt 3 von 5' });
    for (const item of [/wertgeschätzt/, /zeitnah/, /so gut behandelt/, /Vereinbarten/]) {
      await customer.getByRole('group', { name: item }).getByLabel(new RegExp(`^${answers.treatment}`)).check();
    }
    await press(customer, /^Weiter$/, { step: 'Schritt 4 von 5' });
    await press(customer, /^Weiter$/, { step: 'Schritt 5 von 5' });
    await customer.getByLabel(/besser machen/).fill(answers.improve);
    await press(customer, finish, { heading: 'Vielen Dank!' });
  }

  /** Reloads the flag queue until `done` holds; returns the milliseconds it took. */
  async function waitInQueue(url: string, done: (text: string) => boolean): Promise<number> {
    const started = Date.now();
    for (;;) {
      await page.goto(url);
      const text = await page.locator('main').innerText();
      if (done(text)) return Date.now() - started;
      expect(Date.now() - started, `the flag queue did not change in time:\n${text}`).toBeLessThan(5_000);
      await page.waitForTimeout(200);
    }
  }

  let carlaLink = '';

  it('shows the second-class customer in the flag queue within seconds, assigned, with reasons; the happy one is not flagged', async () => {
    carlaLink = await surveyLink(carla.email);
    const hansLink = await surveyLink(hans.email);
    const customers = await browser.newContext({ locale: 'de-DE' });
    try {
      const happy = await customers.newPage();
      await happy.goto(hansLink);
      await answerSurvey(happy, { missUs: 'Sehr enttäuscht', treatment: '5', improve: 'Weiter so.' }, /Antworten senden/);
      const unhappy = await customers.newPage();
      await unhappy.goto(carlaLink);
      await answerSurvey(unhappy, { missUs: 'Nicht enttäuscht', treatment: '2', improve: 'Ich fühle mich wie ein Kunde zweiter Klasse.' }, /Antworten senden/);
    } finally {
      await customers.close();
    }

    const waited = await waitInQueue(`${server.url}/app/flags`, (text) => text.includes(carla.name));
    expect(waited).toBeLessThan(5_000);
    const row = page.locator('main table tbody tr', { hasText: carla.name });
    const text = await row.innerText();
    expect(text).toContain('Fühlt sich evtl. zweitklassig');
    expect(text).toContain('fühlt sich nicht so gut behandelt wie andere Kunden');
    expect(text).toContain('bewertet die Behandlung insgesamt niedrig');
    expect(text).toContain('schreibt, sich zweitklassig behandelt zu fühlen');
    expect(text).toContain('Hoch');
    expect(text).toContain(owner.name);
    expect(text).toMatch(/Rückmeldung bis/);
    expect(await page.locator('main').innerText()).not.toContain(hans.name);
    await screenshot(page, 'journey-flags-01-queue');

    // The owner, as the account owner, has the alert in the outbox.
    await page.goto(`${server.url}/app/outbox?q=${encodeURIComponent(owner.email)}`);
    const alert = page.locator('main table tbody tr', { hasText: 'Hinweis-Meldung' });
    expect(await alert.count()).toBe(1);
    expect(await alert.innerText()).toContain(`${carla.name}: Fühlt sich evtl. zweitklassig`);
  });

  it('withdraws the open flag when the customer changes the answers to happy ones', async () => {
    const customers = await browser.newContext({ locale: 'de-DE' });
    try {
      const customer = await customers.newPage();
      await customer.goto(carlaLink);
      await customer.getByRole('heading', { name: 'Vielen Dank!' }).waitFor();
      await customer.getByRole('link', { name: 'Meine Antworten ändern' }).click();
      await customer.getByLabel('Sehr enttäuscht').waitFor();
      await answerSurvey(customer, { missUs: 'Sehr enttäuscht', treatment: '5', improve: 'Alles bestens.' }, /^Änderungen speichern$/);
    } finally {
      await customers.close();
    }
    const waited = await waitInQueue(`${server.url}/app/flags`, (text) => !text.includes(carla.name));
    expect(waited).toBeLessThan(5_000);
    await page.goto(`${server.url}/app/flags?status=withdrawn`);
    const row = page.locator('main table tbody tr', { hasText: carla.name });
    expect(await row.innerText()).toContain('Trifft nicht mehr zu');
    await row.getByRole('link').click();
    await page.getByText('Trifft nicht mehr zu: der Kunde hat die Antwort geändert').waitFor();
    await screenshot(page, 'journey-flags-02-withdrawn');
    expect(problems).toEqual([]);
  });
});
