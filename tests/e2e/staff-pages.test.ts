import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pageRoutes } from './routes';
import { launchBrowser, logIn, signUpInBrowser, startServer, waitForHydration, watchProblems, type RunningServer } from './support';

const chromiumPath = inject('chromiumPath');
const owner = { workspace: 'Seitenprobe Beratung', name: 'Olga Inhaber', email: 'olga@seitenprobe.example', password: 'seitenprobe-passwort' };
const marketing = { name: 'Mara Marketing', email: 'mara@seitenprobe.example', password: 'seitenprobe-marketing' };
const unknownId = '00000000-0000-0000-0000-000000000000';
const desktop = { viewport: { width: 1280, height: 900 } };
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** A small customer file of a new workspace: tiers given, German and English customers. */
function customerFile(): string {
  const rows = ['Kundennummer;E-Mail;Name;Firma;Sprache;Stufe;Umsatz'];
  const tiers = ['A', 'A', 'B', 'B', 'B', 'C', 'C', 'C', 'C', 'C', 'C', 'C'];
  tiers.forEach((tier, i) => {
    const n = i + 1;
    rows.push(`SP-${n};kunde${n}@seitenprobe-kunden.example;Kundin Müller${n};Firma ${n} GmbH;${n % 3 === 0 ? 'en' : 'de'};${tier};${(13 - n) * 10000}`);
  });
  return `${rows.join('\r\n')}\r\n`;
}

