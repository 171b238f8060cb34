import { existsSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { surveys } from '../../db/schema';
import { axeViolations, describeViolations, launchBrowser, screenshot } from '../e2e/support';
import { startTestApp } from '../support/app';
import { createTestDatabase, testDriver } from '../support/db';
import { PASSWORD } from '../support/fixtures';
import { createSurveyWorkspace, everyKindDefinition, inviteCustomer, responseOf, setCampaign, type SurveyWorkspace } from '../support/survey-fixtures';

// The customer's survey in real Chromium at a phone's size, with JavaScript
// off and on: answering, leaving and resuming, going back, changing an
// answer; axe-core (WCAG 2.1 A/AA) on every page a customer or the staff
// editor reaches. The browser does not depend on the database, so this runs
// on PGlite only; without Chromium it is skipped.

const chromiumPath = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const phone = { viewport: { width: 390, height: 844 }, locale: 'de-DE', bypassCSP: true };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let browser: Browser;
let workspace: SurveyWorkspace;

describe.skipIf(!chromiumPath || testDriver !== 'pglite')('the survey in a browser', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    [app, browser] = await Promise.all([startTestApp(database), launchBrowser(chromiumPath!)]);
    workspace = await createSurveyWorkspace(database.db, {
      name: 'Müller & Partner',
      definition: everyKindDefinition,
      tierLabels: ['ZZ-PLATIN-7', 'YY-GOLD-5', 'XX-BASIS-3'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.dispose();
  });

  /** axe on the page as it is; pages without JavaScript are checked again with it (the same HTML, no scripts either way). */
  async function expectAccessible(page: Page, name: string) {
    await screenshot(page, `survey-${name}`);
    let target = page;
    let extra: BrowserContext | undefined;
    if (name.startsWith('nojs')) {
      extra = await browser.newContext(phone);
      target = await extra.newPage();
      await target.goto(page.url());
    }
    const violations = await axeViolations(target);
    const html = await target.content();
    await extra?.close();
    expect(violations, `${name}\n${describeViolations(violations)}`).toEqual([]);
    expect(html, name).not.toMatch(/PLATIN|GOLD-5|BASIS-3/);
  }

  async function nextStep(page: Page, button = 'Weiter') {
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).click()]);
    // Browsers post from a no-referrer page with `Origin: null`; the HTTP layer must let that through on /s/.
    expect(response?.status(), `${button}: ${await page.locator('body').innerText()}`).toBeLessThan(400);
  }

  for (const javaScriptEnabled of [false, true]) {
    const mode = javaScriptEnabled ? 'js' : 'nojs';
    it(`is answered completely ${javaScriptEnabled ? 'with' : 'without'} JavaScript, with a break, a step back and a changed answer`, { timeout: 120_000 }, async () => {
      const customer = await inviteCustomer(database.db, workspace, { locale: 'de' });
      const context = await browser.newContext({ ...phone, javaScriptEnabled });
      const page = await context.newPage();
      const url = app.base + customer.path;
      const posts: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST') posts.push(request.url());
      });

      // The one-click link from the email: selected, not saved.
      await page.goto(`${url}?answer=very`);
      expect(await page.getByLabel('Sehr enttäuscht').isChecked()).toBe(true);
      await expectAccessible(page, `${mode}-one-click`);
      expect(await responseOf(database.db, customer.invitation.id)).toBeNull();
      await nextStep(page);
      expect((await responseOf(database.db, customer.invitation.id))!.missUs).toBe('very');

      await page.getByLabel(/Was würden Sie am meisten vermissen/).fill('Die Beratung');
      await expectAccessible(page, `${mode}-step-2`);
      await nextStep(page);

      // Leave half-way and open the link again.
      const later = await context.newPage();
      await later.goto(url);
      expect(await later.locator('#survey-progress-label').textContent()).toBe('Schritt 3 von 7');
      await later.close();

      await page.getByRole('group', { name: /wertgeschätzt/ }).getByLabel(/^4/).check();
      await page.getByRole('group', { name: /so gut behandelt/ }).getByLabel(/^2/).check();
      await expectAccessible(page, `${mode}-step-3`);
      await nextStep(page, 'Zurück');
      expect(await page.getByLabel(/Was würden Sie am meisten vermissen/).inputValue()).toBe('Die Beratung');
      await nextStep(page);
      expect(await page.getByRole('group', { name: /wertgeschätzt/ }).getByLabel(/^4/).isChecked()).toBe(true);
      await nextStep(page);

      await page.getByRole('group', { name: /empfehlen/ }).getByLabel(/^9/).check();
      // The script: a choice made by tapping the step's last question moves focus to "Next" (nothing is sent).
      const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
      if (javaScriptEnabled) expect(focused).toBe('Weiter');
      else expect(focused).not.toBe('Weiter');
      if (javaScriptEnabled) {
        // From the keyboard the focus stays in the group: arrow keys change the choice on the way.
        await page.getByRole('group', { name: /empfehlen/ }).getByLabel(/^9/).focus();
        await page.keyboard.press('ArrowLeft');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-recommend-8');
        await page.getByRole('group', { name: /empfehlen/ }).getByLabel(/^9/).check();
      }
      expect(page.url()).toMatch(/step=3$/);
      await expectAccessible(page, `${mode}-step-4`);
      await nextStep(page);

      // A required question left empty: the browser (without JavaScript) or the
      // page's script keeps the customer on the step; nothing is sent.
      const postsBefore = posts.length;
      await page.getByRole('button', { name: 'Weiter', exact: true }).click();
      expect(page.url()).toMatch(/step=4$/);
      if (javaScriptEnabled) {
        // The script's check: the server's texts, tied to the field, focus on it.
        await page.getByText('Bitte prüfen Sie Ihre Antworten:').waitFor();
        const first = page.getByRole('group', { name: /erfahren/ }).getByLabel('Empfehlung');
        expect(await first.getAttribute('aria-invalid')).toBe('true');
        expect(await first.getAttribute('aria-describedby')).toContain('q1-error');
        expect(await page.locator('#q1-error').textContent()).toBe('Bitte beantworten Sie diese Frage.');
        expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-q1-o1');
        // The optional multiple-choice question is not flagged.
        expect(await page.getByRole('group', { name: /Leistungen/ }).getByLabel('Wartung').getAttribute('aria-invalid')).toBeNull();
        await expectAccessible(page, `${mode}-step-5-errors`);
      }
      expect(posts.length).toBe(postsBefore);
      await page.getByRole('group', { name: /erfahren/ }).getByLabel('Empfehlung').check();
      await page.getByRole('group', { name: /Leistungen/ }).getByLabel('Wartung').check();
      await expectAccessible(page, `${mode}-step-5`);
      await nextStep(page);
      await page.getByRole('group', { name: /Preise/ }).getByLabel(/^7/).check();
      await nextStep(page);
      await page.getByLabel(/besser machen/).fill('Schneller zurückrufen');
      // The script counts characters as they are typed; without it the hint states the limit.
      expect(await page.locator('#improve-hint').textContent()).toBe(javaScriptEnabled ? '21 von 5.000 Zeichen verwendet.' : 'Bis zu 5.000 Zeichen.');
      await expectAccessible(page, `${mode}-step-7`);
      if (javaScriptEnabled) {
        // A double tap on the last button sends the answers once.
        const sent = posts.length;
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Antworten senden', exact: true }).dblclick()]);
        expect(posts.length - sent).toBe(1);
      } else {
        await nextStep(page, 'Antworten senden');
      }
      await page.getByRole('heading', { name: 'Vielen Dank!' }).waitFor();
      await expectAccessible(page, `${mode}-thanks`);

      // Change an answer after completing.
      await page.getByRole('link', { name: 'Meine Antworten ändern' }).click();
      await page.getByLabel('Etwas enttäuscht').check();
      await nextStep(page, 'Speichern und abschließen');
      await page.getByRole('heading', { name: 'Vielen Dank!' }).waitFor();
      await page.getByRole('link', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Thank you!' }).waitFor();

      const saved = await responseOf(database.db, customer.invitation.id);
      expect(saved).toMatchObject({ status: 'completed', missUs: 'somewhat', missMost: 'Die Beratung', treatValued: 4, treatEqual: 2, recommend: 9 });
      expect(saved!.custom).toEqual({ q1: 'o1', q2: ['o2'], q4: 7 });
      await context.close();
    });
  }

  it('runs the survey script under the page’s own Content-Security-Policy', { timeout: 60_000 }, async () => {
    const customer = await inviteCustomer(database.db, workspace, { locale: 'de' });
    const context = await browser.newContext({ ...phone, bypassCSP: false });
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });
    await page.goto(app.base + customer.path);
    // The script takes over the check of required answers once it has run.
    await page.waitForFunction(() => document.querySelector<HTMLFormElement>('form.survey-form')?.noValidate === true);
    expect(refused).toEqual([]);
    await context.close();
  });

  it('shows accessible not-found and closed pages', { timeout: 60_000 }, async () => {
    const context = await browser.newContext(phone);
    const page = await context.newPage();
    await page.goto(`${app.base}/s/${'x'.repeat(43)}`);
    await page.getByRole('heading', { name: 'Umfrage nicht gefunden' }).waitFor();
    await expectAccessible(page, 'not-found');
    const closed = await createSurveyWorkspace(database.db, { name: 'Closed Co' });
    const customer = await inviteCustomer(database.db, closed, { locale: 'de' });
    await setCampaign(database.db, closed.campaign.id, { status: 'closed' });
    await page.goto(app.base + customer.path);
    await page.getByRole('heading', { name: 'Vielen Dank, diese Umfrage ist beendet' }).waitFor();
    await expectAccessible(page, 'closed');
    await context.close();
  });

  it('keeps the staff survey pages accessible', { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${app.base}/login`);
    await page.getByLabel('Email').fill(workspace.owner.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/app$/), page.getByRole('button', { name: 'Log in' }).click()]);
    const [survey] = await database.db.select().from(surveys).where(eq(surveys.workspaceId, workspace.workspaceId));
    const base = `/app/surveys/${survey!.id}`;
    for (const [name, path] of [
      ['list', '/app/surveys'],
      ['editor', base],
      ['question', `${base}/questions/q1`],
      ['preview', `${base}/preview?step=4`],
      ['new-question', `${base}/questions/new`],
    ] as const) {
      await page.goto(app.base + path);
      const violations = await axeViolations(page);
      await screenshot(page, `survey-staff-${name}`);
      expect(violations, `${name}\n${describeViolations(violations)}`).toEqual([]);
    }
    // Sent without texts: the errors appear next to their fields, accessibly.
    await page.getByRole('button', { name: 'Save question' }).click();
    await page.getByText('Please fill in this field.').first().waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Question in German').fill('Wie oft?');
    await page.getByLabel('Question in English').fill('How often?');
    await page.getByLabel('Scale 0–10').check();
    await Promise.all([page.waitForURL(/saved=2$/), page.getByRole('button', { name: 'Save question' }).click()]);
    await context.close();
  });
});
