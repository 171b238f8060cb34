import { gzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invitations, responses } from '../../db/schema';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import {
  checkedValues,
  createSurveyWorkspace,
  everyKindDefinition,
  inviteCustomer,
  postStep,
  responseCount,
  responseOf,
  revOf,
  setCampaign,
  textareaText,
  type SurveyWorkspace,
} from '../support/survey-fixtures';

// The customer's survey at /s/<token>, through the real HTTP stack: every
// step a plain form post, as a browser without JavaScript sends it.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let workspace: SurveyWorkspace;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
  workspace = await createSurveyWorkspace(database.db, { name: 'Müller & Partner' });
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

const EN = { 'Accept-Language': 'en' };
/** The core steps: miss_us; miss_most + alternative; four treatment items; benefit, csat, recommend; improve. */
const coreAnswers: Array<Record<string, string>> = [
  { miss_us: 'very' },
  { miss_most: 'Der persönliche Kontakt', alternative: 'Ein anderes Büro' },
  { treat_valued: '4', treat_responsive: '5', treat_equal: '3', treat_promise: '4' },
  { benefit: '5', csat: '4', recommend: '9' },
  { improve: 'Schnellere Rückrufe' },
];

async function answerSteps(client: ReturnType<typeof app.client>, path: string, steps: Array<Record<string, string | string[]>>, lang = 'en') {
  for (const [step, answers] of steps.entries()) {
    const response = await postStep(client, path, step, answers, { lang });
    expect(response.status, `step ${step}`).toBe(303);
  }
}

