import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { confirmEmailFromOutbox, fieldError, launchBrowser, logIn, screenshot, startServer, waitForHydration, waitForStaffArea, type RunningServer } from './support';

const chromiumPath = inject('chromiumPath');

// A new company signs up on an instance without demo data, logs out and in again.
describe.skipIf(!chromiumPath)('signing up a new workspace', () => {
  let server: RunningServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const account = {
    workspaceName: 'Beispiel Steuerberatung',
    name: 'Clara Beispiel',
    email: 'clara@beispiel-steuer.example',
    password: 'richtig-langes-passwort',
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: false }), launchBrowser(chromiumPath)]);
    context = await browser.newContext({ locale: 'de-DE' });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows field errors for an empty form without sending it', async () => {
    await page.goto(`${server.url}/signup`);
    await waitForHydration(page);
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });

    await page.getByRole('button', { name: 'Arbeitsbereich anlegen' }).click();

    for (const name of ['workspaceName', 'name', 'email', 'password']) {
      await page.locator(`input[name="${name}"][aria-invalid="true"]`).waitFor();
    }
    expect(await fieldError(page, 'email')).toBe('Bitte füllen Sie dieses Feld aus.');
    expect(await fieldError(page, 'password')).toBe('Bitte füllen Sie dieses Feld aus.');
    expect(new URL(page.url()).pathname).toBe('/signup');
    expect(posts).toEqual([]);
  });

  it('rejects an invalid email address', async () => {
    await page.locator('input[name="workspaceName"]').fill(account.workspaceName);
    await page.locator('input[name="name"]').fill(account.name);
    await page.locator('input[name="email"]').fill('clara-at-beispiel');
    await page.locator('input[name="password"]').fill(account.password);
    await page.getByRole('button', { name: 'Arbeitsbereich anlegen' }).click();

    await page.locator('input[name="email"][aria-invalid="true"]').waitFor();
    expect(await fieldError(page, 'email')).toBe('Bitte geben Sie eine gültige E-Mail-Adresse ein.');
    // The other fields are now valid.
    for (const name of ['workspaceName', 'name', 'password']) {
      expect(await page.locator(`input[name="${name}"]`).getAttribute('aria-invalid')).toBeNull();
    }
    expect(new URL(page.url()).pathname).toBe('/signup');
  });

  it('says to check the inbox, without signing in, and the same for an address that has an account', async () => {
    await page.locator('input[name="email"]').fill(account.email);
    await page.getByRole('button', { name: 'Arbeitsbereich anlegen' }).click();
    const status = page.locator('main [role="status"]');
    await status.waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sehen Sie in Ihr Postfach');
    const answer = await status.textContent();
    expect(answer).toContain(`Wir haben eine E-Mail an ${account.email} geschickt.`);
    await screenshot(page, 'signup-check-inbox');

    // The same form again, for the address that now has an account: the same answer, and still nobody signed in.
    await page.goto(`${server.url}/signup`);
    await waitForHydration(page);
    for (const [name, value] of Object.entries(account)) await page.locator(`input[name="${name}"]`).fill(value);
    await page.getByRole('button', { name: 'Arbeitsbereich anlegen' }).click();
    await page.locator('main [role="status"]').waitFor();
    expect(await page.locator('main [role="status"]').textContent()).toBe(answer);
    await page.goto(`${server.url}/app`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('logs in to the empty workspace and confirms the address through the link in the outbox', async () => {
    await logIn(page, server.url, account.email, account.password);
    await page.getByRole('heading', { name: 'Ihr Arbeitsbereich ist bereit' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Willkommen bei ${account.workspaceName}`);
    expect(await page.locator('.workspace-name').textContent()).toBe(account.workspaceName);
    // The new member owns the workspace, so the owner-only outbox is in the navigation.
    expect(await page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Postausgang' }).count()).toBe(1);
    await screenshot(page, 'signup-empty-state');

    await confirmEmailFromOutbox(page, server.url);
    expect(await page.locator('main').textContent()).toContain('Ihre E-Mail-Adresse ist bestätigt.');
    await page.getByRole('link', { name: 'Zu Wouldmiss' }).click();
    await waitForStaffArea(page);
  });

  it('logs out and back in with the new account', async () => {
    await Promise.all([page.waitForURL(`${server.url}/login`), page.getByRole('button', { name: 'Abmelden' }).click()]);

    // The session is really gone: the staff area sends us back to the login.
    await page.goto(`${server.url}/app`);
    expect(page.url()).toBe(`${server.url}/login?redirectTo=%2Fapp`);

    await logIn(page, server.url, account.email, account.password);
    await page.getByRole('heading', { name: 'Ihr Arbeitsbereich ist bereit' }).waitFor();
  });

  it('refuses a wrong password', async () => {
    await Promise.all([page.waitForURL(`${server.url}/login`), page.getByRole('button', { name: 'Abmelden' }).click()]);
    await waitForHydration(page);
    await page.locator('input[name="email"]').fill(account.email);
    await page.locator('input[name="password"]').fill('falsches-passwort');
    await page.getByRole('button', { name: 'Anmelden', exact: true }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('E-Mail-Adresse oder Passwort ist falsch.');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.goto(`${server.url}/app`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('checks the login form on the server and ties its errors to the fields', async () => {
    await page.goto(`${server.url}/login`);
    await waitForHydration(page);
    const posts: string[] = [];
    const onRequest = (request: { method(): string; url(): string }) => {
      if (request.method() === 'POST') posts.push(new URL(request.url()).pathname);
    };
    page.on('request', onRequest);
    try {
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await page.locator('input[name="password"][aria-invalid="true"]').waitFor();
      expect(await fieldError(page, 'email')).toBe('Bitte füllen Sie dieses Feld aus.');
      expect(await fieldError(page, 'password')).toBe('Bitte füllen Sie dieses Feld aus.');

      await page.locator('input[name="email"]').fill('clara-at-beispiel');
      await page.locator('input[name="password"]').fill(account.password);
      await page.getByRole('button', { name: 'Anmelden', exact: true }).click();
      await expect.poll(() => fieldError(page, 'email')).toBe('Bitte geben Sie eine gültige E-Mail-Adresse ein.');
      expect(await page.locator('input[name="email"]').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('input[name="password"]').getAttribute('aria-invalid')).toBeNull();
      expect(await fieldError(page, 'password')).toBe('');
      // The browser does not validate (zod stays out of the page's JavaScript): both forms went to the server.
      expect(posts).toEqual(['/login', '/login']);
      expect(new URL(page.url()).pathname).toBe('/login');
    } finally {
      page.off('request', onRequest);
    }
  });

  it('answers in English for an English browser', async () => {
    const english = await browser.newContext({ locale: 'en-US' });
    try {
      const englishPage = await english.newPage();
      await englishPage.goto(`${server.url}/login`);
      await waitForHydration(englishPage);
      expect(await englishPage.locator('html').getAttribute('lang')).toBe('en');
      await englishPage.locator('input[name="email"]').fill(account.email);
      await englishPage.locator('input[name="password"]').fill('wrong-password');
      await englishPage.getByRole('button', { name: 'Log in', exact: true }).click();
      const alert = englishPage.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toBe('Email or password is wrong.');
    } finally {
      await english.close();
    }
  });
});
