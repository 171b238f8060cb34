import { createElement } from 'react';
import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import type { EmailTransport } from '../../db/schema';
import SurveyInvitationEmail from '../../emails/survey-invitation';
import SurveyReminderEmail from '../../emails/survey-reminder';
import { jsonParam, selectRows } from '../email/sql.server';
import { composeEmail, placeholder, renderEmail } from '../email/templates.server';
import { translator, type Locale } from '../i18n';
import { coreItems, missUsOptions } from '../surveys/core-items';
import { surveyPath } from '../surveys/invitation-token.server';
import { CAMPAIGN_TIME_ZONE } from './forms';

export type SurveyEmailKind = 'invitation' | 'reminder';

/** What every survey email of one campaign shares. */
export interface SurveyEmailContext {
  workspaceId: string;
  campaignId: string;
  /** The workspace's name, as customers know the business. */
  company: string;
  sender: string;
  closesAt: Date | null;
  appUrl: string;
  /** The full From header. */
  from: string;
}

/** The links of one invitation: the survey pages (see `surveyPath`), and unsubscribing at /u/<token>. */
export function surveyLinks(appUrl: string, token: string) {
  return {
    survey: `${appUrl}${surveyPath(token)}`,
    answers: {
      very: `${appUrl}${surveyPath(token, 'very')}`,
      somewhat: `${appUrl}${surveyPath(token, 'somewhat')}`,
      not: `${appUrl}${surveyPath(token, 'not')}`,
    },
    unsubscribe: `${appUrl}/u/${token}`,
  };
}

/** One template per language and per greeting (with or without a name). */
function variantKey(locale: Locale, named: boolean): string {
  return `${locale}:${named ? 'named' : 'plain'}`;
}

function formatDay(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'long', timeZone: CAMPAIGN_TIME_ZONE }).format(date);
}

function surveyElement(kind: SurveyEmailKind, locale: Locale, named: boolean, ctx: SurveyEmailContext) {
  const t = translator(locale);
  const links = surveyLinks(ctx.appUrl, placeholder('token'));
  const vars = { company: ctx.company, sender: ctx.sender };
  const greeting = named ? t('emails.greetingName', { name: placeholder('name') }) : t('emails.greeting');
  const footer = { why: t('emails.footer.why', vars), unsubscribe: t('emails.footer.unsubscribe') };
  if (kind === 'invitation') {
    const question = coreItems.find((item) => item.id === 'miss_us')!.text[locale].replace('{company}', ctx.company);
    return createElement(SurveyInvitationEmail, {
      lang: locale,
      surveyUrl: links.survey,
      answerUrls: links.answers,
      unsubscribeUrl: links.unsubscribe,
      texts: {
        preview: t('emails.invitation.preview', vars),
        greeting,
        intro: t('emails.invitation.intro', vars),
        question,
        answers: { very: missUsOptions.very[locale], somewhat: missUsOptions.somewhat[locale], not: missUsOptions.not[locale] },
        hint: t('emails.invitation.hint'),
        open: t('emails.invitation.open'),
        signoff: t('emails.invitation.signoff', vars),
        ...footer,
      },
    });
  }
  const body = ctx.closesAt
    ? t('emails.reminder.body', { ...vars, date: formatDay(ctx.closesAt, locale) })
    : t('emails.reminder.bodyOpenEnded', vars);
  return createElement(SurveyReminderEmail, {
    lang: locale,
    surveyUrl: links.survey,
    unsubscribeUrl: links.unsubscribe,
    texts: {
      preview: t('emails.reminder.preview', vars),
      greeting,
      body,
      button: t('emails.reminder.button'),
      signoff: t('emails.reminder.signoff', vars),
      ...footer,
    },
  });
}

/** The subject of a survey email; it is the same for every recipient in a language. */
export function surveySubject(kind: SurveyEmailKind, locale: Locale, company: string): string {
  return translator(locale)(`emails.${kind}.subject`, { company });
}