describe('answering a survey', () => {
  it('walks through every step, saving each, and thanks at the end', async () => {
    const { path, invitation } = await inviteCustomer(database.db, workspace, { locale: 'en' });
    const client = app.client();
    const first = await client.get(path);
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html).toContain('How would you feel if you could no longer work with Müller &amp; Partner?');
    expect(html).toContain('Step 1 of 5');
    expect(html).toMatch(/<progress[^>]*value="1" max="5"/);
    expect(await responseOf(database.db, invitation.id)).toBeNull();

    const saved = await postStep(client, path, 0, { miss_us: 'very' }, { lang: 'en' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('Location')).toBe(`${path}?step=1`);
    const started = await responseOf(database.db, invitation.id);
    expect(started).toMatchObject({ status: 'started', step: 1, missUs: 'very', locale: 'en', period: '2026-Q3', completedAt: null });

    const second = await (await client.get(saved.headers.get('Location')!)).text();
    expect(second).toContain('Step 2 of 5');
    expect(second).toContain('What would you miss most?');

    for (let step = 1; step < coreAnswers.length; step++) {
      const response = await postStep(client, path, step, coreAnswers[step]!, { lang: 'en' });
      expect(response.status).toBe(303);
      expect(response.headers.get('Location')).toBe(step === 4 ? path : `${path}?step=${step + 1}`);
    }
    const done = await responseOf(database.db, invitation.id);
    expect(done).toMatchObject({
      status: 'completed',
      step: 5,
      missUs: 'very',
      missMost: 'Der persönliche Kontakt',
      alternative: 'Ein anderes Büro',
      treatValued: 4,
      treatResponsive: 5,
      treatEqual: 3,
      treatPromise: 4,
      benefit: 5,
      csat: 4,
      recommend: 9,
      improve: 'Schnellere Rückrufe',
    });
    expect(done!.completedAt).toBeInstanceOf(Date);
    expect(Math.abs(done!.completedAt!.getTime() - Date.now())).toBeLessThan(60_000);

    const thanks = await client.get(path);
    expect(thanks.status).toBe(200);
    const thanksHtml = await thanks.text();
    expect(thanksHtml).toContain('Thank you!');
    expect(thanksHtml).toContain('href="?step=0"');
  });

  it('marks the invitation opened with the first saved step, never on a GET', async () => {
    const { path, invitation } = await inviteCustomer(database.db, workspace, { locale: 'en' });
    const openedAt = async () => (await database.db.select({ at: invitations.openedAt }).from(invitations).where(eq(invitations.id, invitation.id)))[0]!.at;
    const client = app.client();
    expect((await client.get(path)).status).toBe(200);
    expect((await client.get(`${path}?answer=very`)).status).toBe(200);
    expect(await openedAt()).toBeNull();
    expect((await postStep(client, path, 0, { miss_us: 'very' }, { lang: 'en' })).status).toBe(303);
    const first = await openedAt();
    expect(first).toBeInstanceOf(Date);
    expect(Math.abs(first!.getTime() - Date.now())).toBeLessThan(60_000);
    expect((await postStep(client, path, 1, coreAnswers[1]!, { lang: 'en' })).status).toBe(303);
    expect(await openedAt()).toEqual(first);
  });

  it('stores custom answers of every kind in response_answers', async () => {
    const custom = await createSurveyWorkspace(database.db, { name: 'Custom Co', definition: everyKindDefinition });
    const { path, invitation } = await inviteCustomer(database.db, custom, { locale: 'en' });
    const client = app.client();
    await answerSteps(client, path, coreAnswers.slice(0, 4));
    const page = await (await client.get(`${path}?step=4`)).text();
    expect(page).toContain('How did you hear about Custom Co?');
    expect(page).toContain('Which services do you use?');
    expect(page).toContain('Step 5 of 7');

    const missing = await postStep(client, path, 4, {}, { lang: 'en' });
    expect(missing.status).toBe(400);
    const missingHtml = await missing.text();
    expect(missingHtml).toContain('Please answer this question.');
    expect(missingHtml).toMatch(/<input[^>]*name="q1"[^>]*aria-invalid="true"[^>]*aria-describedby="q1-error"/);
    expect(missingHtml).not.toMatch(/name="q3"[^>]*aria-invalid/);

    expect((await postStep(client, path, 4, { q1: 'o2', q2: ['o3', 'o1'], q3: '4' }, { lang: 'en' })).status).toBe(303);
    expect((await postStep(client, path, 5, { q4: '0', q5: 'Mehr Schulungen' }, { lang: 'en' })).status).toBe(303);
    expect((await postStep(client, path, 6, { improve: '' }, { lang: 'en' })).status).toBe(303);
    const saved = await responseOf(database.db, invitation.id);
    expect(saved!.status).toBe('completed');
    expect(saved!.improve).toBeNull();
    expect(saved!.custom).toEqual({ q1: 'o2', q2: ['o1', 'o3'], q3: 4, q4: 0, q5: 'Mehr Schulungen' });

    // Clearing an optional custom answer removes it; the others stay.
    const rev = revOf(await (await client.get(`${path}?step=4`)).text());
    expect((await postStep(client, path, 4, { q1: 'o1' }, { lang: 'en', rev, intent: 'finish' })).status).toBe(303);
    expect((await responseOf(database.db, invitation.id))!.custom).toEqual({ q1: 'o1', q4: 0, q5: 'Mehr Schulungen' });
  });

  it('continues where the customer stopped, and cannot skip ahead', async () => {
    const { path } = await inviteCustomer(database.db, workspace, { locale: 'en' });
    await answerSteps(app.client(), path, coreAnswers.slice(0, 2));
    // Later, on another device: the same link opens the third step.
    const later = app.client();
    const resumed = await (await later.get(path)).text();
    expect(resumed).toContain('Step 3 of 5');
    expect(resumed).toContain('I feel valued as a customer.');
    const earlier = await (await later.get(`${path}?step=1`)).text();
    expect(textareaText(earlier, 'miss_most')).toBe('Der persönliche Kontakt');
    expect(textareaText(earlier, 'alternative')).toBe('Ein anderes Büro');
    const ahead = await (await later.get(`${path}?step=4`)).text();
    expect(ahead).toContain('Step 3 of 5');
    const skipped = await postStep(later, path, 4, { improve: 'x' }, { lang: 'en' });
    expect(skipped.status).toBe(303);
    expect(skipped.headers.get('Location')).toBe(path);
  });

  it('goes back keeping the answers of both steps', async () => {
    const { path, invitation } = await inviteCustomer(database.db, workspace, { locale: 'en' });
    const client = app.client();
    await answerSteps(client, path, coreAnswers.slice(0, 2));
    const back = await postStep(client, path, 2, { treat_valued: '2', treat_equal: '1' }, { intent: 'back', lang: 'en' });
    expect(back.status).toBe(303);
    expect(back.headers.get('Location')).toBe(`${path}?step=1`);
    const previous = await (await client.get(`${path}?step=1`)).text();
    expect(textareaText(previous, 'miss_most')).toBe('Der persönliche Kontakt');
    const again = await (await client.get(`${path}?step=2`)).text();
    expect(checkedValues(again, 'treat_valued')).toEqual(['2']);
    expect(checkedValues(again, 'treat_equal')).toEqual(['1']);
    expect(checkedValues(again, 'treat_promise')).toEqual([]);
    expect(await responseOf(database.db, invitation.id)).toMatchObject({ status: 'started', step: 2, treatValued: 2, treatEqual: 1 });
  });

  it('going back does not require answers but still refuses wrong ones', async () => {
    const custom = await createSurveyWorkspace(database.db, { name: 'Back Co', definition: everyKindDefinition });
    const { path } = await inviteCustomer(database.db, custom, { locale: 'en' });
    const client = app.client();
    await answerSteps(client, path, coreAnswers.slice(0, 4));
    expect((await postStep(client, path, 4, {}, { intent: 'back', lang: 'en' })).status).toBe(303);
    expect((await postStep(client, path, 4, { q3: '6' }, { intent: 'back', lang: 'en' })).status).toBe(400);
  });

  it('lets a completed response be changed until the campaign closes', async () => {
    const own = await createSurveyWorkspace(database.db, { name: 'Change Co' });
    const { path, invitation } = await inviteCustomer(database.db, own, { locale: 'en' });
    const client = app.client();
    await answerSteps(client, path, coreAnswers);
    const completedAt = (await responseOf(database.db, invitation.id))!.completedAt;

    const page = await (await client.get(`${path}?step=0`)).text();
    expect(checkedValues(page, 'miss_us')).toEqual(['very']);
    expect(page).toContain('Save and finish');
    const changed = await postStep(client, path, 0, { miss_us: 'somewhat' }, { rev: revOf(page), intent: 'finish', lang: 'en' });
    expect(changed.status).toBe(303);
    expect(changed.headers.get('Location')).toBe(path);
    const after = await responseOf(database.db, invitation.id);
    expect(after).toMatchObject({ status: 'completed', missUs: 'somewhat', treatEqual: 3 });
    expect(after!.completedAt).toEqual(completedAt);

    await setCampaign(database.db, own.campaign.id, { status: 'closed' });
    const closed = await client.get(path);
    expect(closed.status).toBe(410);
    const closedHtml = await closed.text();
    expect(closedHtml).toContain('Thank you, this survey is closed');
    expect(closedHtml).toContain('Your answers were received before the survey closed.');
    expect(closedHtml).not.toContain('<form');
    const late = await postStep(client, path, 0, { miss_us: 'not' }, { rev: revOf(page), lang: 'en' });
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('Thank you, this survey is closed');
    expect((await responseOf(database.db, invitation.id))!.missUs).toBe('somewhat');
  });

  it('treats a campaign past its closing time as closed, and never-sent campaigns as unknown', async () => {
    const past = await createSurveyWorkspace(database.db, { name: 'Past Co' });
    const { path, invitation } = await inviteCustomer(database.db, past, { locale: 'de' });
    await setCampaign(database.db, past.campaign.id, { closesAt: new Date(Date.now() - 60_000) });
    const closed = await app.client().get(path);
    expect(closed.status).toBe(410);
    expect(await closed.text()).toContain('Vielen Dank, diese Umfrage ist beendet');
    expect((await postStep(app.client(), path, 0, { miss_us: 'very' })).status).toBe(410);
    expect(await responseCount(database.db, invitation.id)).toBe(0);

    await setCampaign(database.db, past.campaign.id, { status: 'draft', closesAt: null });
    const draft = await app.client().get(path);
    expect(draft.status).toBe(404);
  });
});

