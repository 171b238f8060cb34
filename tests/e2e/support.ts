import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234. */
  url: string;
  /** Everything the server printed so far (for failure messages). */
  output: () => string;
  stop: () => Promise<void>;
}

/** Asks the OS for a free port by listening on port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('No free port found'))));
    });
  });
}

const READY_TIMEOUT_MS = 90_000;

/**
 * Starts the built app the way `npm start` does (`tsx app/server.ts`), on its
 * own embedded database in a temporary folder and a free port. The folder is a
 * copy of one made in the global setup (migrated; with the demo when `seedDemo`),
 * unless `freshData` asks the server to create the database itself, as on a
 * first `npm start`. DATABASE_URL is dropped so these tests never touch a shared
 * PostgreSQL. `env` adds or overrides variables (e.g. a slower send rate).
 */
export async function startServer({
  seedDemo,
  freshData = false,
  env: extraEnv = {},
}: {
  seedDemo: boolean;
  freshData?: boolean;
  env?: Record<string, string>;
}): Promise<RunningServer> {
  const tempDir = mkdtempSync(path.join(tmpdir(), 'wouldmiss-e2e-'));
  const templates = inject('e2eDataTemplates');
  if (!freshData && templates) cpSync(seedDemo ? templates.demo : templates.empty, path.join(tempDir, 'data'), { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  // vitest sets NODE_ENV=test; the server should run as it does in production.
  Object.assign(env, {
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    APP_URL: url,
    // The lock file sits next to the data folder, so both live inside tempDir.
    DATA_DIR: path.join(tempDir, 'data'),
    DEMO_SEED: seedDemo ? 'true' : 'false',
    ...extraEnv,
  });

  // A process group of its own, so stop() also ends the node process tsx starts.
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['app/server.ts'], {
    cwd: root,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const cleanUp = async () => {
    await stopProcessGroup(child, exited);
    rmSync(tempDir, { recursive: true, force: true });
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`The server did not get ready within ${READY_TIMEOUT_MS / 1000} s. Its output:\n${output}`)),
        READY_TIMEOUT_MS,
      );
      const onData = () => {
        if (output.includes('is ready at')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`The server exited (code ${code}, signal ${signal}) before it was ready. Its output:\n${output}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`The server could not be started: ${error.message}`));
      });
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }

  return { url, output: () => output, stop: cleanUp };
}

async function stopProcessGroup(child: ChildProcess, exited: Promise<void>) {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // The group is already gone.
    }
  };
  signalGroup('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!stopped) {
    signalGroup('SIGKILL');
    await exited;
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Headless Chromium with the flags that keep it quiet on a closed network. */
export function launchBrowser(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const screenshotDir = path.join(root, 'test-results', 'screenshots');

/** Saves a full-page screenshot as test-results/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: string[]; html: string; failureSummary?: string }>;
}

const axeSource = readFileSync(path.join(root, 'node_modules/axe-core/axe.min.js'), 'utf8');
const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page as it is now and returns its WCAG 2.1 A/AA
 * violations. The app's CSP only runs scripts that carry its nonce, so
 * addScriptTag fails unless the context was created with `bypassCSP: true`.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  try {
    await page.addScriptTag({ content: axeSource });
  } catch (error) {
    throw new Error(`axe-core could not be injected; create the context with bypassCSP: true.\n${String(error)}`);
  }
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target, html: node.html, failureSummary: node.failureSummary })),
    }));
  }, wcagTags);
}

/** A readable summary of axe violations for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}  ${n.html}`).join('\n')}`)
    .join('\n');
}

/**
 * Waits until React has hydrated the page's <main>, so that client-side
 * validation (Conform) and client navigation are active. React marks the DOM
 * nodes it has claimed with `__reactProps$…` keys; there is no public signal.
 */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const main = document.querySelector('main');
    return main !== null && Object.keys(main).some((key) => key.startsWith('__reactProps$'));
  });
}

/** The visible error text of a form field (the element its aria-describedby names with "-error"), or ''. */
export function fieldError(page: Page, name: string): Promise<string> {
  return page.locator(`[name="${name}"]`).evaluate((input) => {
    const ids = (input.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((id) => id.endsWith('-error'));
    return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
  });
}

/**
 * Waits until the staff area (top bar, navigation, page) is rendered. After a
 * client-side navigation the URL changes a moment before the new page is on
 * screen, so waiting for the URL alone is not enough.
 */
export async function waitForStaffArea(page: Page): Promise<void> {
  await page.locator('.shell header.topbar').waitFor();
  await page.locator('.shell main h1').first().waitFor();
}

/** Logs in on /login and waits for the staff area's overview. */
export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await waitForHydration(page);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([page.waitForURL(`${baseUrl}/app`), page.locator('main button[type="submit"]').click()]);
  await waitForStaffArea(page);
}

/**
 * Collects what goes wrong on a page: uncaught errors (React's hydration
 * errors #418 and #423 among them), console errors and 5xx answers of any
 * request. A test asserts the list is empty at its end.
 */
export function watchProblems(page: Page): string[] {
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

/**
 * Signs a new workspace up through the form, as a person does. The answer is
 * only "check your inbox" (a known address gets the same), so the new owner
 * then logs in with the password and follows the confirmation link from the
 * outbox (see confirmEmailFromOutbox), which the local outbox shows owners.
 */
export async function signUpInBrowser(page: Page, baseUrl: string, account: { workspace: string; name: string; email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/signup`);
  await waitForHydration(page);
  await page.locator('input[name="workspaceName"]').fill(account.workspace);
  await page.locator('input[name="name"]').fill(account.name);
  await page.locator('input[name="email"]').fill(account.email);
  await page.locator('input[name="password"]').fill(account.password);
  await page.locator('main button[type="submit"]').click();
  await page.locator('main [role="status"]', { hasText: account.email }).waitFor();
  await logIn(page, baseUrl, account.email, account.password);
  await confirmEmailFromOutbox(page, baseUrl);
}

/**
 * What a new owner does after signing up: opens the outbox, opens the email
 * that asks to confirm their address, and follows its link. Until then the
 * workspace sends no campaign.
 */
export async function confirmEmailFromOutbox(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/app/outbox`);
  await page.locator('main table tbody tr', { hasText: /Bestätigen Sie Ihre E-Mail-Adresse|Confirm your email address/ }).first().locator('th a').click();
  await page.locator('iframe.email-preview').waitFor();
  const hrefs = await page.frameLocator('iframe.email-preview').locator('a[href]').evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).href));
  const link = hrefs.find((href) => href.startsWith(`${baseUrl}/verify-email/`));
  if (!link) throw new Error(`no confirmation link in the email: ${hrefs.join(', ')}`);
  await page.goto(link);
  await page.locator('main [role="status"].alert-success').waitFor();
}