/** The one-click unsubscribe headers (RFC 8058); the link must be https in production. */
function unsubscribeHeaders(appUrl: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${surveyLinks(appUrl, placeholder('token')).unsubscribe}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

/** Renders a survey email with placeholders; the email a customer gets is this, filled in. */
export async function renderSurveyTemplate(kind: SurveyEmailKind, locale: Locale, named: boolean, ctx: SurveyEmailContext) {
  const { html, text } = await renderEmail(surveyElement(kind, locale, named, ctx));
  return { html, text, headers: unsubscribeHeaders(ctx.appUrl) };
}

/** Stores a template once; an identical one stored before is reused. */
async function storeTemplate(db: Database, workspaceId: string, kind: SurveyEmailKind, locale: Locale, body: { html: string; text: string; headers: Record<string, string> }) {
  const headers = JSON.stringify(body.headers);
  const [existing] = await selectRows<{ id: string }>(
    db,
    sql`select id from email_templates where workspace_id = ${workspaceId} and kind = ${kind} and locale = ${locale}
      and html = ${body.html} and text = ${body.text} and headers = ${headers}::jsonb limit 1`,
  );
  if (existing) return existing.id;
  const [row] = await selectRows<{ id: string }>(
    db,
    sql`insert into email_templates (workspace_id, kind, locale, html, text, headers)
      values (${workspaceId}, ${kind}, ${locale}, ${body.html}, ${body.text}, ${headers}::jsonb) returning id`,
  );
  return row!.id;
}

export interface SurveyMessageInput {
  invitationId: string;
  email: string;
  name: string | null;
  locale: Locale;
  token: string;
  idempotencyKey: string;
}

/** The stored templates of one kind of survey email, by language and greeting, with their subjects. */
export interface SurveyTemplates {
  kind: SurveyEmailKind;
  ids: Map<string, string>;
  subjects: Record<Locale, string>;
}

const named = (message: Pick<SurveyMessageInput, 'name'>) => !!message.name?.trim();

/** Renders and stores (once) the templates the given recipients need. */
export async function prepareSurveyTemplates(
  db: Database,
  kind: SurveyEmailKind,
  ctx: SurveyEmailContext,
  recipients: Iterable<Pick<SurveyMessageInput, 'name' | 'locale'>>,
): Promise<SurveyTemplates> {
  const ids = new Map<string, string>();
  for (const recipient of recipients) {
    const key = variantKey(recipient.locale, named(recipient));
    if (ids.has(key)) continue;
    const body = await renderSurveyTemplate(kind, recipient.locale, named(recipient), ctx);
    ids.set(key, await storeTemplate(db, ctx.workspaceId, kind, recipient.locale, body));
  }
  return { kind, ids, subjects: { de: surveySubject(kind, 'de', ctx.company), en: surveySubject(kind, 'en', ctx.company) } };
}

/** The columns of `surveyMessageRow` for `json_to_recordset`. */
export const surveyMessageColumns = sql.raw('invitation_id uuid, idempotency_key text, to_address text, subject text, template_id uuid, variables jsonb, link text');

/** One survey message as a row for `json_to_recordset`: its template, its values and its link. */
export function surveyMessageRow(templates: SurveyTemplates, ctx: Pick<SurveyEmailContext, 'appUrl'>, message: SurveyMessageInput) {
  const name = message.name?.trim() || null;
  return {
    invitation_id: message.invitationId,
    idempotency_key: message.idempotencyKey,
    to_address: message.email,
    subject: templates.subjects[message.locale],
    template_id: templates.ids.get(variantKey(message.locale, !!name)),
    variables: name ? { name, token: message.token } : { token: message.token },
    link: surveyLinks(ctx.appUrl, message.token).survey,
  };
}

/**
 * Queues survey emails of one campaign: each message is a reference to its
 * template plus its own values, stored with multi-row INSERT … SELECT
 * statements of a few thousand rows. A message whose key exists is skipped.
 */
export async function insertSurveyMessages(
  db: Database,
  input: {
    kind: SurveyEmailKind;
    ctx: SurveyEmailContext;
    transport: EmailTransport;
    messages: SurveyMessageInput[];
    templates?: SurveyTemplates;
    /** The demo stores its messages as already delivered to the outbox. */
    delivered?: { sentAt: Date };
  },
): Promise<number> {
  const { kind, ctx } = input;
  const templates = input.templates ?? (await prepareSurveyTemplates(db, kind, ctx, input.messages));
  const status = input.delivered ? 'sent' : 'queued';
  const sentAt = input.delivered ? input.delivered.sentAt.toISOString() : null;
  const CHUNK = 5000;
  for (let i = 0; i < input.messages.length; i += CHUNK) {
    const rows = input.messages.slice(i, i + CHUNK).map((message) => surveyMessageRow(templates, ctx, message));
    await db.execute(sql`insert into email_messages (workspace_id, kind, campaign_id, invitation_id, idempotency_key, from_address,
        to_address, subject, template_id, variables, link, transport, status, sent_at, attempts)
      select ${ctx.workspaceId}::uuid, ${kind}, ${ctx.campaignId}::uuid, r.invitation_id, r.idempotency_key, ${ctx.from},
        r.to_address, r.subject, r.template_id, r.variables, r.link, ${input.transport}, ${status}, ${sentAt}::timestamptz,
        ${input.delivered ? 1 : 0}
      from json_to_recordset(${jsonParam(rows)}::json) as r(${surveyMessageColumns})
      on conflict (idempotency_key) do nothing`);
  }
  return input.messages.length;
}

/** The invitation as a customer with this language would get it, with an example name (the draft page's preview). */
export async function previewInvitation(ctx: SurveyEmailContext, locale: Locale): Promise<{ subject: string; html: string }> {
  const body = await renderSurveyTemplate('invitation', locale, true, ctx);
  const name = locale === 'de' ? 'Maria Muster' : 'Alex Example';
  const composed = composeEmail({ subject: surveySubject('invitation', locale, ctx.company), html: null, text: null, headers: {}, variables: { name, token: 'preview' }, template: body });
  return { subject: composed.subject, html: composed.html };
}