describe('submissions that repeat', () => {
  it('keeps one response when a step is posted twice, or many times at once', async () => {
    const { path, invitation } = await inviteCustomer(database.db, workspace, { locale: 'en' });
    const client = app.client();
    const results = await Promise.all(Array.from({ length: 6 }, () => postStep(client, path, 0, { miss_us: 'not' }, { lang: 'en' })));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(303));
    expect(await responseCount(database.db, invitation.id)).toBe(1);
    const before = await responseOf(database.db, invitation.id);
    expect((await postStep(client, path, 0, { miss_us: 'not' }, { lang: 'en' })).status).toBe(303);
    const after = await responseOf(database.db, invitation.id);
    expect(after!.updatedAt).toEqual(before!.updatedAt);
    expect(after!.step).toBe(1);
  });

  it('changes nothing when the final submission is replayed, even after later changes', async () => {
    const { path, invitation } = await inviteCustomer(database.db, workspace, { locale: 'en' });
    const client = app.client();
    await answerSteps(client, path, coreAnswers.slice(0, 4));
    const lastPage = await (await client.get(`${path}?step=4`)).text();
    const final = () => postStep(client, path, 4, { improve: 'Erste Fassung' }, { rev: revOf(lastPage), lang: 'en' });
    expect((await final()).status).toBe(303);
    const completed = await responseOf(database.db, invitation.id);
    expect(completed!.status).toBe('completed');

    const replay = await final();
    expect(replay.status).toBe(303);
    expect(replay.headers.get('Location')).toBe(path);
    expect(await responseOf(database.db, invitation.id)).toEqual(completed);

    // The customer changes the last answer; an old copy of the final post must not undo it.
    const editPage = await (await client.get(`${path}?step=4`)).text();
    expect((await postStep(client, path, 4, { improve: 'Zweite Fassung' }, { rev: revOf(editPage), lang: 'en' })).status).toBe(303);
    const changed = await responseOf(database.db, invitation.id);
    expect(changed!.improve).toBe('Zweite Fassung');
    expect(changed!.completedAt).toEqual(completed!.completedAt);
    await final();
    expect(await responseOf(database.db, invitation.id)).toEqual(changed);
  });
});

