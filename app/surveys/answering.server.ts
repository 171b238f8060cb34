import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Database } from '../../db/client.server';
import { campaigns, customers, invitations, responseAnswers, responses, surveyVersions, workspaces } from '../../db/schema';
import { hitRateLimit, type RateLimitState } from '../auth/rate-limit.server';
import type { Locale } from '../i18n';
import type { AnswerValue, Answers } from './answers';
import type { CoreItemId } from './core-items';
import { parseSurveyDefinition } from './definition';
import type { ResponseProgress } from './flow';
import { invitationTokenHash } from './invitation-token.server';
import { surveyPlan, type SurveyPlan, type SurveyStep } from './plan';

/**
 * Reading and saving a customer's answers behind an invitation link. One
 * query reads everything a survey page needs; one upsert saves a step of
 * core items (a transaction adds the custom answers).
 */
type ResponseColumn = keyof typeof responses.$inferInsert;

const coreColumns: Record<CoreItemId, ResponseColumn> = {
  miss_us: 'missUs',
  miss_most: 'missMost',
  alternative: 'alternative',
  treat_valued: 'treatValued',
  treat_responsive: 'treatResponsive',
  treat_equal: 'treatEqual',
  treat_promise: 'treatPromise',
  benefit: 'benefit',
  csat: 'csat',
  recommend: 'recommend',
  improve: 'improve',
};
const coreEntries = Object.entries(coreColumns) as Array<[CoreItemId, ResponseColumn]>;

export interface InvitationContext {
  invitationId: string;
  workspaceId: string;
  campaignId: string;
  customerId: string;
  period: string;
  /** `not_open`: the campaign was never sent (draft or scheduled); its links do not exist yet. */
  state: 'open' | 'closed' | 'not_open';
  closesAt: Date | null;
  plan: SurveyPlan;
  company: string;
  customerLocale: Locale;
  response: (ResponseProgress & { id: string; locale: Locale; rev: string; answers: Answers }) | null;
}

// A survey version reached through an invitation is used by a campaign, so it
// never changes again (editing creates a new version): its plan can be kept,
// and the page query need not fetch and parse the definition every time.
const planCache = new Map<string, SurveyPlan>();

async function planOf(db: Database, versionId: string): Promise<SurveyPlan> {
  let plan = planCache.get(versionId);
  if (!plan) {
    const [version] = await db.select({ definition: surveyVersions.definition }).from(surveyVersions).where(eq(surveyVersions.id, versionId));
    if (!version) throw new Error(`Survey version ${versionId} is gone.`);
    if (planCache.size >= 1_000) planCache.clear();
    plan = surveyPlan(parseSurveyDefinition(version.definition));
    planCache.set(versionId, plan);
  }
  return plan;
}

function campaignState(status: (typeof campaigns.$inferSelect)['status'], closesAt: Date | null): InvitationContext['state'] {
  if (status === 'closed' || (closesAt && closesAt.getTime() <= Date.now())) return 'closed';
  return status === 'open' || status === 'sending' ? 'open' : 'not_open';
}

const column = (key: ResponseColumn) => responses[key] as PgColumn;
const excluded = (key: ResponseColumn) => sql.raw(`excluded."${column(key).name}"`);
const coreSelection = Object.fromEntries(coreEntries.map(([id, key]) => [id, column(key)])) as Record<CoreItemId, PgColumn>;

function invitationQuery(db: Database) {
  return db
    .select({
      invitationId: invitations.id,
      workspaceId: invitations.workspaceId,
      campaignId: invitations.campaignId,
      customerId: invitations.customerId,
      period: campaigns.period,
      campaignStatus: campaigns.status,
      closesAt: campaigns.closesAt,
      versionId: campaigns.surveyVersionId,
      company: workspaces.name,
      customerLocale: customers.locale,
      responseId: responses.id,
      status: responses.status,
      step: responses.step,
      locale: responses.locale,
      rev: sql<string | null>`floor(extract(epoch from ${responses.updatedAt}) * 1000000)::bigint::text`,
      ...coreSelection,
      custom: sql<Record<string, AnswerValue> | null>`(select jsonb_object_agg(a.question_key, a.value) from ${responseAnswers} a where a.response_id = ${responses}.id)`,
    })
    .from(invitations)
    .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
    .innerJoin(workspaces, eq(workspaces.id, invitations.workspaceId))
    .innerJoin(customers, eq(customers.id, invitations.customerId))
    .leftJoin(responses, eq(responses.invitationId, invitations.id))
    .where(eq(invitations.tokenHash, sql.placeholder('tokenHash')))
    .limit(1)
    .prepare('survey_invitation');
}

