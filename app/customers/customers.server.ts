import { and, asc, desc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { campaigns, customers, flags, invitations, responses, tierAssignments, workspaceTiers } from '../../db/schema';
import type { AnswerFilter, CustomerSort, FlagFilter, SortDirection } from './customer-links';
import { decodeCursor, pageByKey, pageByName, sortKeyOf } from './customer-order.server';

/** Escapes LIKE wildcards so a search for `50%` finds that text. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface CustomerListOptions {
  q?: string;
  /** Show tiers of this period (default: the latest period with tiers). */
  period?: string;
  /** Only customers with this tier label in `period`. */
  tier?: string;
  /** Only customers whose latest completed answer of `period` is this (see customer-links.ts). */
  answer?: AnswerFilter;
  /** Only customers with such a flag from a campaign of `period`. */
  flag?: FlagFilter;
  /** Only customers this member (a user id) looks after, or `none`: those nobody looks after. */
  owner?: string;
  /** By name (default), or by tier or latest answer in `period` (by name without a period). */
  sort?: CustomerSort;
  dir?: SortDirection;
  after?: string;
  limit?: number;
}

/**
 * One page of a workspace's customers with their tier, latest answer and open
 * flags in the period, in the chosen order (see customer-order.server.ts).
 * Keyset pagination: by name every page is an index seek, so page 1,000
 * costs what page 1 costs, at any number of customers.
 */
export async function listCustomers(db: Database, workspaceId: string, options: CustomerListOptions = {}) {
  const limit = options.limit ?? 50;
  const sort = options.period ? (options.sort ?? 'name') : 'name';
  const dir = options.dir ?? 'asc';
  const cursor = decodeCursor(options.after, sort, dir);
  const filters = customerFilters(workspaceId, options);
  const { rows: page, next } =
    sort === 'name' || !options.period
      ? await pageByName(db, filters, dir, cursor, limit)
      : await pageByKey(db, filters, sort, sortKeyOf(workspaceId, options.period, sort), dir, cursor, limit);

  const tiers = new Map<string, string>();
  const answers = new Map<string, { missUs: string | null; openFlags: number }>();
  if (options.period && page.length > 0) {
    const ids = page.map((row) => row.id);
    const [assigned, latest] = await Promise.all([
      db
        .select({ customerId: tierAssignments.customerId, label: workspaceTiers.label })
        .from(tierAssignments)
        .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
        .where(and(eq(tierAssignments.period, options.period), inArray(tierAssignments.customerId, ids))),
      // The latest completed answer of the quarter (the one the review counts) and the open flags of its campaigns.
      db
        .select({
          customerId: customers.id,
          missUs: sql<string | null>`(${latestResponseOf(workspaceId, options.period, sql`r.miss_us`)})`,
          answered: sql<boolean>`exists (${latestResponseOf(workspaceId, options.period, sql`1`)})`,
          openFlags: sql<number>`(select count(*)::int from flags f join campaigns c on c.id = f.campaign_id
            where f.customer_id = customers.id and c.period = ${options.period} and f.status = 'open')`,
        })
        .from(customers)
        .where(inArray(customers.id, ids)),
    ]);
    for (const row of assigned) tiers.set(row.customerId, row.label);
    for (const row of latest) answers.set(row.customerId, { missUs: row.answered ? (row.missUs ?? 'none') : null, openFlags: row.openFlags });
  }
  return {
    rows: page.map((row) => ({
      ...row,
      tier: tiers.get(row.id) ?? null,
      /** The miss-us answer of the latest completed response in the period ('none' when it skipped the question), null without one. */
      lastAnswer: answers.get(row.id)?.missUs ?? null,
      openFlags: answers.get(row.id)?.openFlags ?? 0,
    })),
    next,
  };
}

/**
 * A value of the customer's latest completed response in a period: the one
 * response per customer and quarter that the review counts. Written with
 * aliases and `customers.id` spelled out: in a one-table select Drizzle
 * renders a column as a bare "id", which the subquery would read as its own.
 */
function latestResponseOf(workspaceId: string, period: string, value: SQL): SQL {
  return sql`select ${value} from responses r
    where r.workspace_id = ${workspaceId} and r.customer_id = customers.id and r.period = ${period} and r.status = 'completed'
    order by r.completed_at desc, r.id desc limit 1`;
}

function answerCondition(workspaceId: string, period: string, answer: AnswerFilter): SQL {
  const latest = sql`(${latestResponseOf(workspaceId, period, sql`r.miss_us`)})`;
  switch (answer) {
    case 'any':
      return sql`exists (${latestResponseOf(workspaceId, period, sql`1`)})`;
    case 'none':
      return sql`not exists (${latestResponseOf(workspaceId, period, sql`1`)})`;
    case 'scored':
      return sql`${latest} in ('very', 'somewhat', 'not')`;
    default:
      return sql`${latest} = ${answer}`;
  }
}