describe('one-click answers from the email', () => {
  it('shows the answer selected on GET, records it only on the button press', async () => {
    const { path, invitation } = await inviteCustomer(database.db, workspace, { locale: 'en' });
    const scanner = app.client();
    for (const headers of [{} as Record<string, string>, { 'User-Agent': 'Mozilla/5.0 (compatible; SafeLinks scanner)' }, { 'User-Agent': 'Googlebot/2.1' }]) {
      const response = await scanner.get(`${path}?answer=very`, headers);
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(checkedValues(html, 'miss_us')).toEqual(['very']);
      expect(html).toContain('Your answer from the email is selected.');
    }
    expect((await scanner.request(`${path}?answer=not`, { method: 'HEAD' })).status).toBe(200);
    expect(await responseCount(database.db, invitation.id)).toBe(0);
    const ignored = await (await scanner.get(`${path}?answer=maybe`)).text();
    expect(checkedValues(ignored, 'miss_us')).toEqual([]);
    expect(await responseCount(database.db, invitation.id)).toBe(0);

    const customer = app.client();
    const page = await (await customer.get(`${path}?answer=somewhat`)).text();
    expect(page).toContain('action="?step=0"');
    const pressed = await postStep(customer, path, 0, { miss_us: 'somewhat' }, { lang: 'en' });
    expect(pressed.status).toBe(303);
    expect(await responseOf(database.db, invitation.id)).toMatchObject({ status: 'started', missUs: 'somewhat', step: 1 });

    // Opening another one-click link later shows that answer, but the saved one stays until pressed.
    const other = await (await customer.get(`${path}?answer=not`)).text();
    expect(checkedValues(other, 'miss_us')).toEqual(['not']);
    expect((await responseOf(database.db, invitation.id))!.missUs).toBe('somewhat');
  });
});

describe('language', () => {
  it('speaks the customer’s language, switches on the page, and keeps the choice with the answers', async () => {
    const { path, invitation } = await inviteCustomer(database.db, workspace, { locale: 'de' });
    const client = app.client();
    const german = await (await client.get(path, EN)).text();
    expect(german).toContain('<html lang="de"');
    expect(german).toContain('Wie würden Sie sich fühlen, wenn Sie nicht mehr mit Müller &amp; Partner zusammenarbeiten könnten?');
    expect(german).toContain('href="?lang=en&amp;step=0"');
    expect(german).toContain('hrefLang="en"');

    const english = await (await client.get(`${path}?lang=en&step=0`)).text();
    expect(english).toContain('<html lang="en"');
    expect(english).toContain('How would you feel');
    expect(english).toContain('name="lang" value="en"');
    expect(await responseCount(database.db, invitation.id)).toBe(0);

    expect((await postStep(client, path, 0, { miss_us: 'na' }, { lang: 'en' })).status).toBe(303);
    expect((await responseOf(database.db, invitation.id))!.locale).toBe('en');
    const next = await (await client.get(`${path}?step=1`)).text();
    expect(next).toContain('<html lang="en"');
    expect(next).toContain('What would you miss most?');
  });
});

