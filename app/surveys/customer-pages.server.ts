import { db } from '../db.server';
import { isLocale, type Locale } from '../i18n';
import { visitorLocale } from '../i18n/locale.server';
import { formatDate } from '../ui/format';
import { renderCustomerPage, type CustomerPage } from '../ui/survey/customer-page.server';
import { formValues, missingRequired, parseStepForm, preselectedMissUs, type AnswerError, type StepParse } from './answers';
import { wakeFlagEvaluator } from '../flags/evaluator.server';
import { countUnknownToken, findInvitation, saveStep, type InvitationContext } from './answering.server';
import { chooseView, reachableStep, stepIntents, stepNumber, stepOutcome, type StepIntent } from './flow';
import { isWellFormedToken, tokenPageHeaders } from './invitation-token.server';
import { stepView } from './step-view';

/**
 * The pages a customer reaches at /s/<token>. The HTTP layer answers with
 * them ahead of Remix (app/http/survey-pages.server.ts, which takes them
 * from the server build's entry, app/entry.server.tsx). Plain HTML forms,
 * no JavaScript needed, the same for every customer; the document is
 * rendered here, without the root layout (docs/decisions/0007-survey-answering.md).
 *
 * Requests and replies are plain objects rather than web Request and
 * Response: building those cost a fifth of a page's server time, and a
 * survey page needs only its query, two headers and the form
 * (docs/decisions/0014-survey-page-speed.md).
 */
export interface SurveyRequest {
  /** The raw path segment after /s/. */
  token: string;
  query: URLSearchParams;
  clientAddress: string;
  /** For pages that know no customer (unknown links): the language cookie, then the browser's language. */
  cookie: string | undefined;
  acceptLanguage: string | undefined;
}

/** A posted form's fields (urlencoded or multipart), or why it could not be read. */
export type SurveyForm = URLSearchParams | { refused: 'unreadable' | 'tooLarge' };

export interface SurveyReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const htmlHeaders = { 'Content-Type': 'text/html; charset=utf-8', ...tokenPageHeaders };

function page(content: CustomerPage, status = 200, headers: Record<string, string> = {}): SurveyReply {
  return { status, headers: { ...htmlHeaders, ...headers }, body: renderCustomerPage(content) };
}

function seeOther(location: string): SurveyReply {
  return { status: 303, headers: { Location: location, ...tokenPageHeaders }, body: '' };
}

/** A refusal that ends the request with a customer error page. */
class Refusal extends Error {
  constructor(
    readonly status: 400 | 404 | 413 | 429,
    readonly headers: Record<string, string> = {},
  ) {
    super(`survey request refused with ${status}`);
  }
}

/**
 * Answers refusals (404, 429, a form that cannot be read) and unexpected
 * errors with a customer page that reveals nothing.
 */
async function customerPage(request: SurveyRequest, render: () => Promise<SurveyReply>): Promise<SurveyReply> {
  try {
    return await render();
  } catch (error) {
    if (!(error instanceof Refusal)) console.error(error);
    const status = error instanceof Refusal ? error.status : 500;
    const kind = status === 404 ? 'notFound' : status === 429 ? 'tooMany' : status === 400 || status === 413 ? 'badForm' : 'error';
    const locale = await visitorLocale(request.cookie, request.acceptLanguage);
    return page({ view: 'error', kind, locale }, status, error instanceof Refusal ? error.headers : {});
  }
}

/**
 * The invitation behind a token. Unknown and malformed tokens, and links of
 * campaigns never sent, all get the same 404; they are counted per client
 * address, and too many get 429.
 */
async function openInvitation(token: string, clientAddress: string): Promise<InvitationContext> {
  const invitation = isWellFormedToken(token) ? await findInvitation(db(), token) : null;
  if (invitation && invitation.state !== 'not_open') return invitation;
  const limit = await countUnknownToken(db(), clientAddress);
  if (limit.limited) throw new Refusal(429, { 'Retry-After': String(limit.retryAfter) });
  throw new Refusal(404);
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
export function surveyPageReply(request: SurveyRequest): Promise<SurveyReply> {
  return customerPage(request, async () => surveyPage(await openInvitation(request.token, request.clientAddress), request.query));
}

function stepIntent(value: string | null): StepIntent | null {
  if (value === null) return 'next';
  return (stepIntents as readonly unknown[]).includes(value) ? (value as StepIntent) : null;
}

/** POST /s/<token>?step=N: saves the step and redirects to the next page, or shows the step's errors. */
export function surveyPostReply(request: SurveyRequest, form: SurveyForm): Promise<SurveyReply> {
  return customerPage(request, async () => {
    const invitation = await openInvitation(request.token, request.clientAddress);
    // The closed page; nothing is saved.
    if (invitation.state === 'closed') return surveyPage(invitation, request.query);
    // The rest of a body over the limit is still unread on the connection, which therefore cannot carry another request.
    if ('refused' in form) throw form.refused === 'tooLarge' ? new Refusal(413, { Connection: 'close' }) : new Refusal(400);
    const { plan, response } = invitation;
    const here = `/s/${request.token}`;
    const index = stepNumber(form.get('step'));
    const intent = stepIntent(form.get('intent'));
    if (index === null || intent === null || index > plan.steps.length - 1) return surveyPage(invitation, request.query, 'form');
    // Steps cannot be skipped: a step beyond where the customer got leads back there.
    if (index > reachableStep(plan, response)) return seeOther(here);
    // A form shown before the latest change of a completed response (a replayed
    // or double-sent final submission) changes nothing.
    if (response?.status === 'completed' && form.get('rev') !== response.rev) return seeOther(here);

    const step = plan.steps[index]!;
    const parse = parseStepForm(step, form, { requireAnswers: intent !== 'back' });
    if (!parse.ok) return surveyPage(invitation, request.query, { step: index, parse });
    const outcome = stepOutcome(plan, response, index, intent, { ...response?.answers, ...parse.answers });
    await saveStep(db(), invitation, {
      step,
      answers: parse.answers,
      locale: surveyLocale(form.get('lang'), invitation),
      reached: outcome.reached,
      complete: outcome.complete,
    });
    // A completed (or changed completed) response was queued for the flag rules by the save's trigger.
    if (outcome.complete || response?.status === 'completed') wakeFlagEvaluator();
    if (outcome.goTo === 'thanks') return seeOther(here);
    return seeOther(`${here}?step=${outcome.goTo.step}${outcome.goTo.missing ? '&missing=1' : ''}`);
  });
}
