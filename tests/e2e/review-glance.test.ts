import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, logIn, screenshot, startServer, waitForHydration, type RunningServer } from './support';

const chromiumPath = inject('chromiumPath');
const owner = { email: 'inhaber@muster-beratung.example', password: 'wouldmiss-demo' };
const fold = { width: 1280, height: 800 };

/** Uncaught errors, console errors (hydration included) and 5xx answers. */
function watchProblems(page: Page) {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} from ${response.url()}`);
  });
  return problems;
}

/** Each tier's two answers (and the whole workspace's) lie inside the first screen. */
async function expectQuestionsAboveFold(page: Page, tiers: string[]) {
  const glance = page.getByRole('region', { name: /auf einen Blick/ });
  await glance.waitFor();
  for (const tier of [...tiers, 'all']) {
    const card = glance.locator(`article[data-tier="${tier}"]`);
    for (const question of ['miss', 'treatment']) {
      const box = await card.locator(`[data-question="${question}"]`).boundingBox();
      expect(box, `${tier} ${question}`).not.toBeNull();
      expect(box!.y, `${tier} ${question} starts on screen`).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height, `${tier} ${question} ends above the fold`).toBeLessThanOrEqual(fold.height);
      expect(box!.x + box!.width, `${tier} ${question} fits the width`).toBeLessThanOrEqual(fold.width);
    }
  }
}

// The demo's data, read only: the owner answers "would they miss us, per
// tier, and is anyone second-class?" from the first screen.
describe.skipIf(!chromiumPath)('the quarter at a glance', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: true }), launchBrowser(chromiumPath)]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('answers the two questions per tier above the fold of the overview and the review', async () => {
    const context = await browser.newContext({ locale: 'de-DE', viewport: fold });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await logIn(page, server.url, owner.email, owner.password);
    await waitForHydration(page);
    await expectQuestionsAboveFold(page, ['A', 'B', 'C']);
    // Below 40 % is said by a symbol and in words, not by colour alone.
    const scores = page.locator('.glance-figure');
    for (let i = 0; i < (await scores.count()); i++) {
      const figure = scores.nth(i);
      const value = Number((await figure.locator('.glance-score').innerText()).match(/\d+/)![0]);
      expect(await figure.locator('.line-mark').innerText()).toBe(value < 40 ? '⚠' : '✓');
      expect(await figure.textContent()).toContain(value < 40 ? 'unter der 40-%-Linie' : 'auf oder über der 40-%-Linie');
    }
    await screenshot(page, 'glance-overview');

    await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Ergebnisse', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Quartalsvergleich der Stufen' }).waitFor();
    await waitForHydration(page);
    await expectQuestionsAboveFold(page, ['A', 'B', 'C']);
    // Findings, then the flag loop and the charts; the detailed table waits behind its summary.
    const order = await page.locator('main h2').allTextContents();
    const at = (pattern: RegExp) => order.findIndex((text) => pattern.test(text));
    expect(at(/auf einen Blick/)).toBeLessThan(at(/Was auffällt/));
    expect(at(/Was auffällt/)).toBeGreaterThan(0);
    expect(at(/Was auffällt/)).toBeLessThan(at(/Im Zeitverlauf/));
    expect(at(/Wie die Bearbeitung wirkt/)).toBeLessThan(at(/Im Zeitverlauf/));
    expect(await page.locator('details.review-details').getAttribute('open')).toBeNull();
    expect(await page.locator('.review-table').isVisible()).toBe(false);
    await screenshot(page, 'glance-review');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('drills from a tier\'s score to the customers behind it, with a matching count, and on to a customer', async () => {
    const context = await browser.newContext({ locale: 'de-DE', viewport: fold });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await logIn(page, server.url, owner.email, owner.password);
    await waitForHydration(page);
    const glance = page.getByRole('region', { name: /auf einen Blick/ });
    const period = (await glance.locator('h2').innerText()).match(/\d{4}-Q[1-4]/)![0];
    const card = glance.locator('article[data-tier="B"]');
    const n = Number((await card.locator('[data-question="miss"] .n').innerText()).match(/n = (\d+)/)![1]);
    expect(n).toBeGreaterThanOrEqual(10);
    await Promise.all([page.waitForURL(/\/app\/customers\?/), card.locator('a.glance-score').click()]);
    await page.getByRole('heading', { level: 1, name: 'Kunden' }).waitFor();
    await waitForHydration(page);
    const url = new URL(page.url());
    expect(url.searchParams.get('tier')).toBe('B');
    expect(url.searchParams.get('period')).toBe(period);
    expect(await page.locator('select#tier').inputValue()).toBe('B');
    expect(await page.locator('select#period').inputValue()).toBe(period);
    // The list's count is the score's n, and its rows (paged by 50) agree with it.
    expect(await page.getByRole('status').innerText()).toBe(`${n} Kunden in Stufe B in ${period}`);
    const rows = page.locator('main table tbody tr');
    expect(await rows.count()).toBe(Math.min(n, 50));
    const answers = await rows.locator('td:nth-child(6)').allInnerTexts();
    for (const answer of answers) expect(['Sehr enttäuscht', 'Etwas enttäuscht', 'Nicht enttäuscht']).toContain(answer);
    expect(await rows.locator('td:nth-child(5)').allInnerTexts()).toEqual(answers.map(() => 'B'));
    // The very disappointed among them are the score's share of n.
    const score = Number((await page.goto(`${server.url}/app`).then(() => card.locator('a.glance-score').innerText())).match(/\d+/)![0]);
    await page.goto(`${server.url}/app/customers?period=${period}&tier=B&answer=very`);
    const very = Number((await page.getByRole('status').innerText()).match(/^\d+/)![0]);
    expect(Math.round((very / n) * 100)).toBe(score);

    // From there, a customer.
    await waitForHydration(page);
    const first = rows.first().locator('th a');
    const name = await first.innerText();
    await first.click();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('folds the navigation into a menu on a phone, which opens without JavaScript, and keeps the review within 390 px', async () => {
    const context = await browser.newContext({ locale: 'de-DE', viewport: fold });
    const page = await context.newPage();
    await logIn(page, server.url, owner.email, owner.password);
    const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
    // On a desktop the list is there, no menu button in the way.
    expect(await nav.getByRole('link', { name: 'Kunden', exact: true }).isVisible()).toBe(true);
    expect(await nav.locator('summary').isVisible()).toBe(false);
    const cookies = await context.cookies();
    await context.close();

    const phone = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 }, isMobile: true, javaScriptEnabled: false });
    await phone.addCookies(cookies);
    const small = await phone.newPage();
    for (const path of ['/app', '/app/results', `/app/customers?tier=B&answer=scored`]) {
      await small.goto(`${server.url}${path}`);
      const menu = small.getByRole('navigation', { name: 'Hauptnavigation' });
      expect(await menu.getByRole('link', { name: 'Kunden', exact: true }).isVisible(), path).toBe(false);
      const width = await small.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${path} scrolls sideways`).toBeLessThanOrEqual(390);
    }
    await small.goto(`${server.url}/app/results`);
    await screenshot(small, 'glance-review-phone');
    const menu = small.getByRole('navigation', { name: 'Hauptnavigation' });
    await menu.locator('summary').click();
    await menu.getByRole('link', { name: 'Kunden', exact: true }).click();
    await small.getByRole('heading', { level: 1, name: 'Kunden' }).waitFor();
    await phone.close();
  });

  it('prints the review with the company, the quarters and the day, each chart kept with its title', async () => {
    const context = await browser.newContext({ locale: 'de-DE', viewport: fold });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await logIn(page, server.url, owner.email, owner.password);
    await page.goto(`${server.url}/app/results?from=2026-Q1&to=2026-Q4`);
    await waitForHydration(page);
    const header = page.locator('.print-header');
    expect(await header.isVisible()).toBe(false);
    await page.emulateMedia({ media: 'print' });
    expect(await header.isVisible()).toBe(true);
    const today = new Intl.DateTimeFormat('de-DE', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date());
    expect(await header.innerText()).toBe(`Muster Beratung GmbH · Quartale 2026-Q1 bis 2026-Q4 · Stand ${today}`);
    expect(await page.locator('nav.sidenav').isVisible()).toBe(false);
    const breaks = await page.locator('figure.chart').first().evaluate((figure) => ({
      figure: getComputedStyle(figure).breakInside,
      caption: getComputedStyle(figure.querySelector('figcaption')!).breakAfter,
    }));
    expect(breaks).toEqual({ figure: 'avoid', caption: 'avoid' });
    // Printing unfolds the detailed table that the screen keeps folded.
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    expect(await page.locator('details.review-details').getAttribute('open')).not.toBeNull();
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(problems).toEqual([]);
    await context.close();
  });
});
