import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  launchBrowser,
  logIn,
  screenshot,
  startServer,
  waitForHydration,
  waitForStaffArea,
  type RunningServer,
} from './support';

const chromiumPath = inject('chromiumPath');

const owner = { email: 'inhaber@muster-beratung.example', password: 'wouldmiss-demo', name: 'Petra Inhaber' };
const marketing = { email: 'marketing@muster-beratung.example', password: 'wouldmiss-demo', name: 'Max Marketing' };
const quarters = ['2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'];

// The demo workspace as its two members see it, and inviting a third. The
// accessibility of its pages is checked in a11y.test.ts.
describe.skipIf(!chromiumPath)('the demo workspace', () => {
  let server: RunningServer;
  let browser: Browser;
  let ownerContext: BrowserContext;
  let ownerPage: Page;

  beforeAll(async () => {
    // As on a first `npm start`: the server creates the database and the demo itself.
    [server, browser] = await Promise.all([startServer({ seedDemo: true, freshData: true }), launchBrowser(chromiumPath)]);
    ownerContext = await browser.newContext({ locale: 'de-DE' });
    ownerPage = await ownerContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const nav = (page: Page) => page.getByRole('navigation', { name: 'Hauptnavigation' });

  /**
   * Follows a link of the main navigation, as a person would, and waits for
   * the new page's heading (on client navigation the URL changes a moment
   * before the new page is rendered).
   */
  async function openArea(page: Page, linkName: string, path: string, heading: string = linkName) {
    await Promise.all([page.waitForURL(`${server.url}${path}`), nav(page).getByRole('link', { name: linkName, exact: true }).click()]);
    await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor();
  }

  it('shows the owner 600 customers and the quarters', async () => {
    await logIn(ownerPage, server.url, owner.email, owner.password);

    expect(await ownerPage.getByRole('heading', { level: 1 }).textContent()).toBe('Willkommen bei Muster Beratung GmbH');
    const customersCard = ownerPage.locator('.stat', { hasText: 'Kunden' });
    expect(await customersCard.locator('.stat-value').textContent()).toBe('600');
    expect(await ownerPage.locator('.stat', { hasText: 'Kampagnen' }).locator('.stat-value').textContent()).toBe('6');

    const table = ownerPage.getByRole('table', { name: 'Die Quartale im Überblick' });
    await table.waitFor();
    const periods = await table.locator('tbody th[scope="row"]').allTextContents();
    expect(new Set(periods)).toEqual(new Set(quarters));
    await screenshot(ownerPage, 'demo-overview');
  });

  it('lets the owner walk through every area', async () => {
    await waitForHydration(ownerPage);

    await openArea(ownerPage, 'Kunden', '/app/customers');
    expect(await ownerPage.getByText('600 Kunden', { exact: true }).count()).toBe(1);
    expect(await ownerPage.locator('main table tbody tr').count()).toBe(50);

    await openArea(ownerPage, 'Kampagnen', '/app/campaigns');
    const campaignNames = await ownerPage.locator('main table tbody th[scope="row"]').allTextContents();
    expect(campaignNames.sort()).toEqual(quarters.map((quarter) => `Kundenbefragung ${quarter}`));

    await openArea(ownerPage, 'Ergebnisse', '/app/results', 'Quartalsvergleich der Stufen');
    // The detailed table is folded away below the quarter at a glance: unfold it as the owner would.
    await ownerPage.locator('details.review-details > summary').click();
    const results = ownerPage.getByRole('table', { name: 'Zahlen je Quartal und Stufe' });
    await results.waitFor();
    // One row for all customers and one per tier, in every quarter.
    expect(await results.locator('tbody tr').count()).toBe(quarters.length * 4);

    await openArea(ownerPage, 'Umfragen', '/app/surveys');
    await ownerPage.getByRole('heading', { level: 2, name: 'Standardumfrage' }).waitFor();

    await openArea(ownerPage, 'Einstellungen', '/app/settings');
    await Promise.all([
      ownerPage.waitForURL(`${server.url}/app/settings/members`),
      ownerPage.getByRole('link', { name: 'Team', exact: true }).click(),
    ]);
    await ownerPage.getByRole('heading', { level: 2, name: 'Team', exact: true }).waitFor();
    const members = ownerPage.getByRole('region', { name: 'Team' }).locator('tbody tr');
    expect(await members.allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining(owner.email), expect.stringContaining(marketing.email)]),
    );
    expect(await members.count()).toBe(2);
  });

  it('keeps the marketing member out of owner pages', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    try {
      const page = await context.newPage();
      await logIn(page, server.url, marketing.email, marketing.password);
      expect(await page.locator('.topbar').textContent()).toContain(`Angemeldet als ${marketing.name}`);
      expect(await nav(page).getByRole('link', { name: 'Postausgang' }).count()).toBe(1);
      expect(await nav(page).getByRole('link', { name: 'Kunden', exact: true }).count()).toBe(1);

      const members = await page.goto(`${server.url}/app/settings/members`);
      expect(members?.status()).toBe(403);
      await page.getByRole('heading', { name: 'Nicht erlaubt' }).waitFor();
      expect(await page.getByText(owner.email).count()).toBe(0);

      // The outbox shows marketing the survey emails, never team invitations.
      const outbox = await page.goto(`${server.url}/app/outbox`);
      expect(outbox?.status()).toBe(200);
      expect(await page.getByText('Team-Einladung').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('invites a new member who joins through the emailed link', async () => {
    const invitee = { email: 'neue.kollegin@muster-beratung.example', name: 'Nina Neu', password: 'ein-gutes-passwort' };

    await ownerPage.goto(`${server.url}/app/settings/members`);
    await waitForHydration(ownerPage);
    const inviteForm = ownerPage.getByRole('region', { name: 'Teammitglied einladen' });
    await inviteForm.locator('input[name="email"]').fill(invitee.email);
    expect(await inviteForm.locator('select[name="role"]').inputValue()).toBe('marketing');
    await inviteForm.getByRole('button', { name: 'Einladung senden' }).click();
    const confirmation = ownerPage.getByRole('status');
    await confirmation.waitFor();
    expect(await confirmation.textContent()).toBe(`Einladung an ${invitee.email} gesendet.`);
    // The confirmation (action data) shows while the page's data is still being reloaded.
    await ownerPage.getByRole('region', { name: 'Offene Einladungen' }).getByText(invitee.email, { exact: false }).waitFor();

    await openArea(ownerPage, 'Postausgang', '/app/outbox');
    const row = ownerPage.locator('main table tbody tr', { hasText: invitee.email });
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain('Team-Einladung');
    const subject = row.getByRole('link');
    expect(await subject.textContent()).toBe('Einladung zu Muster Beratung GmbH bei Wouldmiss');
    await subject.click();
    await ownerPage.getByRole('heading', { level: 1, name: 'Einladung zu Muster Beratung GmbH bei Wouldmiss' }).waitFor();
    const joinLink = ownerPage.locator(`main a[href^="${server.url}/join/"]`);
    const href = await joinLink.getAttribute('href');
    expect(href).toMatch(new RegExp(`^${server.url.replace(/\./g, '\\.')}/join/[A-Za-z0-9_-]{20,}$`));

    const context = await browser.newContext({ locale: 'de-DE' });
    try {
      const page = await context.newPage();
      await page.goto(href!);
      await page.getByRole('heading', { level: 1, name: 'Muster Beratung GmbH beitreten' }).waitFor();
      expect(await page.locator('main').textContent()).toContain(invitee.email);
      await waitForHydration(page);
      await page.locator('input[name="name"]').fill(invitee.name);
      await page.locator('input[name="password"]').fill(invitee.password);
      await Promise.all([page.waitForURL(`${server.url}/app`), page.getByRole('button', { name: 'Beitreten' }).click()]);
      await waitForStaffArea(page);

      expect(await page.locator('.workspace-name').textContent()).toBe('Muster Beratung GmbH');
      expect(await page.locator('.topbar').textContent()).toContain(`Angemeldet als ${invitee.name}`);
      expect(await page.locator('.stat', { hasText: 'Kunden' }).locator('.stat-value').textContent()).toBe('600');
      // Joined as marketing: no owner-only outbox.
      expect(await nav(page).getByRole('link', { name: 'Postausgang' }).count()).toBe(1);

      // The link is used up.
      const again = await page.goto(href!);
      expect(again?.status()).toBe(404);
    } finally {
      await context.close();
    }

    await ownerPage.goto(`${server.url}/app/settings/members`);
    const members = ownerPage.getByRole('region', { name: 'Team' }).locator('tbody tr');
    expect(await members.count()).toBe(3);
    expect(await members.filter({ hasText: invitee.email }).textContent()).toContain('Marketing');
  });

  it('fits the staff pages on a phone without sideways scrolling', async () => {
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      await logIn(page, server.url, owner.email, owner.password);
      await page.getByRole('table', { name: 'Die Quartale im Überblick' }).waitFor();
      // Wide tables may scroll inside their wrapper, but the page itself must not
      // scroll sideways. Measured before the screenshot, which resizes the page.
      const widths: Record<string, number> = {};
      const measure = async (path: string) => {
        widths[path] = await page.evaluate(() => document.documentElement.scrollWidth);
      };
      await measure('/app');
      await screenshot(page, 'demo-overview-phone');
      for (const [path, name] of [
        ['/app/customers', 'demo-customers-phone'],
        ['/app/campaigns', 'demo-campaigns-phone'],
        ['/app/settings/members', 'demo-members-phone'],
      ] as const) {
        await page.goto(`${server.url}${path}`);
        await measure(path);
        await screenshot(page, name);
      }
      expect(widths).toEqual({ '/app': 390, '/app/customers': 390, '/app/campaigns': 390, '/app/settings/members': 390 });
    } finally {
      await context.close();
    }
  });
});
