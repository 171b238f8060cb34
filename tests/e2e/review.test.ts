import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { axeViolations, describeViolations, launchBrowser, logIn, screenshot, startServer, waitForHydration, type RunningServer } from './support';

const chromiumPath = inject('chromiumPath');
const password = 'wouldmiss-demo';

// The owner's quarterly review and marketing's flag queue, as people use them.
describe.skipIf(!chromiumPath)('the quarterly review and the flag queue', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: true }), launchBrowser(chromiumPath)]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** `bypassCSP` only where axe-core has to be injected into the page. */
  async function pageAs(email: string, bypassCSP = false): Promise<Page> {
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 }, bypassCSP });
    const page = await context.newPage();
    await logIn(page, server.url, email, password);
    return page;
  }

  it('lets the owner find the visible segmentation, the falling tier and the second-class customers', async () => {
    const page = await pageAs('inhaber@muster-beratung.example', true);
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Ergebnisse', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Quartalsvergleich der Stufen' }).waitFor();
    const findings = page.getByRole('region', { name: 'Was auffällt' });
    const text = await findings.textContent();
    expect(text).toContain('Ihre C-Kunden bemerken den Unterschied: Sie bewerten ihre Behandlung mit');
    expect(text).toMatch(/B: \d+\s% wären sehr enttäuscht \(n = \d+, wahrscheinlich zwischen \d+\s% und \d+\s%\), nach \d+\s% in 2026-Q1/);
    // The statistics are one click away, not in the sentences.
    const statistics = findings.locator('details').first();
    expect(await statistics.locator('p, span').count()).toBe(0);
    await statistics.locator('summary').click();
    expect(await statistics.textContent()).toMatch(/angepasst p/);
    // The charts render (canvas drawn) and each has its figures as a table.
    await page.locator('#chart-miss-us-title').waitFor();
    expect(await page.locator('figure.chart canvas').count()).toBe(8);
    expect(await page.locator('figure.chart details table').count()).toBe(8);
    const violations = await axeViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await screenshot(page, 'review-owner');

    // The second-class customers: flags whose reason is what they wrote.
    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: /Hinweise/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Hinweise' }).waitFor();
    expect(await page.getByText('schreibt, sich zweitklassig behandelt zu fühlen').count()).toBeGreaterThan(0);
    await screenshot(page, 'review-flags');
    await page.context().close();
  });

  it('lets marketing work a flag from open to resolved', async () => {
    const page = await pageAs('marketing@muster-beratung.example');
    await page.goto(`${server.url}/app/flags?severity=high`);
    await waitForHydration(page);
    const badge = page.locator('.sidenav .badge');
    const openBefore = Number(await badge.textContent());
    await page.locator('main table tbody tr th a').first().click();
    await page.getByRole('heading', { level: 2, name: 'Verlauf' }).waitFor();
    await waitForHydration(page);

    await page.locator('select[name="assigneeId"]').selectOption({ label: 'Max Marketing' });
    await page.getByRole('button', { name: 'Zuweisen', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Gespeichert.' }).waitFor();
    // The page reloads the flag after each action; wait for it before typing the next note.
    await page.getByRole('region', { name: 'Verlauf' }).getByText('Zugewiesen').waitFor();

    await page.locator('textarea[name="note"]').fill('Angerufen, Besuch für nächste Woche vereinbart.');
    await page.getByRole('button', { name: 'Als kontaktiert markieren' }).click();
    await page.getByRole('region', { name: 'Verlauf' }).getByText('Angerufen, Besuch für nächste Woche vereinbart.').waitFor();

    // Resolving needs a note; without one the page says so and nothing changes.
    await page.locator('textarea[name="note"]').fill('');
    await page.getByRole('button', { name: 'Erledigt', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Bitte schreiben Sie zuerst eine Notiz.' }).waitFor();

    await page.locator('textarea[name="note"]').fill('Besuch gemacht, Servicezeiten erklärt. Kunde zufrieden.');
    await page.getByRole('button', { name: 'Erledigt', exact: true }).click();
    await page.getByText('Dieser Hinweis ist geschlossen.').waitFor();
    const history = await page.getByRole('region', { name: 'Verlauf' }).textContent();
    for (const step of ['Von den Regeln erkannt', 'Zugewiesen', 'Kontaktiert', 'Erledigt']) expect(history).toContain(step);
    expect(Number(await badge.textContent())).toBe(openBefore - 1);
    await screenshot(page, 'flag-resolved');
    await page.context().close();
  });
});
