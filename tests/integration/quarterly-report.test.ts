import { and, eq } from 'drizzle-orm';
import { createElement } from 'react';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachmentsOf } from '../../app/email/attachments.server';
import { evaluateQueuedFlags } from '../../app/flags/evaluate.server';
import { Dispatcher } from '../../app/email/dispatcher.server';
import { listOutbox, queueEmail } from '../../app/email/outbox.server';
import { sendDueQuarterlyReports } from '../../app/reports/quarterly-report.server';
import { emailMessages, quarterlyReports } from '../../db/schema';
import { startTestApp, type TestClient } from '../support/app';
import { createCampaignWorkspace, resendSettings, sendCampaignThroughForm, testEmailSettings } from '../support/campaign-fixtures';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';
import { startResendMock } from '../support/resend-mock';
import { answerSurvey, surveyPathFromEmail } from '../support/survey-fixtures';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
const settings = testEmailSettings();
const en = { 'Accept-Language': 'en' };

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

async function pdfText(pdf: Buffer | Uint8Array): Promise<string> {
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  return text.replace(/\s+/g, ' ');
}

/** A customer answers the survey from the link in their email. */
async function answer(workspaceId: string, email: string, missUs: 'very' | 'not', treatment: string) {
  const path = await surveyPathFromEmail(database.db, workspaceId, email);
  await answerSurvey(app.client(), path, [
    { miss_us: missUs },
    {},
    { treat_valued: treatment, treat_responsive: treatment, treat_equal: treatment, treat_promise: treatment },
    { recommend: '9' },
    {},
  ]);
}

let workspaceId = '';
let ownerEmail = '';
let owner: TestClient;

