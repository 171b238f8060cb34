import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, logIn, screenshot, startServer, waitForHydration, type RunningServer } from './support';

const chromiumPath = inject('chromiumPath');
const marketing = { email: 'marketing@muster-beratung.example', password: 'wouldmiss-demo' };
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

// New customers of the file: 2 in tier A, 3 in B, 150 in C. Three of the C
// customers are followed by name through the journey.
const IMPORTED_C = 150;
const jana = { email: 'jana.berger@journey.example', name: 'Jana Berger', locale: 'de' };
const evan = { email: 'evan.hughes@journey.example', name: 'Evan Hughes', locale: 'en' };
const ulla = { email: 'ulla.abmeldung@journey.example', name: 'Ulla Abmeldung', locale: 'de' };

function customerFile(): string {
  const rows = ['Kundennummer;E-Mail;Name;Firma;Sprache;Stufe;Umsatz'];
  const add = (id: string, email: string, name: string, locale: string, tier: string, revenue: number) =>
    rows.push(`${id};${email};${name};${name.split(' ')[1]} GmbH;${locale};${tier};${revenue}`);
  add('J-A1', 'anton.gross@journey.example', 'Anton Gross', 'de', 'A', 250000);
  add('J-A2', 'amelie.gross@journey.example', 'Amelie Gross', 'de', 'A', 210000);
  for (let i = 1; i <= 3; i++) add(`J-B${i}`, `bernd.mittel${i}@journey.example`, `Bernd Mittel${i}`, 'de', 'B', 40000 + i);
  for (const [i, customer] of [jana, evan, ulla].entries()) add(`J-C${i + 1}`, customer.email, customer.name, customer.locale, 'C', 1200 + i);
  for (let i = 4; i <= IMPORTED_C; i++) add(`J-C${i}`, `kunde.klein${i}@journey.example`, `Karl Klein${i}`, i % 4 === 0 ? 'en' : 'de', 'C', 500 + i);
  return `${rows.join('\r\n')}\r\n`;
}