// Every survey page runs this query: built once per database handle and
// prepared on the server (see the benchmark, tests/bench/survey.ts).
const preparedQueries = new WeakMap<Database, ReturnType<typeof invitationQuery>>();

/** Everything a survey page needs for one token, or null for an unknown token. */
export async function findInvitation(db: Database, token: string): Promise<InvitationContext | null> {
  let query = preparedQueries.get(db);
  if (!query) {
    query = invitationQuery(db);
    preparedQueries.set(db, query);
  }
  const rows = await query.execute({ tokenHash: invitationTokenHash(token) });
  const row = rows[0];
  if (!row) return null;
  let response: InvitationContext['response'] = null;
  if (row.responseId && row.status && row.locale) {
    const answers: Answers = { ...(row.custom ?? {}) };
    for (const [id] of coreEntries) answers[id] = (row[id] as AnswerValue | null) ?? null;
    response = { id: row.responseId, status: row.status, step: row.step ?? 0, locale: row.locale, rev: row.rev ?? '', answers };
  }
  return {
    invitationId: row.invitationId,
    workspaceId: row.workspaceId,
    campaignId: row.campaignId,
    customerId: row.customerId,
    period: row.period,
    state: campaignState(row.campaignStatus, row.closesAt),
    closesAt: row.closesAt,
    plan: await planOf(db, row.versionId),
    company: row.company,
    customerLocale: row.customerLocale,
    response,
  };
}

/** Unknown and malformed tokens count per client address: 30 per 15 minutes. */
export const unknownTokenLimit = { limit: 30, windowSeconds: 15 * 60 };

export function countUnknownToken(db: Database, clientAddress: string): Promise<RateLimitState> {
  return hitRateLimit(db, `survey-token:${clientAddress}`, unknownTokenLimit);
}

export interface StepSave {
  step: SurveyStep;
  answers: Answers;
  locale: Locale;
  reached: number;
  complete: boolean;
}

/**
 * The upsert of a response row for a step with these core columns. Values
 * are placeholders, so the statement is built once and prepared. Unless
 * `force`d (custom answers changed), a submission that changes nothing (a
 * step posted twice, a replayed final submission) leaves the row untouched,
 * `updated_at` included.
 */
function responseUpsert(db: Database, columns: ResponseColumn[], force: boolean, markOpened = false) {
  const value = (name: string) => sql.placeholder(name);
  const newStep = sql`greatest(${responses.step}, excluded.step)`;
  const newStatus = sql`case when ${responses.status} = 'completed' or excluded.status = 'completed' then 'completed' else 'started' end`;
  const oldRow = sql.join([sql`${responses.locale}`, sql`${responses.step}`, sql`${responses.status}`, ...columns.map((c) => sql`${column(c)}`)], sql`, `);
  const newRow = sql.join([sql`excluded.locale`, newStep, newStatus, ...columns.map((c) => excluded(c))], sql`, `);
  // The first saved step marks the invitation opened in the same statement (one round trip and one commit, not two).
  const insert = markOpened ? db.with(openedUpdate(db)).insert(responses) : db.insert(responses);
  return insert
    .values({
      workspaceId: value('workspaceId'),
      campaignId: value('campaignId'),
      invitationId: value('invitationId'),
      customerId: value('customerId'),
      period: value('period'),
      locale: value('locale'),
      status: value('status'),
      step: value('step'),
      completedAt: sql`case when ${value('complete')}::boolean then now() end`,
      ...Object.fromEntries(columns.map((c) => [c, value(c)])),
    } as unknown as typeof responses.$inferInsert)
    .onConflictDoUpdate({
      target: responses.invitationId,
      set: {
        ...Object.fromEntries(columns.map((c) => [c, excluded(c)])),
        locale: sql`excluded.locale`,
        step: newStep,
        status: newStatus,
        completedAt: sql`coalesce(${responses.completedAt}, excluded.completed_at)`,
        updatedAt: sql`now()`,
      },
      setWhere: force ? undefined : sql`(${oldRow}) is distinct from (${newRow})`,
    })
    .returning({ id: responses.id });
}

// Steps of core items only save with one prepared statement per step shape.
const preparedUpserts = new WeakMap<Database, Map<string, ReturnType<ReturnType<typeof responseUpsert>['prepare']>>>();

