import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchBrowser, logIn, startServer, type RunningServer } from './support';

const chromiumPath = inject('chromiumPath');

// The review's PDF link, in a real browser (the emailed report is tested in tests/integration/quarterly-report.test.ts).
describe.skipIf(!chromiumPath)('the review as a PDF', () => {
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer({ seedDemo: true }), launchBrowser(chromiumPath)]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('downloads from the review with the tier figures of the quarters shown', async () => {
    const context = await browser.newContext({ locale: 'de-DE', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => (message.type() === 'error' ? problems.push(message.text()) : undefined));
    await logIn(page, server.url, 'inhaber@muster-beratung.example', 'wouldmiss-demo');
    await page.goto(`${server.url}/app/results`);
    await page.getByRole('heading', { level: 1, name: 'Quartalsvergleich der Stufen' }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Als PDF herunterladen' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^wouldmiss-review-\d{4}-Q\d-\d{4}-Q\d\.pdf$/);
    const bytes = await readFile((await download.path())!);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
    const words = text.replace(/\s+/g, ' ');
    expect(words).toContain('Muster Beratung GmbH · Quartale');
    expect(words).toMatch(/Stufe A Würden sie uns vermissen\? \d+\s?% sehr enttäuscht \(n = \d+, wahrscheinlich \d+\s?%–\d+\s?%\)/);
    expect(words).toMatch(/Stufe C .*?Behandlungsindex \d,\d von 5 \(n = \d+\)/);

    expect(problems).toEqual([]);
    await context.close();
  });
});