// Every staff page, opened as a member would (JavaScript on, hydrated), in a
// workspace made through the app: sign-up, import, campaign, answers, a team
// member. Server-rendered HTML can look fine while the page breaks in the browser.
describe.skipIf(!chromiumPath)('every staff page in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let ownerContext: BrowserContext;
  let ownerPage: Page;
  const urls: Record<string, string> = {};

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launchBrowser(chromiumPath)]);
    ownerContext = await browser.newContext({ locale: 'de-DE', ...desktop });
    ownerPage = await ownerContext.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** The path of the first link in a page's main table (or `selector`). */
  async function firstLink(path: string, selector = 'main table tbody tr th a'): Promise<string> {
    await ownerPage.goto(`${server.url}${path}`);
    const href = await ownerPage.locator(selector).first().getAttribute('href');
    expect(href, `a link on ${path}`).toBeTruthy();
    return new URL(href!, `${server.url}${path}/`).pathname;
  }

  /** The links in an email of the outbox, found by its recipient or subject. */
  async function emailLinks(rowText: string): Promise<string[]> {
    await ownerPage.goto(`${server.url}/app/outbox`);
    await ownerPage.locator('main table tbody tr', { hasText: rowText }).first().locator('th a').click();
    await ownerPage.locator('iframe.email-preview').waitFor();
    return ownerPage.frameLocator('iframe.email-preview').locator('a[href]').evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href));
  }

  it('builds a workspace through the app: sign-up, import, campaign, answers, a marketing member', { timeout: 180_000 }, async () => {
    await signUpInBrowser(ownerPage, server.url, owner);

    // Customers, imported and confirmed.
    await ownerPage.goto(`${server.url}/app/customers/import`);
    await waitForHydration(ownerPage);
    await ownerPage.locator('input#file').setInputFiles({ name: 'kunden.csv', mimeType: 'text/csv', buffer: Buffer.from(customerFile()) });
    await ownerPage.getByRole('button', { name: 'Hochladen und prüfen' }).click();
    await ownerPage.getByRole('heading', { level: 2, name: 'Vorschau' }).waitFor();
    await waitForHydration(ownerPage);
    await ownerPage.getByRole('button', { name: 'Jetzt importieren' }).click();
    await ownerPage.locator('main p[role="status"].alert-success').waitFor();

    // A campaign to everyone, sent.
    await ownerPage.goto(`${server.url}/app/campaigns/new`);
    await waitForHydration(ownerPage);
    await ownerPage.locator('input[name="name"]').fill('Frühjahr');
    await Promise.all([ownerPage.waitForURL(/\/app\/campaigns\/[0-9a-f-]{36}\?notice=created$/), ownerPage.getByRole('button', { name: 'Entwurf anlegen' }).click()]);
    urls.campaignOpen = new URL(ownerPage.url()).pathname;
    await waitForHydration(ownerPage);
    await ownerPage.getByLabel('Ich habe Zielgruppe und Einladung geprüft.').check();
    await ownerPage.getByRole('button', { name: 'Jetzt senden' }).click();
    await ownerPage.waitForFunction(() => document.querySelector('[data-testid="invitation-sent"]')?.textContent === '12', undefined, { timeout: 60_000 });

    // A top-tier customer answers: would not miss us, treated worse than others, says so.
    const links = await emailLinks('kunde1@seitenprobe-kunden.example');
    const survey = links.find((href) => /\/s\/[\w-]{43}$/.test(href))!;
    const customer = await browser.newContext({ locale: 'de-DE', ...phone });
    const answering = await customer.newPage();
    await answering.goto(survey);
    await answering.getByLabel('Nicht enttäuscht').check();
    const next = async (label: string) => {
      await answering.getByRole('button', { name: label, exact: true }).click();
    };
    await next('Weiter');
    await answering.getByLabel('Was würden Sie am meisten vermissen?').fill('Eigentlich nichts, ich fühle mich wie ein Kunde zweiter Klasse.');
    await next('Weiter');
    await answering.getByRole('group', { name: /so gut behandelt/ }).getByLabel(/^1/).check();
    await answering.getByRole('group', { name: /wertgeschätzt/ }).getByLabel(/^2/).check();
    await next('Weiter');
    await answering.getByRole('group', { name: /empfehlen/ }).getByLabel(/^3/).check();
    await next('Weiter');
    await answering.getByLabel(/besser machen/).fill('Schneller zurückrufen.');
    await next('Antworten senden');
    await answering.getByRole('heading', { name: 'Vielen Dank!' }).waitFor();
    await customer.close();
    // The campaign's page shows its results per tier from the first answer on (one answer: too few for a figure).
    await ownerPage.goto(`${server.url}${urls.campaignOpen}`);
    await ownerPage.getByRole('heading', { level: 2, name: 'Ergebnisse nach Stufe' }).waitFor();
    await ownerPage.locator('article[data-tier="A"]', { hasText: 'zu wenige Antworten' }).first().waitFor();

    // A second draft campaign, an upload waiting for confirmation.
    await ownerPage.goto(`${server.url}/app/campaigns/new`);
    await waitForHydration(ownerPage);
    await ownerPage.locator('input[name="name"]').fill('Entwurf');
    await Promise.all([ownerPage.waitForURL(/\/app\/campaigns\/[0-9a-f-]{36}\?notice=created$/), ownerPage.getByRole('button', { name: 'Entwurf anlegen' }).click()]);
    urls.campaignDraft = new URL(ownerPage.url()).pathname;
    await ownerPage.goto(`${server.url}/app/customers/import`);
    await waitForHydration(ownerPage);
    const pending = 'Kundennummer;E-Mail;Name;Stufe\r\nSP-99;neu@seitenprobe-kunden.example;Neu Kunde;C\r\n';
    await ownerPage.locator('input#file').setInputFiles({ name: 'offen.csv', mimeType: 'text/csv', buffer: Buffer.from(pending) });
    await Promise.all([ownerPage.waitForURL(/\/app\/customers\/import\/[0-9a-f-]{36}$/), ownerPage.getByRole('button', { name: 'Hochladen und prüfen' }).click()]);
    urls.importJob = new URL(ownerPage.url()).pathname;

    // A marketing member, invited and joined through the emailed link.
    await ownerPage.goto(`${server.url}/app/settings/members`);
    await waitForHydration(ownerPage);
    const inviteForm = ownerPage.getByRole('region', { name: 'Teammitglied einladen' });
    await inviteForm.locator('input[name="email"]').fill(marketing.email);
    await inviteForm.locator('select[name="role"]').selectOption('marketing');
    await inviteForm.getByRole('button', { name: 'Einladung senden' }).click();
    await ownerPage.getByRole('status').waitFor();
    const join = (await emailLinks(marketing.email)).find((href) => href.includes('/join/'))!;
    const joining = await (await browser.newContext({ locale: 'de-DE', ...desktop })).newPage();
    await joining.goto(join);
    await waitForHydration(joining);
    await joining.locator('input[name="name"]').fill(marketing.name);
    await joining.locator('input[name="password"]').fill(marketing.password);
    await Promise.all([joining.waitForURL(`${server.url}/app`), joining.getByRole('button', { name: 'Beitreten' }).click()]);
    await joining.context().close();

    urls.customer = await firstLink('/app/customers');
    // Flags are raised when a response completes; until then the flag page is seen with an unknown id.
    await ownerPage.goto(`${server.url}/app/flags?status=all`);
    const flagHref = await ownerPage.locator('main table tbody tr th a').first().getAttribute('href', { timeout: 2_000 }).catch(() => null);
    urls.flag = flagHref ? new URL(flagHref, `${server.url}/app/flags/`).pathname : `/app/flags/${unknownId}`;
    urls.survey = await firstLink('/app/surveys', 'main a[href^="/app/surveys/"]');
    // An invitation (marketing sees those; team invitations only the owner).
    urls.message = await firstLink('/app/outbox', 'main table tbody tr:has-text("kunde2@seitenprobe-kunden.example") th a');
    for (const [key, value] of Object.entries(urls)) expect(value, key).toMatch(/^\/app\/[\w/.-]+$/);
  });

  /** Each page route of the build with the staff URLs that show it; null for pages outside the staff area. */
  function pageCases(): Record<string, string[] | null> {
    return {
      '/login': null,
      '/signup': null,
      '/join/:token': null,
      '/password/forgot': null,
      '/password/reset/:token': null,
      '/verify-email/:token': null,
      '/u/:token': null,
      '/app': ['/app'],
      '/app/*': ['/app/no-such-page'],
      '/app/customers': ['/app/customers', '/app/customers?q=M%C3%BCller1'],
      '/app/customers/:customerId': [urls.customer!],
      '/app/customers/:customerId/erase': [`${urls.customer}/erase`],
      '/app/customers/import': ['/app/customers/import'],
      '/app/customers/import/:jobId': [urls.importJob!],
      '/app/customers/tiers': ['/app/customers/tiers'],
      '/app/surveys': ['/app/surveys'],
      '/app/surveys/:surveyId': [urls.survey!],
      '/app/surveys/:surveyId/questions/:key': [`${urls.survey}/questions/new`],
      '/app/surveys/:surveyId/preview': [`${urls.survey}/preview?step=0`, `${urls.survey}/preview?page=thanks`],
      '/app/campaigns': ['/app/campaigns', '/app/campaigns?q=Fr%C3%BChjahr'],
      '/app/campaigns/new': ['/app/campaigns/new'],
      '/app/campaigns/:campaignId': [urls.campaignOpen!, urls.campaignDraft!],
      '/app/campaigns/:campaignId/edit': [`${urls.campaignDraft}/edit`],
      '/app/outbox': ['/app/outbox'],
      '/app/outbox/:messageId': [urls.message!],
      '/app/results': ['/app/results'],
      '/app/results/verbatims': ['/app/results/verbatims'],
      '/app/results/fit': ['/app/results/fit'],
      '/app/results/plan': ['/app/results/plan', '/app/results/plan?tier=A'],
      '/app/flags': ['/app/flags', '/app/flags?status=all', '/app/flags?status=all&q=kunde1%40'],
      '/app/flags/:flagId': [urls.flag!],
      '/app/settings': ['/app/settings'],
      '/app/settings/members': ['/app/settings/members'],
      '/app/settings/api-keys': ['/app/settings/api-keys'],
      '/app/settings/webhooks': ['/app/settings/webhooks'],
      '/app/settings/suppressions': ['/app/settings/suppressions'],
      '/app/settings/tiers': ['/app/settings/tiers'],
      '/app/settings/api-reference': ['/app/settings/api-reference'],
      '/app/settings/flags': ['/app/settings/flags'],
      '/app/settings/themes': ['/app/settings/themes'],
      '/app/settings/contact': ['/app/settings/contact'],
    };
  }

  const isMissing = (path: string) => path === '/app/no-such-page' || path.includes(unknownId);
  const staffPaths = () => Object.values(pageCases()).flatMap((paths) => paths ?? []);

  it('has a case for every page route of the build', async () => {
    expect(Object.keys(pageCases()).sort()).toEqual(await pageRoutes());
  });

  /**
   * Opens each page, waits for hydration and a moment after it (errors of the
   * hydrated page come then), and returns what went wrong. Pages a member may
   * not open must answer 403 inside the staff area; unknown pages 404.
   */
  async function visitAll(page: Page, allowed: (path: string) => number[]): Promise<string[]> {
    const problems = watchProblems(page);
    const failures: string[] = [];
    for (const path of staffPaths()) {
      problems.length = 0;
      const response = await page.goto(`${server.url}${path}`);
      const status = response?.status() ?? 0;
      const expected = allowed(path);
      if (!expected.includes(status)) failures.push(`${path}: status ${status}, expected ${expected.join(' or ')}`);
      await waitForHydration(page);
      await page.waitForTimeout(250);
      if (status < 400 && (await page.locator('main #error-title').count()) > 0) failures.push(`${path}: shows an error page`);
      if ((await page.locator('.shell nav.sidenav').count()) === 0) failures.push(`${path}: no staff navigation`);
      // The browser reports a 403 or 404 document as a failed resource; that one is expected.
      const real = problems.filter((problem) => !(status >= 400 && status < 500 && /Failed to load resource: the server responded with a status of 40[34]/.test(problem)));
      // First lines only, each once: a stack trace per repeat would bury the list.
      const lines = [...new Set(real.map((problem) => problem.split('\n')[0]!.slice(0, 200)))];
      if (lines.length > 0) failures.push(`${path}:\n  ${lines.join('\n  ')}`);
    }
    return failures;
  }

  it('opens every staff page as the owner with JavaScript on, without errors', { timeout: 180_000 }, async () => {
    const failures = await visitAll(ownerPage, (path) => (isMissing(path) ? [404] : [200]));
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('opens every staff page as marketing with JavaScript on, without errors (owner pages answer 403)', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ locale: 'de-DE', ...desktop });
    const page = await context.newPage();
    await logIn(page, server.url, marketing.email, marketing.password);
    const failures = await visitAll(page, (path) => (isMissing(path) ? [404] : [200, 403]));
    await context.close();
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('does not scroll any staff page sideways on a 390 px phone', { timeout: 180_000 }, async () => {
    const context = await browser.newContext({ locale: 'de-DE', ...phone });
    const page = await context.newPage();
    await logIn(page, server.url, owner.email, owner.password);
    const failures: string[] = [];
    for (const path of staffPaths()) {
      await page.goto(`${server.url}${path}`);
      await waitForHydration(page);
      const layout = await page.evaluate(() => {
        const width = document.documentElement.clientWidth;
        // The outermost elements that stick out, so a failure names its cause.
        const wide = [...document.querySelectorAll('body *')]
          .filter((element) => element.getBoundingClientRect().right > width + 0.5 && !element.parentElement?.closest('.table-wrap'))
          .filter((element, _, all) => !all.includes(element.parentElement!))
          .slice(0, 3)
          .map((element) => `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''}`);
        return { scrollWidth: document.documentElement.scrollWidth, clientWidth: width, wide };
      });
      if (layout.scrollWidth > layout.clientWidth) failures.push(`${path}: ${layout.scrollWidth} px wide on a ${layout.clientWidth} px screen (${layout.wide.join(', ')})`);
    }
    await context.close();
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('keeps the invitation email, its answer buttons included, inside 600 px and 320 px', async () => {
    await ownerPage.goto(`${server.url}/app/outbox`);
    await ownerPage.locator('main table tbody tr', { hasText: 'kunde2@seitenprobe-kunden.example' }).first().locator('th a').click();
    const html = await ownerPage.locator('iframe.email-preview').getAttribute('srcdoc');
    expect(html).toContain('?answer=very');
    const failures: string[] = [];
    for (const width of [600, 320]) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.setContent(html!);
      const layout = await page.evaluate(() => {
        const buttons = [...document.querySelectorAll('a[href*="?answer="]')].map((link) => link.getBoundingClientRect());
        // The card: React Email's Container, the one table with a max-width.
        const box = (document.querySelector('a[href*="?answer="]')?.closest('table[style*="max-width"]') ?? document.body).getBoundingClientRect();
        return {
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth,
          buttons: buttons.map((b) => ({ left: b.left, right: b.right })),
          card: { left: box.left, right: box.right },
        };
      });
      if (layout.scrollWidth > layout.clientWidth) failures.push(`${width} px: the email is ${layout.scrollWidth} px wide`);
      if (layout.buttons.length !== 3) failures.push(`${width} px: ${layout.buttons.length} answer buttons`);
      for (const button of layout.buttons) {
        if (button.left < layout.card.left - 0.5 || button.right > layout.card.right + 0.5) {
          failures.push(`${width} px: a button spans ${button.left}–${button.right}, the card ${layout.card.left}–${layout.card.right}`);
        }
      }
      await context.close();
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