function preparedUpsert(db: Database, columns: ResponseColumn[], markOpened: boolean) {
  let statements = preparedUpserts.get(db);
  if (!statements) preparedUpserts.set(db, (statements = new Map()));
  const key = `${columns.join(',')}${markOpened ? '+opened' : ''}`;
  let statement = statements.get(key);
  if (!statement) {
    statement = responseUpsert(db, columns, false, markOpened).prepare(`survey_save_${statements.size}`);
    statements.set(key, statement);
  }
  return statement;
}

// The funnel's "opened" (invitations.opened_at) comes from the email
// provider's open and click events. A customer who saves a step has opened
// the link for certain, also when their mail client blocks the open pixel;
// a GET is not enough, since link scanners open every link
// (docs/decisions/0007-survey-answering.md).
const preparedOpenedMarks = new WeakMap<Database, ReturnType<typeof openedMark>>();

function openedUpdate(db: Database) {
  return db.$with('opened').as(
    db
      .update(invitations)
      .set({ openedAt: sql`now()` })
      .where(and(eq(invitations.id, sql.placeholder('invitationId')), isNull(invitations.openedAt)))
      .returning({ id: invitations.id }),
  );
}

function openedMark(db: Database) {
  return db
    .update(invitations)
    .set({ openedAt: sql`now()` })
    .where(and(eq(invitations.id, sql.placeholder('invitationId')), isNull(invitations.openedAt)))
    .prepare('survey_mark_opened');
}

function markOpened(db: Database, invitationId: string): Promise<unknown> {
  let statement = preparedOpenedMarks.get(db);
  if (!statement) preparedOpenedMarks.set(db, (statement = openedMark(db)));
  return statement.execute({ invitationId });
}

/**
 * Saves one step: creates the response on the first saved step, else
 * updates it. The first saved step also marks the invitation opened.
 */
export async function saveStep(db: Database, context: InvitationContext, save: StepSave): Promise<void> {
  // Only until a response exists.
  const opening = context.response === null;
  const core: Partial<Record<ResponseColumn, AnswerValue | null>> = {};
  const custom: Array<[string, AnswerValue | null]> = [];
  for (const item of save.step.items) {
    const value = save.answers[item.name] ?? null;
    if (item.core) core[coreColumns[item.name as CoreItemId]] = value;
    else custom.push([item.name, value]);
  }
  const columns = Object.keys(core) as ResponseColumn[];
  const params = {
    workspaceId: context.workspaceId,
    campaignId: context.campaignId,
    invitationId: context.invitationId,
    customerId: context.customerId,
    period: context.period,
    locale: save.locale,
    status: save.complete ? 'completed' : 'started',
    step: save.reached,
    complete: save.complete,
    ...core,
  };

  if (custom.length === 0) {
    await preparedUpsert(db, columns, opening).execute(params);
    return;
  }
  // Alongside the transaction (another pooled connection).
  const opened = opening ? markOpened(db, context.invitationId) : undefined;
  const previous = context.response?.answers ?? {};
  const customChanged = custom.some(([name, value]) => JSON.stringify(previous[name] ?? null) !== JSON.stringify(value));
  const saving = db.transaction(async (tx) => {
    const [row] = await responseUpsert(tx, columns, customChanged).execute(params);
    const responseId = row?.id ?? context.response?.id ?? (await responseIdOf(tx, context.invitationId));
    const given = custom.filter(([, value]) => value !== null) as Array<[string, AnswerValue]>;
    if (given.length > 0) {
      await tx
        .insert(responseAnswers)
        .values(given.map(([questionKey, value]) => ({ responseId, questionKey, value })))
        .onConflictDoUpdate({
          target: [responseAnswers.responseId, responseAnswers.questionKey],
          set: { value: sql`excluded.value` },
          setWhere: sql`${responseAnswers.value} is distinct from excluded.value`,
        });
    }
    const cleared = custom.filter(([, value]) => value === null).map(([name]) => name);
    if (cleared.length > 0) {
      await tx.delete(responseAnswers).where(and(eq(responseAnswers.responseId, responseId), inArray(responseAnswers.questionKey, cleared)));
    }
  });
  await Promise.all([opened, saving]);
}

async function responseIdOf(db: Database, invitationId: string): Promise<string> {
  const [row] = await db.select({ id: responses.id }).from(responses).where(eq(responses.invitationId, invitationId));
  return row!.id;
}