describe('bad input', () => {
  async function atStep(step: number, definition?: typeof everyKindDefinition) {
    const target = definition ? await createSurveyWorkspace(database.db, { name: 'Bad Input Co', definition }) : workspace;
    const customer = await inviteCustomer(database.db, target, { locale: 'en' });
    const client = app.client();
    await answerSteps(client, customer.path, coreAnswers.slice(0, step));
    return { ...customer, client };
  }

  it('answers wrong values with field errors tied to their fields, never a 500', async () => {
    const { path, client, invitation } = await atStep(4, everyKindDefinition);
    const cases: Array<[number, Record<string, string | string[]>, string, string]> = [
      [0, { miss_us: 'maybe' }, 'miss_us', 'Please choose one of the answers shown.'],
      [0, { miss_us: ['very', 'not'] }, 'miss_us', 'This answer could not be read.'],
      [0, {}, 'miss_us', 'Please answer this question.'],
      [1, { miss_most: 'x'.repeat(5001) }, 'miss_most', 'Please keep your answer under 5,000 characters.'],
      [2, { treat_valued: '6' }, 'treat_valued', 'Please choose a value on the scale.'],
      [2, { treat_equal: '0' }, 'treat_equal', 'Please choose a value on the scale.'],
      [2, { treat_promise: 'drei' }, 'treat_promise', 'This answer could not be read.'],
      [3, { recommend: '11' }, 'recommend', 'Please choose a value on the scale.'],
      [3, { csat: '-1' }, 'csat', 'Please choose a value on the scale.'],
      [3, { benefit: '4.5' }, 'benefit', 'This answer could not be read.'],
      [4, { q1: 'o9' }, 'q1', 'Please choose one of the answers shown.'],
      [4, { q1: 'o1', q2: ['o1', 'o7'] }, 'q2', 'Please choose one of the answers shown.'],
      [4, { q1: 'o1', q3: '6' }, 'q3', 'Please choose a value on the scale.'],
      [4, { q2: 'o1' }, 'q1', 'Please answer this question.'],
    ];
    const before = await responseOf(database.db, invitation.id);
    for (const [step, answers, field, message] of cases) {
      const response = await postStep(client, path, step, answers, { lang: 'en' });
      const label = `${field} ${JSON.stringify(answers).slice(0, 60)}`;
      expect(response.status, label).toBe(400);
      const html = await response.text();
      expect(html, label).toContain(message);
      expect(html, label).toMatch(new RegExp(`id="${field}-error" class="q-error">`));
      expect(html, label).toMatch(new RegExp(`name="${field}"[^>]*aria-invalid="true"[^>]*aria-describedby="[^"]*${field}-error`));
      expect(html, label).toContain(`href="#f-${field}`);
    }
    expect(await responseOf(database.db, invitation.id)).toEqual(before);
  });

  it('accepts 5,000 characters, counting a browser’s CRLF line breaks once', async () => {
    const { path, client, invitation } = await atStep(1);
    const text = `${'a'.repeat(2_499)}\r\n${'b'.repeat(2_500)}`;
    expect((await postStep(client, path, 1, { miss_most: text }, { lang: 'en' })).status).toBe(303);
    expect((await responseOf(database.db, invitation.id))!.missMost).toHaveLength(5_000);
  });

  it('keeps what the customer typed when the step has an error', async () => {
    const { path, client } = await atStep(3);
    const response = await postStep(client, path, 3, { benefit: '4', csat: '9', recommend: '7' }, { lang: 'en' });
    const html = await response.text();
    expect(checkedValues(html, 'benefit')).toEqual(['4']);
    expect(checkedValues(html, 'recommend')).toEqual(['7']);
  });

  it('answers a tampered form with a clear page and never a second response', async () => {
    const { path, client, invitation } = await atStep(2);
    const tampered: Array<[Record<string, string>, number]> = [
      [{ step: '99', intent: 'next' }, 400],
      [{ step: 'abc', intent: 'next' }, 400],
      [{ step: '-1', intent: 'next' }, 400],
      [{ intent: 'next' }, 400],
      [{ step: '1', intent: 'delete' }, 400],
    ];
    for (const [form, status] of tampered) {
      const response = await client.post(`${path}?step=1`, { ...form, miss_most: 'x' }, EN);
      expect(response.status, JSON.stringify(form)).toBe(status);
      expect(await response.text()).toContain('The form could not be read.');
    }
    // Fields that are not part of the step are ignored, whatever they claim.
    const extra = await client.post(
      `${path}?step=1`,
      { step: '1', intent: 'next', miss_most: 'Ok', status: 'completed', completed_at: '2020-01-01', tier: 'A', customer_id: invitation.customerId, step_reached: '9', recommend: '0' },
      EN,
    );
    expect(extra.status).toBe(303);
    const row = await responseOf(database.db, invitation.id);
    expect(row).toMatchObject({ status: 'started', step: 2, missMost: 'Ok', recommend: null, completedAt: null });

    const notForm = await client.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data; boundary=x', Origin: app.base },
      body: 'garbage',
    });
    expect(notForm.status).toBe(400);
    const huge = await client.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: app.base },
      body: `step=1&intent=next&miss_most=${'x'.repeat(70_000)}`,
    });
    expect(huge.status).toBe(413);
    const nul = await postStep(client, path, 1, { miss_most: 'nul\u0000byte' }, { lang: 'en', headers: EN });
    expect(nul.status).toBe(400);
    expect(await nul.text()).toContain('The form could not be read.');
    const foreign = await client.post(`${path}?step=1`, { step: '1', intent: 'next' }, { Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await responseCount(database.db, invitation.id)).toBe(1);
  });

  it('reads a multipart form like a plain one, takes no file for an answer and refuses other bodies', async () => {
    const { path, client, invitation } = await atStep(1);
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      client.request(`${path}?step=1`, { method: 'POST', headers: { Origin: app.base, ...EN, ...headers }, body });

    const withFile = new FormData();
    withFile.set('step', '1');
    withFile.set('intent', 'next');
    withFile.set('miss_most', new Blob(['a file']), 'answer.txt');
    const refused = await post(withFile);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('aria-invalid="true"');
    expect((await responseOf(database.db, invitation.id))!.missMost).toBeNull();

    const plainText = await post('step=1&intent=next&miss_most=x', { 'Content-Type': 'text/plain' });
    expect(plainText.status).toBe(400);
    expect(await plainText.text()).toContain('The form could not be read.');
    expect((await responseOf(database.db, invitation.id))!.missMost).toBeNull();

    const multipart = new FormData();
    multipart.set('step', '1');
    multipart.set('intent', 'next');
    multipart.set('miss_most', 'Die Beratung – persönlich');
    expect((await post(multipart)).status).toBe(303);
    expect((await responseOf(database.db, invitation.id))!.missMost).toBe('Die Beratung – persönlich');
  });
});