// Issue 5's "done when", in the demo: marketing imports customers, creates a
// campaign for the C tier, sends it and watches the counts move; customers
// answer from the outbox with one click (phone, JavaScript on and off, with a
// break and a changed answer) or unsubscribe; the funnel shows all of it.
describe.skipIf(!chromiumPath)('marketing runs a campaign and its customers answer', () => {
  let server: RunningServer;
  let browser: Browser;
  let staff: BrowserContext;
  let page: Page;
  let campaignUrl = '';

  beforeAll(async () => {
    // A slow send rate (one batch of 100 every 2 s) so that sending takes long enough to watch.
    [server, browser] = await Promise.all([startServer({ seedDemo: true, env: { EMAIL_RATE_PER_SECOND: '0.5' } }), launchBrowser(chromiumPath)]);
    staff = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 } });
    page = await staff.newPage();
    await logIn(page, server.url, marketing.email, marketing.password);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** Records in the page whether an element matching `selector` was ever shown (survives client navigation). */
  async function watchFor(target: Page, key: string, selector: string) {
    await target.evaluate(
      ({ key, selector }) => {
        const seen = ((window as unknown as Record<string, Record<string, boolean>>).__seen ??= {});
        seen[key] = false;
        new MutationObserver(() => {
          if (document.querySelector(selector)) seen[key] = true;
        }).observe(document.body, { subtree: true, childList: true });
      },
      { key, selector },
    );
  }
  const wasSeen = (target: Page, key: string) =>
    target.evaluate((key) => (window as unknown as { __seen: Record<string, boolean> }).__seen[key], key);

  /** The campaign's funnel as the campaign page shows it (freshly loaded). */
  async function funnel(): Promise<Record<string, number>> {
    await page.goto(campaignUrl);
    const values: Record<string, number> = {};
    for (const step of ['invited', 'sent', 'started', 'completed', 'unsubscribed']) {
      values[step] = Number((await page.getByTestId(`funnel-${step}`).textContent())!.replace(/\D/g, ''));
    }
    return values;
  }

  /** Opens the customer's email in the outbox and returns its links: the survey, the three one-click answers, unsubscribe. */
  async function emailTo(email: string) {
    await page.goto(`${server.url}/app/outbox?q=${encodeURIComponent(email)}`);
    const row = page.locator('main table tbody tr', { hasText: email });
    expect(await row.count(), `invitations to ${email}`).toBe(1);
    await row.getByRole('link').click();
    await page.locator('main dl.facts').getByText(email).waitFor();
    const email_ = page.frameLocator('iframe.email-preview');
    const hrefs = await email_.locator('a[href]').evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href));
    const pick = (pattern: RegExp) => {
      const found = hrefs.find((href) => pattern.test(href));
      expect(found, `a link matching ${pattern} in ${hrefs.join(', ')}`).toBeDefined();
      return found!;
    };
    return {
      very: pick(/\/s\/[\w-]{43}\?answer=very$/),
      survey: pick(/\/s\/[\w-]{43}$/),
      unsubscribe: pick(/\/u\/[\w-]{43}$/),
    };
  }

  /** Presses a step's button and waits for what the customer sees next (a full page load without JavaScript). */
  async function press(customer: Page, button: string, next: { step?: string; heading?: string }) {
    await customer.getByRole('button', { name: button, exact: true }).click();
    if (next.step) await customer.locator('#survey-progress-label', { hasText: next.step }).waitFor();
    if (next.heading) await customer.getByRole('heading', { name: next.heading }).waitFor();
  }

  it('imports a small customer file through the browser: upload, preview, confirm, progress, result', async () => {
    await page.goto(`${server.url}/app/customers/import`);
    await waitForHydration(page);
    const period = await page.locator('select#period').inputValue();
    await page.locator('input#file').setInputFiles({ name: 'neue-kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(customerFile(), 'utf8') });
    await screenshot(page, 'journey-campaign-01-import-upload');
    await watchFor(page, 'upload', '#upload-progress');
    await page.getByRole('button', { name: 'Hochladen und prüfen' }).click();

    // The preview: nothing is imported yet.
    await page.getByRole('heading', { level: 1, name: 'neue-kunden.csv' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Vorschau' }).waitFor();
    expect(await wasSeen(page, 'upload')).toBe(true);
    const facts = await page.locator('main dl.facts').innerText();
    expect(facts).toMatch(/Kunden in der Datei\s+155/);
    expect(facts).toMatch(/Neue Kunden\s+155/);
    const tiers = page.locator('main table').first();
    expect(await tiers.locator('tbody tr', { hasText: /^C/ }).locator('td').first().textContent()).toBe('150');
    await screenshot(page, 'journey-campaign-02-import-preview');

    await waitForHydration(page);
    await watchFor(page, 'import', '#import-progress');
    await page.getByRole('button', { name: 'Jetzt importieren' }).click();
    const done = page.locator('main p[role="status"].alert-success');
    await done.waitFor();
    expect(await wasSeen(page, 'import')).toBe(true);
    expect(await done.textContent()).toBe(`155 Kunden für ${period} importiert: 155 neu, 0 aktualisiert.`);
    await screenshot(page, 'journey-campaign-03-import-result');

    await page.goto(`${server.url}/app/customers`);
    await page.getByText('755 Kunden', { exact: true }).waitFor();
  });

  it('creates a campaign for the C tier, sends it and watches the counts move without reloading', async () => {
    await page.goto(`${server.url}/app/campaigns/new`);
    await waitForHydration(page);
    await page.getByLabel('Name', { exact: true }).fill('Neue C-Kunden');
    await page.getByLabel('Kunden in diesen Stufen').check();
    await page.getByRole('group', { name: 'Stufen' }).getByLabel('C', { exact: true }).check();
    // The demo's customers were surveyed a month ago: a 60-day cooldown leaves only the new ones.
    await page.getByLabel('Kunden auslassen, die in den letzten … Tagen befragt wurden').fill('60');
    await screenshot(page, 'journey-campaign-04-new');
    await Promise.all([page.waitForURL(/\/app\/campaigns\/[0-9a-f-]{36}\?notice=created$/), page.getByRole('button', { name: 'Entwurf anlegen' }).click()]);
    campaignUrl = page.url().replace(/\?.*$/, '');

    // The draft says who would be invited and why the others are left out.
    await page.getByRole('heading', { level: 2, name: 'Zielgruppe' }).waitFor();
    expect(await page.getByTestId('eligible').textContent()).toBe(String(IMPORTED_C));
    const excluded = page.locator('main table tbody tr', { hasText: 'In den letzten 60 Tagen befragt' });
    expect(Number((await excluded.locator('td').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(0);
    await screenshot(page, 'journey-campaign-05-draft');

    // Everything from here on happens in this one document: the page is never reloaded.
    await waitForHydration(page);
    await page.evaluate(() => {
      const record: string[] = [];
      (window as unknown as { __sent: string[] }).__sent = record;
      setInterval(() => {
        const queued = document.querySelector('[data-testid="invitation-queued"]')?.textContent;
        const sent = document.querySelector('[data-testid="invitation-sent"]')?.textContent;
        const entry = `${queued}/${sent}`;
        if (queued !== undefined && record.at(-1) !== entry) record.push(entry);
      }, 50);
    });
    await page.getByLabel('Ich habe Zielgruppe und Einladung geprüft.').check();
    await page.getByRole('button', { name: 'Jetzt senden' }).click();
    await page.getByTestId('invitation-sent').waitFor();
    await screenshot(page, 'journey-campaign-06-sending');
    await page.waitForFunction((total) => document.querySelector('[data-testid="invitation-sent"]')?.textContent === total, String(IMPORTED_C), {
      timeout: 30_000,
    });
    // The recorder samples every 50 ms: let it see the final state too.
    await page.waitForFunction((final) => (window as unknown as { __sent?: string[] }).__sent?.at(-1) === final, `0/${IMPORTED_C}`);
    const seen = await page.evaluate(() => (window as unknown as { __sent?: string[] }).__sent);
    // Still the same document, and it showed a state with invitations still queued before all were sent.
    expect(seen, 'the page was reloaded').toBeDefined();
    expect(seen!.at(-1)).toBe(`0/${IMPORTED_C}`);
    expect(seen!.some((entry) => Number(entry.split('/')[1]) < IMPORTED_C), `counts seen: ${seen!.join(' → ')}`).toBe(true);
    expect(await page.getByTestId('funnel-invited').textContent()).toBe(String(IMPORTED_C));
    await screenshot(page, 'journey-campaign-07-sent');
  });

  it('puts the invitations in the outbox', async () => {
    // The outbox pages by 100; its search finds the journey's messages, and its count says how many.
    await page.goto(`${server.url}/app/outbox?q=${encodeURIComponent('@journey.example')}`);
    expect(await page.locator('main p[role="status"]').textContent()).toBe(`${IMPORTED_C} Nachrichten`);
    const invitations = page.locator('main table tbody tr');
    expect(await invitations.count()).toBe(100);
    expect(await invitations.filter({ hasText: 'Einladung' }).count()).toBe(100);
    // Only the C tier: none of the file's A and B customers.
    for (const other of ['anton.gross', 'amelie.gross', 'bernd.mittel']) {
      await page.goto(`${server.url}/app/outbox?q=${encodeURIComponent(other)}`);
      expect(await page.locator('main p[role="status"]').textContent()).toBe('0 Nachrichten');
    }
    await screenshot(page, 'journey-campaign-08-outbox');
  });

  it('lets a customer answer with one click on a phone with JavaScript, leave, resume and change an answer', async () => {
    const links = await emailTo(jana.email);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Muster Beratung GmbH: Würden Sie uns vermissen?');
    await screenshot(page, 'journey-customer-01-email');

    const context = await browser.newContext({ ...phone, locale: 'de-DE' });
    try {
      const customer = await context.newPage();
      await customer.goto(links.very);
      expect(await customer.getByLabel('Sehr enttäuscht').isChecked()).toBe(true);
      await screenshot(customer, 'journey-customer-02-one-click');
      // Opening the link recorded nothing.
      expect(await funnel()).toMatchObject({ started: 0, completed: 0 });

      await press(customer, 'Weiter', { step: 'Schritt 2 von 5' });
      expect(await funnel()).toMatchObject({ started: 1, completed: 0 });
      await customer.getByLabel('Was würden Sie am meisten vermissen?').fill('Die persönliche Betreuung.');
      await press(customer, 'Weiter', { step: 'Schritt 3 von 5' });

      // Leaves and opens the email's link again later: the survey continues where it stopped.
      await customer.close();
      const later = await context.newPage();
      await later.goto(links.survey);
      expect(await later.locator('#survey-progress-label').textContent()).toBe('Schritt 3 von 5');
      await screenshot(later, 'journey-customer-03-resumed');

      await later.getByRole('group', { name: /wertgeschätzt/ }).getByLabel(/^4/).check();
      await later.getByRole('group', { name: /so gut behandelt/ }).getByLabel(/^2/).check();
      await press(later, 'Weiter', { step: 'Schritt 4 von 5' });
      await later.getByRole('group', { name: /empfehlen/ }).getByLabel(/^9/).check();
      await press(later, 'Weiter', { step: 'Schritt 5 von 5' });
      await later.getByLabel(/besser machen/).fill('Schneller zurückrufen.');

      // A step back keeps the answers; the customer changes one.
      await press(later, 'Zurück', { step: 'Schritt 4 von 5' });
      expect(await later.getByRole('group', { name: /empfehlen/ }).getByLabel(/^9/).isChecked()).toBe(true);
      await later.getByRole('group', { name: /empfehlen/ }).getByLabel(/^7/).check();
      await press(later, 'Weiter', { step: 'Schritt 5 von 5' });
      expect(await later.getByLabel(/besser machen/).inputValue()).toBe('Schneller zurückrufen.');
      await press(later, 'Antworten senden', { heading: 'Vielen Dank!' });
      await screenshot(later, 'journey-customer-04-thanks');

      await later.getByRole('link', { name: 'Meine Antworten ändern' }).click();
      await later.getByLabel('Sehr enttäuscht').waitFor();
      expect(await later.getByLabel('Sehr enttäuscht').isChecked()).toBe(true);
      await press(later, 'Weiter', { step: 'Schritt 2 von 5' });
      expect(await later.getByLabel('Was würden Sie am meisten vermissen?').inputValue()).toBe('Die persönliche Betreuung.');
    } finally {
      await context.close();
    }
    expect(await funnel()).toMatchObject({ started: 1, completed: 1 });
  });

  it('lets a customer answer with one click on a phone without JavaScript and change the answer afterwards', async () => {
    const links = await emailTo(evan.email);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Muster Beratung GmbH: would you miss us?');
    const context = await browser.newContext({ ...phone, locale: 'en-GB', javaScriptEnabled: false });
    try {
      const customer = await context.newPage();
      await customer.goto(links.very);
      expect(await customer.getByLabel('Very disappointed').isChecked()).toBe(true);
      await screenshot(customer, 'journey-customer-05-nojs-one-click');
      expect(await funnel()).toMatchObject({ started: 1, completed: 1 });

      await press(customer, 'Next', { step: 'Step 2 of 5' });
      await customer.getByLabel('What would you miss most?').fill('Knowing someone picks up the phone.');
      await press(customer, 'Next', { step: 'Step 3 of 5' });
      await customer.getByRole('group', { name: /valued/ }).getByLabel(/^3/).check();
      await press(customer, 'Next', { step: 'Step 4 of 5' });
      await customer.getByRole('group', { name: /recommend/ }).getByLabel(/^8/).check();
      await press(customer, 'Back', { step: 'Step 3 of 5' });
      expect(await customer.getByRole('group', { name: /valued/ }).getByLabel(/^3/).isChecked()).toBe(true);
      await press(customer, 'Next', { step: 'Step 4 of 5' });
      await press(customer, 'Next', { step: 'Step 5 of 5' });
      await press(customer, 'Send answers', { heading: 'Thank you!' });
      await screenshot(customer, 'journey-customer-06-nojs-thanks');

      // Changes the first answer after finishing.
      await customer.getByRole('link', { name: 'Change my answers' }).click();
      await customer.getByLabel('Somewhat disappointed').check();
      await press(customer, 'Save and finish', { heading: 'Thank you!' });
    } finally {
      await context.close();
    }
    expect(await funnel()).toMatchObject({ started: 2, completed: 2 });
  });

  it('lets a customer unsubscribe from the email after a confirmation, and shows it all in the funnel', async () => {
    const links = await emailTo(ulla.email);
    const context = await browser.newContext({ ...phone, locale: 'de-DE' });
    try {
      const customer = await context.newPage();
      await customer.goto(links.unsubscribe);
      await customer.getByRole('heading', { level: 1, name: 'Abmelden' }).waitFor();
      expect(await customer.locator('main').innerText()).toContain(ulla.email);
      await screenshot(customer, 'journey-customer-07-unsubscribe-ask');
      // Opening the link changes nothing; only the button does.
      expect(await funnel()).toMatchObject({ unsubscribed: 0 });

      await customer.getByRole('button', { name: 'Abmelden' }).click();
      await customer.getByRole('heading', { level: 1, name: 'Abgemeldet' }).waitFor();
      expect(await customer.getByRole('status').textContent()).toBe(`Sie sind abgemeldet. Muster Beratung GmbH sendet keine Umfragen mehr an ${ulla.email}.`);
      await screenshot(customer, 'journey-customer-08-unsubscribed');
    } finally {
      await context.close();
    }

    expect(await funnel()).toEqual({ invited: IMPORTED_C, sent: IMPORTED_C, started: 2, completed: 2, unsubscribed: 1 });
    await page.getByRole('heading', { level: 2, name: 'Trichter' }).waitFor();
    await screenshot(page, 'journey-campaign-09-funnel');
  });

  it("records each customer's final answers, changes included, on the customer's page", async () => {
    /** The customer's row in a section (Einladungen, Antworten) for this campaign, as text. */
    async function rowOf(email: string, section: string): Promise<string> {
      await page.goto(`${server.url}/app/customers?q=${encodeURIComponent(email)}`);
      await page.locator('main table tbody tr th a').first().click();
      const row = page.getByRole('region', { name: section }).locator('tbody tr', { hasText: 'Neue C-Kunden' });
      await row.waitFor();
      return (await row.innerText()).replace(/\s+/g, ' ');
    }
    // Jana changed her recommendation from 9 to 7; Evan changed "very" to "somewhat" after finishing.
    expect(await rowOf(jana.email, 'Antworten')).toMatch(/Abgeschlossen .*Sehr enttäuscht .*7$/);
    expect(await rowOf(evan.email, 'Antworten')).toMatch(/Abgeschlossen .*Etwas enttäuscht .*8$/);
    expect(await rowOf(ulla.email, 'Einladungen')).toContain('abgemeldet');
    expect(await page.getByRole('region', { name: 'Antworten' }).locator('tbody tr', { hasText: 'Neue C-Kunden' }).count()).toBe(0);
  });
});
