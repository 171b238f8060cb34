import { randomUUID } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import {
  campaigns,
  customers,
  invitations,
  responseAnswers,
  responses,
  surveyVersions,
  tierAssignments,
  workspaceTiers,
  type SurveyDefinition,
} from '../../db/schema';
import { listOutbox } from '../../app/email/outbox.server';
import { createInvitationToken } from '../../app/surveys/invitation-token.server';
import type { TestClient } from './app';
import { createWorkspaceWithOwner } from './fixtures';

const DAY = 24 * 60 * 60 * 1000;

export interface SurveyWorkspaceOptions {
  name?: string;
  /** Tier labels of the workspace, best first (unusual ones make leaks easy to find). */
  tierLabels?: string[];
  /** Custom questions of the standard survey's version used by the campaign. */
  definition?: SurveyDefinition;
  campaignName?: string;
  period?: string;
}

/**
 * A workspace (through sign-up) whose standard survey is used by an open
 * campaign closing in 30 days. Add customers with `inviteCustomer`.
 */
export async function createSurveyWorkspace(db: Database, options: SurveyWorkspaceOptions = {}) {
  const owner = await createWorkspaceWithOwner(db, options.name ?? 'Müller & Partner');
  const workspaceId = owner.workspaceId;
  if (options.tierLabels) {
    const tiers = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspaceId)).orderBy(asc(workspaceTiers.position));
    for (const [index, label] of options.tierLabels.entries()) {
      if (tiers[index]) await db.update(workspaceTiers).set({ label }).where(eq(workspaceTiers.id, tiers[index]!.id));
      else await db.insert(workspaceTiers).values({ workspaceId, position: index + 1, label });
    }
  }
  const [version] = await db.select().from(surveyVersions).where(eq(surveyVersions.workspaceId, workspaceId)).limit(1);
  if (options.definition) {
    await db.update(surveyVersions).set({ definition: options.definition }).where(eq(surveyVersions.id, version!.id));
  }
  await db.update(surveyVersions).set({ frozenAt: new Date() }).where(eq(surveyVersions.id, version!.id));
  const period = options.period ?? '2026-Q3';
  const [campaign] = await db
    .insert(campaigns)
    .values({
      workspaceId,
      surveyVersionId: version!.id,
      name: options.campaignName ?? 'Customer survey',
      period,
      status: 'open',
      closesAt: new Date(Date.now() + 30 * DAY),
    })
    .returning();
  const tiers = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspaceId)).orderBy(asc(workspaceTiers.position));
  return { owner, workspaceId, versionId: version!.id, campaign: campaign!, tiers, period };
}

export type SurveyWorkspace = Awaited<ReturnType<typeof createSurveyWorkspace>>;

/**
 * A customer with a tier (and revenue and margin) in the campaign's period,
 * and an invitation whose raw token the test knows.
 */
export async function inviteCustomer(
  db: Database,
  workspace: SurveyWorkspace,
  options: { locale?: 'de' | 'en'; tierIndex?: number; externalId?: string; revenue?: string; margin?: string } = {},
) {
  const [customer] = await db
    .insert(customers)
    .values({
      workspaceId: workspace.workspaceId,
      externalId: options.externalId ?? `CRM-${randomUUID().slice(0, 8)}`,
      name: 'Erika Mustermann',
      email: `${randomUUID().slice(0, 8)}@customer.example`,
      company: 'Kunde GmbH',
      locale: options.locale ?? 'de',
    })
    .returning();
  const tier = workspace.tiers[options.tierIndex ?? 0]!;
  await db.insert(tierAssignments).values({
    workspaceId: workspace.workspaceId,
    customerId: customer!.id,
    period: workspace.period,
    tierId: tier.id,
    revenue: options.revenue ?? '123456.78',
    margin: options.margin ?? '23456.78',
    source: 'import',
  });
  const { token, tokenHash } = createInvitationToken();
  const [invitation] = await db
    .insert(invitations)
    .values({ workspaceId: workspace.workspaceId, campaignId: workspace.campaign.id, customerId: customer!.id, tokenHash, status: 'delivered' })
    .returning();
  return { customer: customer!, invitation: invitation!, token, tier, path: `/s/${token}` };
}

/** Sets a campaign's status and closing time, e.g. to close it. */
export async function setCampaign(db: Database, campaignId: string, values: Partial<typeof campaigns.$inferInsert>) {
  await db.update(campaigns).set(values).where(eq(campaigns.id, campaignId));
}