describe('posts as browsers send them from a no-referrer page', () => {
  // Referrer-Policy: no-referrer makes browsers send `Origin: null` with form posts
  // (Fetch standard, seen in Chromium). Needs the HTTP layer to accept such posts on
  // /s/ (app/http/express-app.server.ts; Remix's own check refuses `Origin: null` too).
  it('accepts a same-origin post with Origin: null and refuses a cross-site one', async () => {
    const { path, invitation } = await inviteCustomer(database.db, workspace, { locale: 'en' });
    const browser = app.client();
    const saved = await postStep(browser, path, 0, { miss_us: 'very' }, { lang: 'en', headers: { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' } });
    expect(saved.status).toBe(303);
    expect((await responseOf(database.db, invitation.id))!.missUs).toBe('very');
    const forged = await postStep(browser, path, 1, { miss_most: 'forged' }, { lang: 'en', headers: { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' } });
    expect(forged.status).toBe(403);
    expect((await responseOf(database.db, invitation.id))!.missMost).toBeNull();
  });
});

describe('token pages', () => {
  it('send no referrer (once), are not indexed, cached or framed, and load only the survey script', async () => {
    const own = await createSurveyWorkspace(database.db, { name: 'Header Co' });
    const { path } = await inviteCustomer(database.db, own, { locale: 'en' });
    const client = app.client();
    const pages: Array<[string, Response]> = [
      ['step', await client.get(path)],
      ['one-click', await client.get(`${path}?answer=very`)],
      ['head', await client.request(path, { method: 'HEAD' })],
      ['error', await postStep(client, path, 0, {}, { lang: 'en' })],
      ['unknown', await client.get(`/s/${'A'.repeat(43)}`)],
      ['malformed', await client.get('/s/%3Cscript%3E')],
      ['redirect', await postStep(client, path, 0, { miss_us: 'very' }, { lang: 'en' })],
    ];
    for (let step = 1; step < coreAnswers.length; step++) expect((await postStep(client, path, step, coreAnswers[step]!, { lang: 'en' })).status).toBe(303);
    pages.push(['thanks', await client.get(path)]);
    await setCampaign(database.db, own.campaign.id, { status: 'closed' });
    pages.push(['closed', await client.get(path)]);
    for (const [name, response] of pages) {
      expect(response.headers.get('Referrer-Policy'), name).toBe('no-referrer');
      expect(response.headers.get('X-Robots-Tag'), name).toBe('noindex, nofollow');
      expect(response.headers.get('Cache-Control'), name).toBe('no-store');
      expect(response.headers.get('X-Content-Type-Options'), name).toBe('nosniff');
      expect(response.headers.get('X-Frame-Options'), name).toBe('DENY');
      const csp = response.headers.get('Content-Security-Policy') ?? '';
      expect(csp, name).toContain("frame-ancestors 'none'");
      expect(csp, name).toContain("script-src 'self';");
      expect(csp, name).toContain("form-action 'self'");
      expect(response.headers.get('ETag'), name).toBeNull();
      if (name === 'head' || name === 'redirect') continue;
      const html = await response.text();
      expect(html, name).toContain('<meta name="robots" content="noindex, nofollow"/>');
      expect(html, name).toContain('<meta name="referrer" content="no-referrer"/>');
      // Step pages load the one same-origin enhancement script; nothing runs inline.
      const scripts = [...html.matchAll(/<script[^>]*>/gi)].map((match) => match[0]);
      expect(scripts, name).toEqual(['step', 'one-click', 'error'].includes(name) ? ['<script src="/survey.js" defer="">'] : []);
      expect(html, name).not.toMatch(/<script[^>]*>[^<]/i);
      expect(html, name).not.toMatch(/\son[a-z]+=/i);
      expect(html, name).not.toContain('modulepreload');
    }
    expect(pages.find(([name]) => name === 'redirect')![1].status).toBe(303);
  });

  it('serve the survey script small, same-origin and cacheable, with nothing of a customer in it', async () => {
    const script = await app.client().get('/survey.js', { 'Accept-Encoding': 'gzip' });
    expect(script.status).toBe(200);
    expect(script.headers.get('Content-Type')).toMatch(/^(text|application)\/javascript/);
    expect(script.headers.get('Cache-Control')).toMatch(/max-age=\d+/);
    const source = await script.text();
    expect(gzipSync(source).length).toBeLessThan(100 * 1024);
    expect(source).toContain("document.querySelector('form.survey-form')");
    expect(source).not.toMatch(/\btier|revenue|margin|\bscore|umsatz|marge/i);
  });

  it('refuse other methods, NUL characters, oversized bodies and cross-site posts with a 4xx', async () => {
    const { path, invitation } = await inviteCustomer(database.db, workspace, { locale: 'en' });
    const client = app.client();
    const put = await client.request(path, { method: 'PUT', headers: { Origin: app.base }, body: 'step=0' });
    expect(put.status).toBe(405);
    expect(put.headers.get('Allow')).toBe('GET, HEAD, POST');
    const nul = await client.get(`${path}?step=%00`);
    expect(nul.status).toBe(400);
    expect(nul.headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(await nul.text()).toContain('not allowed');

    // Sent in chunks, without a Content-Length: read only up to the limit.
    const chunks = [`step=0&intent=next&miss_us=very&x=`, 'y'.repeat(40_000), 'y'.repeat(40_000)];
    const streamed = await client.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: app.base, ...EN },
      body: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(chunk));
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.text()).toContain('The form could not be read.');

    const forgeries: Array<Record<string, string>> = [{ Origin: 'https://evil.example' }, { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'cross-site' }];
    for (const headers of forgeries) {
      const forged = await client.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: 'step=0&intent=next&miss_us=not',
      });
      expect(forged.status, JSON.stringify(headers)).toBe(403);
      expect(forged.headers.get('Referrer-Policy')).toBe('no-referrer');
    }
    expect(await responseCount(database.db, invitation.id)).toBe(0);
  });

  it('answers unknown and malformed tokens with the same 404 that reveals nothing', async () => {
    const draft = await createSurveyWorkspace(database.db, { name: 'Secret Draft Co' });
    const { path: draftPath } = await inviteCustomer(database.db, draft);
    await setCampaign(database.db, draft.campaign.id, { status: 'draft' });
    const bodies = new Set<string>();
    for (const path of [`/s/${'b'.repeat(43)}`, '/s/short', `/s/${'x'.repeat(300)}`, '/s/a%20b%C3%A4c', draftPath, `${draftPath}?answer=very`]) {
      const response = await app.client().get(path, { 'Accept-Language': 'en' });
      expect(response.status, path).toBe(404);
      const html = await response.text();
      expect(html).toContain('Survey not found');
      expect(html).not.toContain('Secret Draft Co');
      expect(html).not.toMatch(/<a\s/);
      bodies.add(html);
    }
    expect(bodies.size).toBe(1);
    const post = await postStep(app.client(), `/s/${'c'.repeat(43)}`, 0, { miss_us: 'very' });
    expect(post.status).toBe(404);
  });
});

describe('the tier stays invisible', () => {
  it('shows no tier, revenue, margin, flag or internal id on any page a customer can reach, and the same page to every tier', async () => {
    const secret = await createSurveyWorkspace(database.db, {
      name: 'Leakproof GmbH',
      tierLabels: ['ZZ-PLATIN-7', 'YY-GOLD-5', 'XX-BASIS-3'],
      campaignName: 'INTERNAL-CAMPAIGN-PLATIN-ONLY',
      definition: everyKindDefinition,
    });
    const top = await inviteCustomer(database.db, secret, { locale: 'en', tierIndex: 0, externalId: 'EXT-SECRET-4711', revenue: '987654.32', margin: '55555.55' });
    const bottom = await inviteCustomer(database.db, secret, { locale: 'en', tierIndex: 2, externalId: 'EXT-SECRET-0815', revenue: '12.34', margin: '1.23' });
    const secrets = [
      'ZZ-PLATIN-7',
      'YY-GOLD-5',
      'XX-BASIS-3',
      'PLATIN',
      'INTERNAL-CAMPAIGN',
      'EXT-SECRET',
      '987654',
      '55555',
      'Erika Mustermann',
      secret.workspaceId,
      secret.campaign.id,
      secret.versionId,
      ...secret.tiers.map((tier) => tier.id),
      ...[top, bottom].flatMap((c) => [c.customer.id, c.invitation.id, c.customer.email!]),
    ];
    const seen: Array<[string, string]> = [];
    const visit = async (name: string, response: Response) => {
      const headers = [...response.headers].map(([key, value]) => `${key}: ${value}`).join('\n');
      seen.push([name, `${headers}\n${await response.text()}`]);
    };
    const pagesOf = async (customer: typeof top) => {
      const client = app.client();
      const pages: string[] = [];
      const record = async (name: string, response: Response) => {
        const text = await response.clone().text();
        pages.push(text.replaceAll(customer.token, 'TOKEN').replace(/name="rev" value="[0-9]*"/, 'name="rev" value="REV"'));
        await visit(`${name} (${customer.tier.label === 'ZZ-PLATIN-7' ? 'top' : 'bottom'})`, response);
      };
      await record('one-click', await client.get(`${customer.path}?answer=very`));
      const answers = [...coreAnswers.slice(0, 4), { q1: 'o1', q4: '7' }, { q5: 'ok' }, { improve: 'nothing' }];
      for (const [step, values] of answers.entries()) {
        await record(`step ${step}`, await client.get(`${customer.path}?step=${step}`));
        await record(`error ${step}`, await postStep(client, customer.path, step, step === 0 ? {} : { ...values, recommend: '99', q3: '-4' }, { lang: 'en' }));
        const saved = await postStep(client, customer.path, step, values, { lang: 'en' });
        await record(`redirect ${step}`, saved);
      }
      await record('thanks', await client.get(customer.path));
      await record('german thanks', await client.get(`${customer.path}?lang=de`));
      return pages;
    };
    const topPages = await pagesOf(top);
    const bottomPages = await pagesOf(bottom);
    // Same questions, texts, look and flow for every tier.
    expect(bottomPages).toEqual(topPages);

    await visit('unknown', await app.client().get(`/s/${'z'.repeat(43)}`));
    await setCampaign(database.db, secret.campaign.id, { status: 'closed' });
    await visit('closed', await app.client().get(top.path));
    await visit('closed post', await postStep(app.client(), top.path, 0, { miss_us: 'very' }));

    expect(seen.length).toBeGreaterThan(40);
    expect(seen.filter(([, text]) => text.includes('Leakproof GmbH')).length).toBeGreaterThan(20);
    for (const [name, text] of seen) {
      for (const value of secrets) expect(text.includes(value), `${name} contains ${value}`).toBe(false);
      expect(text, name).not.toMatch(/\btier|revenue|margin|\bscore|\bflag|umsatz|marge/i);
    }
  });
});

describe('the invitation record', () => {
  it('keeps only the token hash', async () => {
    const { token, invitation } = await inviteCustomer(database.db, workspace);
    const [row] = await database.db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(row!.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(await database.db.select().from(responses).where(eq(responses.invitationId, invitation.id))).toEqual([]);
  });
});