describe("the owner's quarterly report", () => {
  it('goes out on request with the two questions per tier, inline charts and the PDF, from an empty workspace', async () => {
    const customers = [
      ...Array.from({ length: 12 }, (_, i) => ({ tier: 'A', email: `report-a${i}@example.com`, locale: 'en' as const })),
      ...Array.from({ length: 3 }, (_, i) => ({ tier: 'C', email: `report-c${i}@example.com`, locale: 'en' as const })),
    ];
    const ws = await createCampaignWorkspace(database.db, 'Bericht & Söhne GmbH', customers);
    workspaceId = ws.workspaceId;
    ownerEmail = ws.email;
    owner = app.client();
    expect((await owner.login(ws.email, PASSWORD)).status).toBe(302);
    await sendCampaignThroughForm(database.db, owner, { settings });
    // Tier A: 8 of 12 very disappointed (67 %, Wilson interval 39–86 %), treated 4 of 5; tier C: 3 answers, too few for figures.
    for (let i = 0; i < 12; i++) await answer(workspaceId, `report-a${i}@example.com`, i < 8 ? 'very' : 'not', '4');
    for (let i = 0; i < 3; i++) await answer(workspaceId, `report-c${i}@example.com`, 'very', '2');
    await evaluateQueuedFlags(database.db);

    const page = await (await owner.get('/app/results', en)).text();
    expect(page).toContain('href="/app/results/review.pdf?from=2026-Q4&amp;to=2026-Q4"');
    const sent = await owner.post('/app/results/report', { from: '2026-Q4', to: '2026-Q4' }, en);
    expect(sent.status).toBe(302);
    expect(sent.headers.get('Location')).toBe('/app/results?from=2026-Q4&to=2026-Q4&report=sent');
    expect(await (await owner.get(sent.headers.get('Location')!, en)).text()).toContain('The report is on its way to your email address');

    const [message] = await listOutbox(database.db, { workspaceId, kinds: ['quarterly_report'] });
    expect(message).toMatchObject({ to: ownerEmail, subject: 'Bericht & Söhne GmbH: quarterly tier review 2026-Q4', status: 'sent' });
    const [stored] = await database.db.select().from(emailMessages).where(eq(emailMessages.id, message!.id));
    expect(stored!.text).toContain('Would they miss us? 67% very disappointed (n = 12, likely 39%–86%), at or above the 40 % line');
    expect(stored!.text).toContain('Would they miss us? Too few answers (n = 3).');

    const files = (await attachmentsOf(database.db, [message!.id])).get(message!.id)!;
    expect(files.map((file) => [file.filename, file.contentType])).toEqual([
      ['chart-miss-us.png', 'image/png'],
      ['chart-pti.png', 'image/png'],
      ['wouldmiss-review-2026-Q4-2026-Q4.pdf', 'application/pdf'],
    ]);
    // The HTML shows each image by its content id, and the images are PNGs drawn on the server.
    for (const image of files.slice(0, 2)) {
      expect(stored!.html).toContain(`src="cid:${image.contentId}"`);
      expect(Buffer.from(image.contentBase64, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
    }
    const text = await pdfText(Buffer.from(files[2]!.contentBase64, 'base64'));
    expect(text).toContain('Bericht & Söhne GmbH · quarters 2026-Q4 to 2026-Q4');
    expect(text).toContain('Tier A');
    expect(text).toContain('67% very disappointed (n = 12, likely 39%–86%)');
    expect(text).toContain('Treatment index 4.0 of 5 (n = 12)');
    expect(text).toContain('Too few answers (n = 3)');
    // The flag rules raised at-risk flags on the four A customers who would not miss the company and second-class flags on the C customers.
    expect(text).toContain('Tier A Would they miss us?');
    expect(text).toMatch(/Tier A .*?Open flags: 4, overdue: 0\./);
    expect(text).toMatch(/Tier C .*?Open flags: 3, overdue: 0\./);
    expect(text).toContain('How the flag loop works');
    expect(text).toContain('Charts');

    // The outbox page shows the images in place of their content ids and names the PDF.
    const outboxPage = await (await owner.get(`/app/outbox/${message!.id}`, en)).text();
    expect(outboxPage).toContain('wouldmiss-review-2026-Q4-2026-Q4.pdf');
    // Each attachment opens from the outbox: the PDF as it was attached; a wrong index or message is 404.
    expect(outboxPage).toContain(`href="/app/outbox/${message!.id}/attachments/2"`);
    const pdf = await owner.get(`/app/outbox/${message!.id}/attachments/2`, en);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('Content-Type')).toBe('application/pdf');
    expect(pdf.headers.get('Content-Disposition')).toBe('inline; filename="wouldmiss-review-2026-Q4-2026-Q4.pdf"');
    expect(Buffer.from(await pdf.arrayBuffer()).equals(Buffer.from(files[2]!.contentBase64, 'base64'))).toBe(true);
    for (const path of [`${message!.id}/attachments/3`, `${message!.id}/attachments/x`, 'not-a-uuid/attachments/0']) {
      expect((await owner.get(`/app/outbox/${path}`, en)).status, path).toBe(404);
    }
    expect((await app.client().get(`/app/outbox/${message!.id}/attachments/2`)).status).toBe(302);
  });

  it('downloads as the same PDF from the review, refuses a malformed quarter and needs a login', async () => {
    const response = await owner.get('/app/results/review.pdf?from=2026-Q4&to=2026-Q4', en);
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('application/pdf');
    expect(response.headers.get('Content-Disposition')).toBe('attachment; filename="wouldmiss-review-2026-Q4-2026-Q4.pdf"');
    const text = await pdfText(new Uint8Array(await response.arrayBuffer()));
    expect(text).toContain('67% very disappointed (n = 12, likely 39%–86%)');

    for (const query of ['from=2026-Q7', 'to=last', 'from=2026-Q4&to=%3Cscript%3E']) {
      const bad = await owner.get(`/app/results/review.pdf?${query}`, en);
      expect(bad.status, query).toBe(400);
      expect(await bad.text()).toBe('That is not a quarter. Quarters are written like 2026-Q3.');
    }
    expect((await owner.post('/app/results/report', { from: '2026-Q9' }, en)).status).toBe(400);
    expect((await app.client().get('/app/results/review.pdf')).status).toBe(302);

    // A workspace without answers has no report to make.
    const empty = await createWorkspaceWithOwner(database.db, 'Leer GmbH');
    const newcomer = app.client();
    expect((await newcomer.login(empty.email, PASSWORD)).status).toBe(302);
    const none = await newcomer.get('/app/results/review.pdf', en);
    expect(none.status).toBe(404);
    expect(await none.text()).toContain('There are no results for these quarters yet');
  });

  it('goes to every owner once at the start of the next quarter, however many workers look', async () => {
    const startOfQ1 = new Date('2027-01-02T08:00:00Z');
    const counts = await Promise.all([sendDueQuarterlyReports(database.db, startOfQ1), sendDueQuarterlyReports(database.db, startOfQ1)]);
    expect(counts[0]! + counts[1]!).toBe(1);
    expect(await sendDueQuarterlyReports(database.db, new Date('2027-02-15T08:00:00Z'))).toBe(0);

    const reports = await listOutbox(database.db, { workspaceId, kinds: ['quarterly_report'] });
    const scheduled = await database.db
      .select()
      .from(emailMessages)
      .where(and(eq(emailMessages.workspaceId, workspaceId), eq(emailMessages.kind, 'quarterly_report')));
    expect(reports).toHaveLength(2); // the one asked for above, and the scheduled one
    expect(scheduled.filter((row) => row.idempotencyKey.startsWith(`quarterly-report:${workspaceId}:2026-Q4:`))).toHaveLength(1);
    const [row] = await database.db.select().from(quarterlyReports).where(eq(quarterlyReports.workspaceId, workspaceId));
    expect(row).toMatchObject({ period: '2026-Q4', recipients: 1 });
  });

  it('sends its files through Resend as attachments with content ids, one message at a time', async () => {
    const mock = await startResendMock();
    try {
      const [report] = await database.db
        .select()
        .from(emailMessages)
        .where(and(eq(emailMessages.workspaceId, workspaceId), eq(emailMessages.kind, 'quarterly_report')))
        .limit(1);
      const files = (await attachmentsOf(database.db, [report!.id])).get(report!.id)!;
      const attachments = files.map((file) => ({
        filename: file.filename,
        contentType: file.contentType,
        contentId: file.contentId ?? undefined,
        content: Buffer.from(file.contentBase64, 'base64'),
      }));
      const body = createElement('img', { src: `cid:${files[0]!.contentId}`, alt: 'chart' });
      await queueEmail(database.db, { kind: 'quarterly_report', workspaceId, to: 'owner-a@example.com', subject: 'Report', body, idempotencyKey: 'resend-report-a', attachments }, { transport: 'resend' });
      await queueEmail(database.db, { kind: 'flag_digest', workspaceId, to: 'owner-b@example.com', subject: 'Digest', body: createElement('p', null, 'plain'), idempotencyKey: 'resend-plain-b' }, { transport: 'resend' });
      await new Dispatcher({ db: database.db, settings: resendSettings(mock) }).drain();
      expect(mock.violations).toEqual([]);
      const withFiles = mock.deliveries.find((delivery) => delivery.to[0] === 'owner-a@example.com')!;
      expect(mock.requests.find((request) => request.idempotencyKey === withFiles.idempotencyKey)?.path).toBe('/emails');
      expect(withFiles.attachments?.map((file) => [file.filename, file.contentType, file.contentId])).toEqual(files.map((file) => [file.filename, file.contentType, file.contentId ?? undefined]));
      expect(await pdfText(withFiles.attachments![2]!.content)).toContain('67% very disappointed (n = 12, likely 39%–86%)');
      expect(mock.deliveries.find((delivery) => delivery.to[0] === 'owner-b@example.com')?.attachments).toBeUndefined();
      const rows = await database.db.select({ status: emailMessages.status }).from(emailMessages).where(eq(emailMessages.idempotencyKey, 'resend-report-a'));
      expect(rows).toEqual([{ status: 'sent' }]);
    } finally {
      await mock.close();
    }
  });
});
