import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { pageRoutes } from './routes';
import { axeViolations, describeViolations, launchBrowser, logIn, startServer, waitForHydration, type RunningServer } from './support';

const chromiumPath = inject('chromiumPath');
const owner = { email: 'inhaber@muster-beratung.example', password: 'wouldmiss-demo' };
const marketing = { email: 'marketing@muster-beratung.example', password: 'wouldmiss-demo' };
type Language = 'de' | 'en';
const browserLocale: Record<Language, string> = { de: 'de-DE', en: 'en-GB' };

// axe-core (WCAG 2.1 A and AA) on every kind of page, staff and customer, in
// German and English. The staff pages come from the build's route list, so a
// new page kind without a case here fails the test.
describe.skipIf(!chromiumPath)('accessibility of every kind of page (axe-core, WCAG 2.1 A and AA)', () => {
  let server: RunningServer;
  let browser: Browser;
  let ownerContext: BrowserContext;
  let ownerPage: Page;
  /** Concrete URLs of the demo for each page route, filled while the test walks the app. */
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: true }), launchBrowser(chromiumPath)]);
    // axe is injected as an inline script, which the app's nonce-based CSP would block.
    ownerContext = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 }, bypassCSP: true });
    ownerPage = await ownerContext.newPage();
    await logIn(ownerPage, server.url, owner.email, owner.password);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function anonymousPage(language: Language, options: { javaScriptEnabled?: boolean; phone?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({
      locale: browserLocale[language],
      bypassCSP: true,
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      ...(options.phone ? { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } : { viewport: { width: 1280, height: 900 } }),
    });
    return context.newPage();
  }

  /** axe on the page as it is now; returns a failure description or null. */
  async function check(page: Page, name: string): Promise<string | null> {
    const violations = await axeViolations(page);
    return violations.length > 0 ? `${name} (${page.url().replace(server.url, '')}):\n${describeViolations(violations)}` : null;
  }

  /** Opens a staff page, waits until React runs it, and checks it. */
  async function checkStaffPage(page: Page, path: string, expectedStatus = 200): Promise<string | null> {
    const response = await page.goto(`${server.url}${path}`);
    expect(response?.status(), path).toBe(expectedStatus);
    await waitForHydration(page);
    await page.locator('main h1').first().waitFor();
    return check(page, path);
  }

  /** The first link in the main table of a list page, as a path. */
  async function firstLink(path: string, selector = 'main table tbody tr th a'): Promise<string> {
    await ownerPage.goto(`${server.url}${path}`);
    const href = await ownerPage.locator(selector).first().getAttribute('href');
    expect(href, `a link on ${path}`).toBeTruthy();
    return new URL(href!, `${server.url}${path}/`).pathname;
  }

  /** The links of an email in the outbox: the survey, unsubscribe, a join link. */
  async function emailLinks(messagePath: string): Promise<string[]> {
    await ownerPage.goto(`${server.url}${messagePath}`);
    return ownerPage.frameLocator('iframe.email-preview').locator('a[href]').evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href));
  }

  it('prepares one example of every page kind in the demo', { timeout: 120_000 }, async () => {
    ids.customer = await firstLink('/app/customers');
    ids.campaignOpen = await ownerPage.goto(`${server.url}/app/campaigns`).then(async () => {
      const href = await ownerPage.locator('main table tbody tr', { hasText: /Offen/ }).locator('th a').first().getAttribute('href');
      return new URL(href!, `${server.url}/app/campaigns/`).pathname;
    });
    ids.flag = await firstLink('/app/flags');
    ids.survey = await firstLink('/app/surveys', 'main a[href^="/app/surveys/"]');

    // The question kinds the demo's survey lacks: a single and a multiple choice question (a new version).
    for (const [kind, de, en] of [
      ['Einfachauswahl', 'Wie haben Sie von uns erfahren?', 'How did you hear about us?'],
      ['Mehrfachauswahl', 'Welche Leistungen nutzen Sie?', 'Which services do you use?'],
    ] as const) {
      await ownerPage.goto(`${server.url}${ids.survey}/questions/new`);
      await waitForHydration(ownerPage);
      await ownerPage.getByLabel(kind, { exact: true }).check();
      await ownerPage.getByLabel('Frage auf Deutsch').fill(de);
      await ownerPage.getByLabel('Frage auf Englisch').fill(en);
      for (const [index, [optionDe, optionEn]] of [['Empfehlung', 'Recommendation'], ['Internet', 'Internet']].entries()) {
        await ownerPage.getByLabel(`Antwort ${index + 1}, Deutsch`).fill(optionDe!);
        await ownerPage.getByLabel(`Antwort ${index + 1}, Englisch`).fill(optionEn!);
      }
      await Promise.all([ownerPage.waitForURL(/saved=\d+$/), ownerPage.getByRole('button', { name: 'Frage speichern' }).click()]);
    }
    ids.question = await firstLink(ids.survey, 'main a[href*="/questions/q"]');

    // A draft campaign (its page and its edit form).
    await ownerPage.goto(`${server.url}/app/campaigns/new`);
    await waitForHydration(ownerPage);
    await ownerPage.locator('input[name="name"]').fill('Barrierefreiheit');
    await Promise.all([ownerPage.waitForURL(/\/app\/campaigns\/[0-9a-f-]{36}\?notice=created$/), ownerPage.locator('main form button[type="submit"]').first().click()]);
    ids.campaignDraft = new URL(ownerPage.url()).pathname;

    // An upload waiting for confirmation.
    await ownerPage.goto(`${server.url}/app/customers/import`);
    await waitForHydration(ownerPage);
    const csv = 'Kundennummer;E-Mail;Name;Firma;Stufe\r\nAX-1;axe.eins@a11y.example;Alex Eins;Eins GmbH;A\r\nAX-2;axe.zwei@a11y.example;Bea Zwei;Zwei GmbH;C\r\n';
    await ownerPage.locator('input#file').setInputFiles({ name: 'a11y.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await Promise.all([ownerPage.waitForURL(/\/app\/customers\/import\/[0-9a-f-]{36}$/), ownerPage.locator('main form button[type="submit"]').first().click()]);
    ids.importJob = new URL(ownerPage.url()).pathname;

    // A team invitation, for the join page.
    await ownerPage.goto(`${server.url}/app/settings/members`);
    await waitForHydration(ownerPage);
    const inviteForm = ownerPage.getByRole('region', { name: 'Teammitglied einladen' });
    await inviteForm.locator('input[name="email"]').fill('barrierefrei@muster-beratung.example');
    await inviteForm.getByRole('button', { name: 'Einladung senden' }).click();
    await ownerPage.getByRole('status').waitFor();

    // Outbox: the team invitation and reminders of the open campaign (German and English).
    await ownerPage.goto(`${server.url}/app/outbox`);
    const rowLink = async (text: string | RegExp) => {
      const href = await ownerPage.locator('main table tbody tr', { hasText: text }).first().locator('th a').getAttribute('href');
      return new URL(href!, `${server.url}/app/outbox/`).pathname;
    };
    ids.messageTeam = await rowLink('Team-Einladung');
    ids.join = new URL((await emailLinks(ids.messageTeam)).find((href) => href.includes('/join/'))!).pathname;
    // A German and an English customer with a reminder who have not started the survey (some answered after the reminder).
    const probe = await anonymousPage('de', { javaScriptEnabled: false });
    for (const [language, subject] of [['De', 'Erinnerung: Würden Sie'], ['En', 'Reminder: would you miss']] as const) {
      // The outbox pages by 100: its search finds the reminders.
      await ownerPage.goto(`${server.url}/app/outbox?q=${encodeURIComponent(subject)}`);
      const reminders = await ownerPage
        .locator('main table tbody tr', { hasText: subject })
        .locator('th a')
        .evaluateAll((links) => links.map((link) => link.getAttribute('href')!));
      for (const href of reminders) {
        const message = new URL(href, `${server.url}/app/outbox/`).pathname;
        const links = await emailLinks(message);
        const survey = new URL(links.find((link) => /\/s\/[\w-]{43}$/.test(link))!).pathname;
        // Opening the link records nothing, so looking is harmless.
        await probe.goto(`${server.url}${survey}`);
        // Not started yet: the page opens at the first step.
        const progress = probe.locator('#survey-progress-label');
        if ((await progress.count()) === 0 || !/^(Schritt|Step) 1 /.test((await progress.textContent()) ?? '')) continue;
        ids[`messageReminder${language}`] = message;
        ids[`survey${language}`] = survey;
        ids[`unsubscribe${language}`] = new URL(links.find((link) => link.includes('/u/'))!).pathname;
        break;
      }
    }
    await probe.context().close();
    for (const [key, value] of Object.entries(ids)) expect(value, key).toMatch(/^\/[\w/.-]+$/);
  });

  /**
   * Every page route of the build with the staff URLs that show it to the owner; null for the
   * public and customer pages, which the tests below open without a session.
   */
  function pageCases(): Record<string, string[] | null> {
    const survey = ids.survey!;
    return {
      '/login': null,
      '/signup': null,
      '/join/:token': null,
      '/password/forgot': null,
      '/password/reset/:token': null,
      '/u/:token': null,
      '/verify-email/:token': null,
      '/app': ['/app'],
      // Unknown staff pages: checked below with the other error pages (404).
      '/app/*': null,
      '/app/customers': ['/app/customers', '/app/customers?q=zzzz-niemand'],
      '/app/customers/:customerId': [ids.customer!],
      '/app/customers/:customerId/erase': [`${ids.customer}/erase`],
      '/app/customers/import': ['/app/customers/import'],
      '/app/customers/import/:jobId': [ids.importJob!],
      '/app/customers/tiers': ['/app/customers/tiers'],
      '/app/surveys': ['/app/surveys'],
      '/app/surveys/:surveyId': [survey],
      '/app/surveys/:surveyId/questions/:key': [ids.question!, `${survey}/questions/new`],
      '/app/surveys/:surveyId/preview': [
        // The core steps, the custom questions' step, the last question.
        ...[0, 1, 2, 3, 4, 5].map((step) => `${survey}/preview?step=${step}`),
        `${survey}/preview?step=4&lang=en`,
        `${survey}/preview?page=thanks`,
        `${survey}/preview?page=closed`,
      ],
      '/app/campaigns': ['/app/campaigns'],
      '/app/campaigns/new': ['/app/campaigns/new'],
      '/app/campaigns/:campaignId': [ids.campaignOpen!, ids.campaignDraft!],
      '/app/campaigns/:campaignId/edit': [`${ids.campaignDraft}/edit`],
      '/app/outbox': ['/app/outbox'],
      '/app/outbox/:messageId': [ids.messageTeam!, ids.messageReminderDe!],
      '/app/results': ['/app/results'],
      '/app/results/verbatims': ['/app/results/verbatims'],
      '/app/results/fit': ['/app/results/fit'],
      '/app/results/plan': ['/app/results/plan', '/app/results/plan?tier=A'],
      '/app/flags': ['/app/flags', '/app/flags?status=all'],
      '/app/flags/:flagId': [ids.flag!],
      '/app/settings': ['/app/settings'],
      '/app/settings/members': ['/app/settings/members'],
      '/app/settings/api-keys': ['/app/settings/api-keys'],
      '/app/settings/webhooks': ['/app/settings/webhooks'],
      '/app/settings/api-reference': ['/app/settings/api-reference'],
      '/app/settings/suppressions': ['/app/settings/suppressions'],
      '/app/settings/tiers': ['/app/settings/tiers'],
      '/app/settings/flags': ['/app/settings/flags'],
      '/app/settings/themes': ['/app/settings/themes'],
      '/app/settings/contact': ['/app/settings/contact'],
    };
  }

  it('reports a violation when a page has one (the check itself works)', async () => {
    const page = await anonymousPage('de');
    // A page without client-side React (the survey's not-found page): on a
    // hydrated page, React could replace the injected field while it hydrates.
    await page.goto(`${server.url}/s/not-a-survey-link`);
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<input type="text" name="unlabelled">'));
    expect(await page.locator('input[name="unlabelled"]').count()).toBe(1);
    const violations = await axeViolations(page);
    await page.context().close();
    expect(violations.map((violation) => violation.id)).toContain('label');
  });

  it('has a case for every page route of the build', async () => {
    expect(Object.keys(pageCases()).sort()).toEqual(await pageRoutes());
  });

  for (const language of ['de', 'en'] as const) {
    it(`finds no violations on the staff pages in ${language === 'de' ? 'German' : 'English'}`, { timeout: 180_000 }, async () => {
      if (language === 'en') {
        // The member's own language setting decides the staff pages' language.
        await ownerPage.goto(`${server.url}/app/settings`);
        await waitForHydration(ownerPage);
        await ownerPage.getByLabel('English').check();
        // The profile page also has "sign out everywhere": press the language form's own button.
        await Promise.all([ownerPage.waitForURL(/saved=1/), ownerPage.getByRole('button', { name: 'Speichern', exact: true }).click()]);
      }
      const failures: string[] = [];
      // Two tabs of the owner's session take turns on the list: axe runs in one while the other loads.
      const paths = Object.values(pageCases()).flatMap((cases) => cases ?? []);
      const secondTab = await ownerContext.newPage();
      await Promise.all(
        [ownerPage, secondTab].map(async (tab) => {
          for (let path = paths.shift(); path !== undefined; path = paths.shift()) {
            const failure = await checkStaffPage(tab, path);
            if (failure) failures.push(failure);
          }
        }),
      );
      await secondTab.close();
      expect(await ownerPage.locator('html').getAttribute('lang')).toBe(language);

      // Error pages inside the staff area: an unknown customer, an unknown page, a page marketing may not open.
      for (const path of ['/app/customers/00000000-0000-0000-0000-000000000000', '/app/no-such-page']) {
        const failure = await checkStaffPage(ownerPage, path, 404);
        if (failure) failures.push(failure);
      }
      const marketingPage = await anonymousPage(language);
      await logIn(marketingPage, server.url, marketing.email, marketing.password);
      const forbidden = await checkStaffPage(marketingPage, '/app/settings/members', 403);
      if (forbidden) failures.push(forbidden);
      await marketingPage.context().close();

      expect(failures, failures.join('\n\n')).toEqual([]);
    });

    it(`finds no violations on the public pages in ${language === 'de' ? 'German' : 'English'}`, { timeout: 120_000 }, async () => {
      const page = await anonymousPage(language);
      const failures: string[] = [];
      const visit = async (path: string, status: number, name = path) => {
        const response = await page.goto(`${server.url}${path}`);
        expect(response?.status(), path).toBe(status);
        await page.locator('main h1, h1').first().waitFor();
        const failure = await check(page, name);
        if (failure) failures.push(failure);
      };
      for (const path of ['/login', '/signup', ids.join!, '/password/forgot']) {
        await visit(path, 200);
        await waitForHydration(page);
        // The same page with the errors of an empty form, sent past the browser's own checks.
        await page.evaluate(() => document.querySelectorAll('main form').forEach((form) => form.setAttribute('novalidate', '')));
        await page.locator('main form button[type="submit"]').first().click();
        await page.locator('[aria-invalid="true"]').first().waitFor();
        const failure = await check(page, `${path} with errors`);
        if (failure) failures.push(failure);
      }
      // A reset asked for: the page that says the email is on its way.
      await page.goto(`${server.url}/password/forgot`);
      await waitForHydration(page);
      await page.locator('input[name="email"]').fill(owner.email);
      await page.locator('main form button[type="submit"]').click();
      await page.locator('main [role="status"]').waitFor();
      const sent = await check(page, '/password/forgot sent');
      if (sent) failures.push(sent);

      await visit('/no/such/page', 404);
      // A reset link is mailed to the person, not to a workspace's outbox, so only its "link not valid" page is reachable here.
      await visit(`/password/reset/${'x'.repeat(43)}`, 404);
      await visit(`/join/${'x'.repeat(43)}`, 404);
      await visit(`/s/${'x'.repeat(43)}`, 404);
      await visit(`/u/${'x'.repeat(43)}`, 404);
      // A verification link goes to a new owner's own inbox; here only its "link not valid" page is reachable.
      await visit(`/verify-email/${'x'.repeat(43)}`, 404);
      await page.context().close();
      expect(failures, failures.join('\n\n')).toEqual([]);
    });
  }

  // axe needs scripts, so the customer pages are checked with JavaScript on. Without it they are the
  // same HTML (survey.js only adds checks before sending); answering without JavaScript is in the journeys.
  it('finds no violations on the survey steps, the thank-you page and the unsubscribe page, in both languages', { timeout: 180_000 }, async () => {
    const failures: string[] = [];
    const record = async (page: Page, name: string) => {
      const failure = await check(page, name);
      if (failure) failures.push(failure);
    };
    // A German customer answers in German and looks at the answers in English; the other way round for an English one.
    for (const [first, second] of [['De', 'en'], ['En', 'de']] as const) {
      const page = await anonymousPage(first === 'De' ? 'de' : 'en', { phone: true });
      const survey = `${server.url}${ids[`survey${first}`]}`;
      // Steps are counted from 0 in the URL.
      await page.goto(`${survey}?step=0`);
      await page.locator('#survey-progress-label').waitFor();
      const total = Number((await page.locator('#survey-progress-label').textContent())!.match(/(\d+)\D*$/)![1]);
      // The required first question left out: the errors the page shows before anything is sent.
      await page.locator('form button[value="next"]').click();
      await page.locator('[role="alert"]').first().waitFor();
      await record(page, `survey step 1 with an error (${first})`);
      for (let step = 1; step <= total; step++) {
        await page.goto(`${survey}?step=${step - 1}`);
        if (step === 1) await page.locator('input[type="radio"]').first().check();
        await record(page, `survey step ${step} (${first})`);
        await page.locator('form button[value="next"]').click();
        if (step < total) await page.locator('#survey-progress-label', { hasText: new RegExp(`${step + 1}\\D+${total}`) }).waitFor();
      }
      await page.getByRole('link', { name: first === 'De' ? 'Meine Antworten ändern' : 'Change my answers' }).waitFor();
      await record(page, `thank-you page (${first})`);
      // The same pages in the other language, switched on the page.
      await page.locator(`a[hreflang="${second}"]`).click();
      await page.locator(`.survey[lang="${second}"]`).waitFor();
      await record(page, `thank-you page (${first}→${second})`);
      // The choice travels in the links and forms of the survey (there is no cookie), so the URL carries it here.
      for (let step = 1; step <= total; step++) {
        await page.goto(`${survey}?lang=${second}&step=${step - 1}`);
        await page.locator('#survey-progress-label').waitFor();
        expect(await page.locator('.survey').getAttribute('lang')).toBe(second);
        await record(page, `survey step ${step} (${first}→${second})`);
      }
      await page.context().close();
    }

    // Unsubscribe: the question (German and English customers), then the confirmation.
    for (const language of ['De', 'En'] as const) {
      const page = await anonymousPage(language === 'De' ? 'de' : 'en', { phone: true });
      await page.goto(`${server.url}${ids[`unsubscribe${language}`]}`);
      await page.locator('main form button').waitFor();
      await record(page, `unsubscribe question (${language})`);
      await page.locator('main form button').click();
      await page.locator('main [role="status"]').waitFor();
      await record(page, `unsubscribed (${language})`);
      await page.context().close();
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  it('finds no violations on the page of a closed survey', { timeout: 60_000 }, async () => {
    await ownerPage.goto(`${server.url}${ids.campaignOpen}`);
    await waitForHydration(ownerPage);
    await ownerPage.locator('main form button[name="intent"][value="close"]').click();
    await ownerPage.locator('main [role="status"]').waitFor();
    const failures: string[] = [];
    for (const language of ['De', 'En'] as const) {
      const page = await anonymousPage(language === 'De' ? 'de' : 'en', { phone: true });
      const response = await page.goto(`${server.url}${ids[`survey${language}`]}`);
      expect(response?.status()).toBeLessThan(500);
      const heading = language === 'De' ? 'Vielen Dank, diese Umfrage ist beendet' : 'Thank you, this survey is closed';
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      const failure = await check(page, `closed survey (${language})`);
      if (failure) failures.push(failure);
      await page.context().close();
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  });
});
