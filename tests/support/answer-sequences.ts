import { eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { setTiersFromApi } from '../../app/customers/api-sync.server';
import { eraseCustomer } from '../../app/customers/privacy.server';
import { selectRows } from '../../app/reports/period-tables.server';
import { findInvitation, saveStep } from '../../app/surveys/answering.server';
import { createInvitationToken } from '../../app/surveys/invitation-token.server';
import type { Answers } from '../../app/surveys/answers';
import type { Database } from '../../db/client.server';
import { campaigns, invitations, workspaceTiers } from '../../db/schema';
import type { Random } from '../../db/seed/random';
import { createSurveyWorkspace, inviteCustomer, type SurveyWorkspace } from './survey-fixtures';

/**
 * Random sequences of what changes a quarter's answers — new, changed and
 * deleted responses, tier changes, erasures, a tier renamed — made through the
 * functions the app uses, for tests that check a figure kept by difference
 * against the same figure counted afresh (rollups-incremental, themes-incremental).
 */
export interface SequenceCustomer {
  id: string;
  externalId: string;
  /** One survey link per campaign of the quarter. */
  tokens: string[];
  erased: boolean;
}

export type Change = 'answer' | 'tier' | 'delete' | 'erase' | 'rename';

const TIERS = ['Gold', 'Silver', 'Bronze'];

export class AnswerSequences {
  private constructor(
    readonly db: Database,
    readonly workspace: SurveyWorkspace,
    readonly people: SequenceCustomer[],
    /** The free texts random answers pick from. */
    private readonly texts: readonly string[],
  ) {}

  /**
   * A workspace with three tiers and `customers` customers, each with a link to
   * two campaigns of the same quarter, so a customer's newer response replaces
   * the older one's contribution.
   */
  static async create(db: Database, { customers = 8, texts }: { customers?: number; texts: readonly string[] }): Promise<AnswerSequences> {
    const workspace = await createSurveyWorkspace(db, { tierLabels: TIERS, period: '2026-Q3' });
    const [second] = await db
      .insert(campaigns)
      .values({ workspaceId: workspace.workspaceId, surveyVersionId: workspace.versionId, name: 'Follow-up', period: workspace.period, status: 'open', closesAt: workspace.campaign.closesAt })
      .returning();
    const people: SequenceCustomer[] = [];
    for (let i = 0; i < customers; i += 1) {
      const invited = await inviteCustomer(db, workspace, { tierIndex: i % 3, externalId: `C-${i}` });
      const { token, tokenHash } = createInvitationToken();
      await db.insert(invitations).values({ workspaceId: workspace.workspaceId, campaignId: second!.id, customerId: invited.customer.id, tokenHash, status: 'delivered' });
      people.push({ id: invited.customer.id, externalId: `C-${i}`, tokens: [invited.token, token], erased: false });
    }
    return new AnswerSequences(db, workspace, people, texts);
  }

  randomAnswers(random: Random, names: readonly string[]): Answers {
    const answers: Answers = {};
    for (const name of names) {
      if (random.chance(0.12)) answers[name] = null;
      else if (name === 'miss_us') answers[name] = random.pick(['very', 'somewhat', 'not', 'na']);
      else if (name === 'recommend') answers[name] = random.int(11);
      else if (name.startsWith('treat_') || name === 'benefit' || name === 'csat') answers[name] = 1 + random.int(5);
      else answers[name] = random.pick(this.texts);
    }
    return answers;
  }

  /** Answers a survey link through as a customer would: every step, the last one completing it. */
  async answer(random: Random, token: string, options: { complete: boolean }): Promise<void> {
    const context = await findInvitation(this.db, token);
    if (!context) throw new Error('unknown survey link');
    const steps = context.plan.steps;
    const last = options.complete ? steps.length : Math.max(1, random.int(steps.length - 1));
    for (let index = 0; index < last; index += 1) {
      const step = steps[index]!;
      const names = step.items.filter((item) => item.core).map((item) => item.name);
      const complete = options.complete && index === steps.length - 1;
      await saveStep(this.db, context, { step, answers: this.randomAnswers(random, names), locale: 'de', reached: index + 1, complete });
    }
  }

  /** Changes one step of a completed response, as the survey page lets a customer do before the campaign closes. */
  async change(random: Random, token: string): Promise<void> {
    const context = (await findInvitation(this.db, token))!;
    const step = random.pick(context.plan.steps);
    const names = step.items.filter((item) => item.core).map((item) => item.name);
    await saveStep(this.db, context, { step, answers: this.randomAnswers(random, names), locale: 'de', reached: context.plan.steps.length, complete: true });
  }

  /** Answers the link, or changes the answers when it is completed already. */
  async answerOrChange(random: Random, token: string, options: { complete: boolean }): Promise<'answer' | 'change'> {
    const context = (await findInvitation(this.db, token))!;
    if (context.response?.status === 'completed') {
      await this.change(random, token);
      return 'change';
    }
    await this.answer(random, token, options);
    return 'answer';
  }

  async completedResponses(customerId: string): Promise<string[]> {
    const rows = await selectRows<{ id: string }>(this.db, sql`select id from responses where customer_id = ${customerId} and status = 'completed'`);
    return rows.map((row) => row.id);
  }

  /** One change of the given kind for a random customer; returns what was done ('skip' when it did not apply). */
  async apply(random: Random, kind: Change): Promise<string> {
    const customer = random.pick(this.people);
    // An erased customer's survey links no longer work, and their tier is gone.
    if (customer.erased && kind !== 'delete' && kind !== 'rename') return 'skip';
    const { db, workspace } = this;
    switch (kind) {
      case 'answer':
        return this.answerOrChange(random, random.pick(customer.tokens), { complete: random.chance(0.85) });
      case 'tier': {
        const result = await setTiersFromApi(db, workspace.workspaceId, {
          period: workspace.period,
          assignments: [{ externalId: customer.externalId, tier: random.pick(TIERS) }],
        });
        expect(result.ok).toBe(true);
        return 'tier';
      }
      case 'delete': {
        // Nothing in the app deletes a single response; a cascade (a customer or campaign deleted) does it this way.
        const ids = await this.completedResponses(customer.id);
        if (ids.length === 0) return 'skip';
        await db.execute(sql`delete from responses where id = ${random.pick(ids)}`);
        return 'delete';
      }
      case 'erase':
        expect(await eraseCustomer(db, workspace.workspaceId, customer.id, { actorUserId: workspace.owner.userId, suppressAddress: false })).toBe(true);
        customer.erased = true;
        return 'erase';
      case 'rename': {
        // A tier renamed and named back: its label is in the stored figures, so the quarter is counted afresh.
        const [tier] = await db.select().from(workspaceTiers).where(eq(workspaceTiers.workspaceId, workspace.workspaceId)).limit(1);
        await db.update(workspaceTiers).set({ label: `${tier!.label}*` }).where(eq(workspaceTiers.id, tier!.id));
        await db.update(workspaceTiers).set({ label: tier!.label }).where(eq(workspaceTiers.id, tier!.id));
        return 'rename';
      }
    }
  }

  /** Every customer not erased answers (or changes) their second campaign's link, all at once. */
  answerAllAtOnce(random: Random): Promise<unknown>[] {
    return this.people
      .filter((customer) => !customer.erased)
      .map((customer) => this.answerOrChange(random, customer.tokens[1]!, { complete: true }));
  }
}

/** The kind whose share of [0, 1) the roll falls in: `shares` lists each kind with the roll it runs up to. */
export function pick<T extends string>(roll: number, shares: ReadonlyArray<readonly [T, number]>, otherwise: T): T {
  return shares.find(([, upTo]) => roll < upTo)?.[0] ?? otherwise;
}
