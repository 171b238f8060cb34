import { redirect } from '@remix-run/node';
import { db } from '../db.server';
import { notFound, readFormData } from '../http/request.server';
import { isLocale, type Locale } from '../i18n';
import { resolveLocale } from '../i18n/locale.server';
import { formatDate } from '../ui/format';
import { renderCustomerPage, type CustomerPage } from '../ui/survey/customer-page.server';
import { formValues, missingRequired, parseStepForm, preselectedMissUs, type AnswerError, type StepParse } from './answers';
import { countUnknownToken, findInvitation, saveStep, type InvitationContext } from './answering.server';
import { chooseView, reachableStep, stepIntents, stepNumber, stepOutcome, type StepIntent } from './flow';
import { isWellFormedToken, tokenPageHeaders } from './invitation-token.server';
import { stepView } from './step-view';

/**
 * The pages a customer reaches at /s/<token>, as web Responses: the HTTP
 * layer answers with them ahead of Remix (app/http/survey-pages.server.ts,
 * which takes them from the server build's entry, app/entry.server.tsx). Plain HTML forms, no
 * JavaScript, the same for every customer; the document is rendered here,
 * without the root layout (docs/decisions/0007-survey-answering.md).
 */


function page(content: CustomerPage, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(renderCustomerPage(content), {
    status,
    headers: { 'Content-Type': 'text/html; charset=utf-8', ...tokenPageHeaders, ...headers },
  });
}

/**
 * Answers thrown responses (404, 429, a form that cannot be read) and
 * unexpected errors with a customer page that reveals nothing; redirects pass.
 */
async function customerPage(request: Request, render: () => Promise<Response>): Promise<Response> {
  try {
    return await render();
  } catch (error) {
    if (error instanceof Response && error.status >= 300 && error.status < 400) return error;
    const status = error instanceof Response ? error.status : 500;
    if (!(error instanceof Response)) console.error(error);
    const kind = status === 404 ? 'notFound' : status === 429 ? 'tooMany' : status === 400 || status === 413 ? 'badForm' : 'error';
    // Kept from the refusal: when to retry, and that an unread body closes the connection.
    const kept: Record<string, string> = {};
    for (const name of ['Retry-After', 'Connection']) {
      const value = error instanceof Response ? error.headers.get(name) : null;
      if (value) kept[name] = value;
    }
    return page({ view: 'error', kind, locale: await resolveLocale(request) }, status, kept);
  }
}

/**
 * The invitation behind a token. Unknown and malformed tokens, and links of
 * campaigns never sent, all get the same 404; they are counted per client
 * address, and too many get 429.
 */
async function openInvitation(token: string | undefined, clientAddress: string): Promise<InvitationContext> {
  const invitation = isWellFormedToken(token) ? await findInvitation(db(), token) : null;
  if (invitation && invitation.state !== 'not_open') return invitation;
  const limit = await countUnknownToken(db(), clientAddress);
  if (limit.limited) throw new Response('Too Many Requests', { status: 429, headers: { 'Retry-After': String(limit.retryAfter) } });
  notFound();
}

/** An explicit choice on the page wins, then the language saved with the answers, then the customer's. */
function surveyLocale(choice: unknown, invitation: InvitationContext): Locale {
  return isLocale(choice) ? choice : (invitation.response?.locale ?? invitation.customerLocale);
}

/** The page for the URL's query; after a refused post, with the post's errors and values. */
function surveyPage(invitation: InvitationContext, query: URLSearchParams, refused?: { step: number; parse: StepParse & { ok: false } } | 'form') {
  const locale = surveyLocale(query.get('lang'), invitation);
  const { plan, response, company } = invitation;
  const preselected = preselectedMissUs(plan, query.get('answer'));
  const view = chooseView(plan, { closed: invitation.state === 'closed', response, step: query.get('step'), preselected, missing: query.has('missing') });
  if (view.view === 'closed') return page({ view: 'closed', locale, company, answered: response?.status === 'completed' }, 410);
  if (view.view === 'thanks') {
    return page({ view: 'thanks', locale, company, closes: invitation.closesAt ? formatDate(invitation.closesAt, locale) : null });
  }
  const step = plan.steps[view.index]!;
  const saved = response?.answers ?? {};
  let values = formValues(step.items, saved);
  if (preselected) values.miss_us = preselected;
  let errors: Record<string, AnswerError> = {};
  if (view.missing) for (const name of missingRequired(step, saved)) errors[name] = 'required';
  if (refused && refused !== 'form' && refused.step === view.index) ({ values, errors } = refused.parse);
  const state = { values, errors, formError: refused === 'form', preselected: preselected !== null, editing: response?.status === 'completed' };
  const status = refused ? 400 : 200;
  return page({ view: 'step', locale, company, step: stepView(plan, view.index, locale, company), state, rev: response?.rev ?? '', answer: preselected }, status);
}

/** GET /s/<token>: the step, thank-you, closed or not-found page. Records nothing. */
export function surveyPageResponse(request: Request, token: string | undefined, clientAddress: string): Promise<Response> {
  return customerPage(request, async () => {
    const invitation = await openInvitation(token, clientAddress);
    return surveyPage(invitation, new URL(request.url).searchParams);
  });
}

function stepIntent(value: FormDataEntryValue | null): StepIntent | null {
  if (value === null) return 'next';
  return (stepIntents as readonly unknown[]).includes(value) ? (value as StepIntent) : null;
}

/** POST /s/<token>?step=N: saves the step and redirects to the next page, or shows the step's errors. */
export function surveyPostResponse(request: Request, token: string | undefined, clientAddress: string): Promise<Response> {
  return customerPage(request, async () => {
    const invitation = await openInvitation(token, clientAddress);
    const query = new URL(request.url).searchParams;
    // The closed page; nothing is saved.
    if (invitation.state === 'closed') return surveyPage(invitation, query);
    const form = await readFormData(request);
    const { plan, response } = invitation;
    const here = `/s/${token}`;
    const index = stepNumber(form.get('step'));
    const intent = stepIntent(form.get('intent'));
    if (index === null || intent === null || index > plan.steps.length - 1) return surveyPage(invitation, query, 'form');
    // Steps cannot be skipped: a step beyond where the customer got leads back there.
    if (index > reachableStep(plan, response)) return redirect(here, 303);
    // A form shown before the latest change of a completed response (a replayed
    // or double-sent final submission) changes nothing.
    if (response?.status === 'completed' && form.get('rev') !== response.rev) return redirect(here, 303);

    const step = plan.steps[index]!;
    const parse = parseStepForm(step, form, { requireAnswers: intent !== 'back' });
    if (!parse.ok) return surveyPage(invitation, query, { step: index, parse });
    const outcome = stepOutcome(plan, response, index, intent, { ...response?.answers, ...parse.answers });
    await saveStep(db(), invitation, {
      step,
      answers: parse.answers,
      locale: surveyLocale(form.get('lang'), invitation),
      reached: outcome.reached,
      complete: outcome.complete,
    });
    if (outcome.goTo === 'thanks') return redirect(here, 303);
    return redirect(`${here}?step=${outcome.goTo.step}${outcome.goTo.missing ? '&missing=1' : ''}`, 303);
  });
}