/** A definition with one custom question of every kind. */
export const everyKindDefinition: SurveyDefinition = {
  questions: [
    {
      key: 'q1',
      kind: 'single',
      required: true,
      text: { de: 'Wie haben Sie von {company} erfahren?', en: 'How did you hear about {company}?' },
      options: [
        { key: 'o1', text: { de: 'Empfehlung', en: 'Recommendation' } },
        { key: 'o2', text: { de: 'Internet', en: 'Internet' } },
      ],
    },
    {
      key: 'q2',
      kind: 'multiple',
      required: false,
      text: { de: 'Welche Leistungen nutzen Sie?', en: 'Which services do you use?' },
      options: [
        { key: 'o1', text: { de: 'Beratung', en: 'Consulting' } },
        { key: 'o2', text: { de: 'Wartung', en: 'Maintenance' } },
        { key: 'o3', text: { de: 'Schulung', en: 'Training' } },
      ],
    },
    { key: 'q3', kind: 'scale5', required: false, text: { de: 'Wie gut ist unsere Erreichbarkeit?', en: 'How easy are we to reach?' } },
    { key: 'q4', kind: 'scale10', required: true, text: { de: 'Wie gut sind unsere Preise?', en: 'How good are our prices?' } },
    { key: 'q5', kind: 'text', required: false, text: { de: 'Was noch?', en: 'Anything else?' } },
  ],
};

/** The response behind an invitation with its custom answers, or null. */
export async function responseOf(db: Database, invitationId: string) {
  const [response] = await db.select().from(responses).where(eq(responses.invitationId, invitationId));
  if (!response) return null;
  const answers = await db.select().from(responseAnswers).where(eq(responseAnswers.responseId, response.id));
  return { ...response, custom: Object.fromEntries(answers.map((row) => [row.questionKey, row.value])) };
}

export async function responseCount(db: Database, invitationId: string): Promise<number> {
  const rows = await db.select({ id: responses.id }).from(responses).where(eq(responses.invitationId, invitationId));
  return rows.length;
}

/** Posts one survey step as the page's form does (same origin, hidden fields, the button pressed). */
export function postStep(
  client: TestClient,
  path: string,
  step: number,
  answers: Record<string, string | string[]>,
  options: { intent?: 'next' | 'back' | 'finish'; lang?: string; rev?: string; headers?: HeadersInit } = {},
) {
  const body = new URLSearchParams({ step: String(step), intent: options.intent ?? 'next' });
  if (options.lang) body.set('lang', options.lang);
  if (options.rev !== undefined) body.set('rev', options.rev);
  for (const [name, value] of Object.entries(answers)) for (const one of [value].flat()) body.append(name, one);
  return client.request(`${path}?step=${step}`, { method: 'POST', body, headers: { Origin: client.base, ...options.headers } });
}

/** The attributes of every <input> and <textarea> of a page, for asserting what a form shows. */
export function formControls(html: string) {
  const controls: Array<{ tag: string; attributes: Record<string, string>; text?: string }> = [];
  for (const match of html.matchAll(/<(input|textarea)\b([^>]*)>(?:([^<]*)<\/textarea>)?/g)) {
    const attributes: Record<string, string> = {};
    for (const attribute of match[2]!.matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) attributes[attribute[1]!] = attribute[2] ?? '';
    controls.push({ tag: match[1]!, attributes, text: match[3] });
  }
  return controls;
}

/** The values of the checked radios or checkboxes named `name`. */
export function checkedValues(html: string, name: string): string[] {
  return formControls(html)
    .filter((c) => c.attributes.name === name && 'checked' in c.attributes)
    .map((c) => c.attributes.value!);
}

/** The text of the textarea named `name` (HTML entities left as they are). */
export function textareaText(html: string, name: string): string | undefined {
  return formControls(html).find((c) => c.tag === 'textarea' && c.attributes.name === name)?.text;
}

/** The hidden `rev` field of a step page. */
export function revOf(html: string): string {
  return formControls(html).find((c) => c.attributes.name === 'rev')?.attributes.value ?? '';
}

/** The survey path in the invitation a campaign emailed to `email`, as the outbox holds it. */
export async function surveyPathFromEmail(db: Database, workspaceId: string, email: string): Promise<string> {
  const message = (await listOutbox(db, { workspaceId })).find((candidate) => candidate.to === email && candidate.link);
  if (!message) throw new Error(`no survey email to ${email}`);
  return new URL(message.link!).pathname;
}

/** Answers every step of the standard survey, as the form posts it; `steps` are the answers per step. */
export async function answerSurvey(client: TestClient, path: string, steps: Array<Record<string, string>>, lang = 'en'): Promise<void> {
  for (const [step, answers] of steps.entries()) {
    const response = await postStep(client, path, step, answers, { lang });
    if (response.status !== 303) throw new Error(`step ${step} answered ${response.status}`);
  }
}