function flagCondition(period: string, flag: FlagFilter): SQL {
  const which = flag === 'open' ? sql`f.status = 'open'` : sql`f.kind = ${flag} and f.status <> 'withdrawn'`;
  return sql`exists (select 1 from flags f join campaigns c on c.id = f.campaign_id
    where f.customer_id = customers.id and c.period = ${period} and ${which})`;
}

/**
 * Which customers a list shows: not erased, matching the search, and with the
 * tier, latest answer and flags in the period when they are chosen. The list and its count share it, so
 * the count always says how many the filters find.
 */
function customerFilters(workspaceId: string, options: CustomerFilter): Array<SQL | undefined> {
  const q = options.q?.trim();
  const filters: Array<SQL | undefined> = [eq(customers.workspaceId, workspaceId), isNull(customers.erasedAt)];
  if (q) {
    const pattern = likePattern(q);
    filters.push(or(ilike(customers.name, pattern), ilike(customers.email, pattern), ilike(customers.company, pattern), ilike(customers.externalId, pattern)));
  }
  if (options.tier && options.period) {
    filters.push(
      sql`exists (select 1 from ${tierAssignments} ta join ${workspaceTiers} wt on wt.id = ta.tier_id
        where ta.customer_id = ${customers.id} and ta.period = ${options.period} and wt.label = ${options.tier})`,
    );
  }
  if (options.owner === 'none') filters.push(isNull(customers.accountOwnerId));
  else if (options.owner && isUuid(options.owner)) filters.push(eq(customers.accountOwnerId, options.owner));
  // Answers and flags belong to a quarter; without one they are not filtered.
  if (options.answer && options.period) filters.push(answerCondition(workspaceId, options.period, options.answer));
  if (options.flag && options.period) filters.push(flagCondition(options.period, options.flag));
  return filters;
}

type CustomerFilter = Pick<CustomerListOptions, 'q' | 'period' | 'tier' | 'answer' | 'flag' | 'owner'>;

/** The number of (not erased) customers the list's filters find: search text, account owner, tier, answer and flag in a period. */
export async function countCustomers(db: Database, workspaceId: string, filter: CustomerFilter = {}): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(customers)
    .where(and(...customerFilters(workspaceId, filter)));
  return row?.n ?? 0;
}

/**
 * One customer of the workspace with tier history, invitations, responses
 * and flags, or null (also for another workspace's id).
 */
export async function getCustomer(db: Database, workspaceId: string, customerId: string) {
  if (!isUuid(customerId)) return null;
  const [customer] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.id, customerId), eq(customers.workspaceId, workspaceId)));
  if (!customer) return null;
  const [tiers, invitationRows, responseRows, flagRows] = await Promise.all([
    db
      .select({
        period: tierAssignments.period,
        tier: workspaceTiers.label,
        position: workspaceTiers.position,
        revenue: tierAssignments.revenue,
        margin: tierAssignments.margin,
        source: tierAssignments.source,
      })
      .from(tierAssignments)
      .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
      .where(eq(tierAssignments.customerId, customer.id))
      .orderBy(desc(tierAssignments.period)),
    db
      .select({
        id: invitations.id,
        campaignId: campaigns.id,
        campaign: campaigns.name,
        period: campaigns.period,
        status: invitations.status,
        sentAt: invitations.sentAt,
        openedAt: invitations.openedAt,
        remindersSent: invitations.remindersSent,
        unsubscribedAt: invitations.unsubscribedAt,
      })
      .from(invitations)
      .innerJoin(campaigns, eq(campaigns.id, invitations.campaignId))
      .where(eq(invitations.customerId, customer.id))
      .orderBy(desc(campaigns.period), desc(invitations.createdAt)),
    db
      .select({
        id: responses.id,
        campaign: campaigns.name,
        period: responses.period,
        status: responses.status,
        completedAt: responses.completedAt,
        missUs: responses.missUs,
        treatEqual: responses.treatEqual,
        benefit: responses.benefit,
        csat: responses.csat,
        recommend: responses.recommend,
      })
      .from(responses)
      .innerJoin(campaigns, eq(campaigns.id, responses.campaignId))
      .where(eq(responses.customerId, customer.id))
      .orderBy(desc(responses.period), desc(responses.startedAt)),
    db
      .select({
        id: flags.id,
        kind: flags.kind,
        severity: flags.severity,
        status: flags.status,
        reasons: flags.reasons,
        campaign: campaigns.name,
        createdAt: flags.createdAt,
      })
      .from(flags)
      .innerJoin(campaigns, eq(campaigns.id, flags.campaignId))
      .where(eq(flags.customerId, customer.id))
      .orderBy(desc(flags.createdAt)),
  ]);
  return { ...customer, tiers, invitations: invitationRows, responses: responseRows, flags: flagRows };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in URLs are checked before they reach SQL, so a malformed id is a 404, not a database error. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
