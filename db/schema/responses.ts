import { sql } from 'drizzle-orm';
import { bigint, check, index, jsonb, pgTable, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { campaigns, invitations } from './campaigns';
import { id, periodCheck, ts } from './columns';
import { customers } from './customers';
import { workspaces } from './workspaces';

export const missUsAnswers = ['very', 'somewhat', 'not', 'na'] as const;
export type MissUsAnswer = (typeof missUsAnswers)[number];

/**
 * The answers behind one invitation. The core items of the survey are columns,
 * so every statistic is one GROUP BY over this table (see
 * docs/decisions/0003-core-items-as-columns.md); custom questions go to
 * `response_answers`. `period` repeats the campaign's period so period
 * queries need no join to campaigns.
 */
export const responses = pgTable(
  'responses',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    campaignId: uuid('campaign_id').notNull().references(() => campaigns.id, { onDelete: 'cascade' }),
    invitationId: uuid('invitation_id').notNull().references(() => invitations.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    locale: text('locale', { enum: ['de', 'en'] }).notNull(),
    status: text('status', { enum: ['started', 'completed'] }).notNull().default('started'),
    /** The step the customer reached; resuming continues here. */
    step: smallint('step').notNull().default(0),
    startedAt: ts('started_at').notNull().defaultNow(),
    completedAt: ts('completed_at'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    missUs: text('miss_us', { enum: missUsAnswers }),
    missMost: text('miss_most'),
    alternative: text('alternative'),
    treatValued: smallint('treat_valued'),
    treatResponsive: smallint('treat_responsive'),
    treatEqual: smallint('treat_equal'),
    treatPromise: smallint('treat_promise'),
    benefit: smallint('benefit'),
    csat: smallint('csat'),
    recommend: smallint('recommend'),
    improve: text('improve'),
  },
  (t) => [
    uniqueIndex('responses_invitation_key').on(t.invitationId),
    index('responses_workspace_period_idx').on(t.workspaceId, t.period, t.status),
    index('responses_campaign_idx').on(t.campaignId, t.status),
    index('responses_customer_idx').on(t.customerId, t.completedAt),
    check('responses_period_format', periodCheck('period')),
    check(
      'responses_scales',
      sql`${t.treatValued} between 1 and 5 and ${t.treatResponsive} between 1 and 5 and ${t.treatEqual} between 1 and 5
        and ${t.treatPromise} between 1 and 5 and ${t.benefit} between 1 and 5 and ${t.csat} between 1 and 5
        and ${t.recommend} between 0 and 10`,
    ),
    check('responses_completed_at', sql`(${t.status} = 'completed') = (${t.completedAt} is not null)`),
  ],
);

/** Answers to a survey version's custom questions. */
export const responseAnswers = pgTable(
  'response_answers',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    responseId: uuid('response_id').notNull().references(() => responses.id, { onDelete: 'cascade' }),
    questionKey: text('question_key').notNull(),
    value: jsonb('value').$type<string | number | string[]>().notNull(),
  },
  (t) => [uniqueIndex('response_answers_question_key').on(t.responseId, t.questionKey)],
);
