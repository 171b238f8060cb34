import { and, asc, desc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { PgSelect } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import {
  campaigns,
  customers,
  flagEvents,
  flags,
  flagKinds,
  flagSeverities,
  flagStatuses,
  memberships,
  responses,
  users,
  workspaceTiers,
} from '../../db/schema';
import { isUuid, likePattern } from '../customers/customers.server';
import { cursorId, cursorTimestamp, decodeCursor, isoTimestamp, keysetPage } from '../http/keyset.server';
import type { ServiceLevel } from './service-level';
import { overdueSql } from './service-level-sql.server';

export type FlagStatus = (typeof flagStatuses)[number];

export interface FlagFilters {
  status?: FlagStatus;
  kind?: (typeof flagKinds)[number];
  severity?: (typeof flagSeverities)[number];
  tier?: string;
  campaignId?: string;
  assignedTo?: string;
  /** Search in the customer's name, email and customer number. */
  q?: string;
}

function selectFlags(db: Database, where: SQL | undefined) {
  return db
    .select({
      id: flags.id,
      kind: flags.kind,
      severity: flags.severity,
      reasons: flags.reasons,
      status: flags.status,
      createdAt: flags.createdAt,
      updatedAt: flags.updatedAt,
      customerId: customers.id,
      customerName: customers.name,
      customerCompany: customers.company,
      externalId: customers.externalId,
      campaignId: campaigns.id,
      campaignName: campaigns.name,
      period: campaigns.period,
      tier: workspaceTiers.label,
      assignedTo: flags.assignedTo,
      assigneeName: users.name,
      responseId: flags.responseId,
    })
    .from(flags)
    .innerJoin(customers, eq(customers.id, flags.customerId))
    .innerJoin(campaigns, eq(campaigns.id, flags.campaignId))
    .leftJoin(workspaceTiers, eq(workspaceTiers.id, flags.tierId))
    .leftJoin(users, eq(users.id, flags.assignedTo))
    .where(where);
}

/** Which flags a list shows; the page, its count and the download share it, so the count matches the filters and the search. */
function flagConditions(workspaceId: string, filters: FlagFilters): SQL | undefined {
  const q = filters.q?.trim();
  const pattern = q ? likePattern(q) : null;
  return and(
    eq(flags.workspaceId, workspaceId),
    filters.status ? eq(flags.status, filters.status) : undefined,
    filters.kind ? eq(flags.kind, filters.kind) : undefined,
    filters.severity ? eq(flags.severity, filters.severity) : undefined,
    filters.tier ? eq(workspaceTiers.label, filters.tier) : undefined,
    filters.campaignId && isUuid(filters.campaignId) ? eq(flags.campaignId, filters.campaignId) : undefined,
    filters.assignedTo && isUuid(filters.assignedTo) ? eq(flags.assignedTo, filters.assignedTo) : undefined,
    pattern ? or(ilike(customers.name, pattern), ilike(customers.email, pattern), ilike(customers.externalId, pattern)) : undefined,
  );
}

/**
 * The joins the filters name, for a list's page and its count alike: the
 * customer for a search, the tier (in the campaign's period, kept on the
 * flag) for a tier filter. Only then: every flag has its customer, and the
 * count joined to 200,000 customers hashed them all on each view (170 ms).
 */
function withFilterJoins<T extends PgSelect>(query: T, filters: FlagFilters): T {
  // The selects name their columns, so a join leaves the rows' type as it is.
  let joined: PgSelect = query;
  if (filters.q?.trim()) joined = joined.innerJoin(customers, eq(customers.id, flags.customerId));
  if (filters.tier) joined = joined.leftJoin(workspaceTiers, eq(workspaceTiers.id, flags.tierId));
  return joined as T;
}

/** The queue's order: high severity first, then newest (id breaks ties). */
const severityRank = sql<number>`(case ${flags.severity} when 'high' then 0 else 1 end)`;

/**
 * Flags of a workspace with their customer, tier (in the campaign's period),
 * campaign and assignee; high severity first, then newest.
 */
export async function listFlags(db: Database, workspaceId: string, filters: FlagFilters = {}, limit = 200) {
  return selectFlags(db, flagConditions(workspaceId, filters)).orderBy(severityRank, desc(flags.createdAt), asc(flags.id)).limit(limit);
}

/** Where the next page of the queue starts: the last flag's severity rank, creation (to the microsecond) and id. */
const flagCursorShape = z.tuple([z.union([z.literal(0), z.literal(1)]), cursorTimestamp, cursorId]);

/** Whether a cursor from a URL is one of the flag queue's (the page answers 400 otherwise). */
export function isFlagCursor(text: string): boolean {
  return decodeCursor(flagCursorShape, text) !== null;
}

/**
 * One page of the flag queue in the queue's order, with the number of flags
 * the filters and the search find and, of those, the open flags past the
 * service level. Keyset pagination on (severity rank, created, id); a
 * malformed cursor reads as none (routes refuse it first, see isFlagCursor).
 */
export async function flagPage(
  db: Database,
  workspaceId: string,
  filters: FlagFilters,
  options: { after?: string; limit?: number; level: ServiceLevel; now?: Date },
) {
  const limit = options.limit ?? 100;
  const cursor = decodeCursor(flagCursorShape, options.after);
  const where = flagConditions(workspaceId, filters);
  const now = options.now ?? new Date();
  // Mixed directions (rank up, time down, id up) do not fit one row comparison; spelled out.
  const after = cursor
    ? sql`(${severityRank} > ${cursor[0]}::int or (${severityRank} = ${cursor[0]}::int and (${flags.createdAt} < ${cursor[1]}::timestamptz
        or (${flags.createdAt} = ${cursor[1]}::timestamptz and ${flags.id} > ${cursor[2]}::uuid))))`
    : undefined;
  const [rows, [count]] = await Promise.all([
    withFilterJoins(db.select({ id: flags.id, rank: severityRank, at: isoTimestamp(flags.createdAt) }).from(flags).$dynamic(), filters)
      .where(and(where, after))
      .orderBy(severityRank, desc(flags.createdAt), asc(flags.id))
      .limit(limit + 1),
    withFilterJoins(
      db.select({ n: sql<number>`count(*)::int`, overdue: sql<number>`(count(*) filter (where ${overdueSql(options.level, now)}))::int` }).from(flags).$dynamic(),
      filters,
    ).where(where),
  ]);
  const page = keysetPage(rows, limit, (last) => [Number(last.rank), last.at, last.id]);
  const ids = page.rows.map((row) => row.id);
  const details = ids.length === 0 ? [] : await selectFlags(db, and(eq(flags.workspaceId, workspaceId), inArray(flags.id, ids)));
  const byId = new Map(details.map((flag) => [flag.id, flag]));
  return {
    rows: ids.map((id) => byId.get(id)!),
    next: page.next,
    total: Number(count?.n ?? 0),
    overdue: Number(count?.overdue ?? 0),
  };
}

/** Open flags past the workspace's service level (nobody has contacted the customer in time). */
export async function countOverdueFlags(db: Database, workspaceId: string, level: ServiceLevel, now: Date = new Date()): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(flags)
    .where(and(eq(flags.workspaceId, workspaceId), eq(flags.status, 'open'), overdueSql(level, now)));
  return Number(row?.n ?? 0);
}

/** The flags of one customer, newest first. */
export async function listCustomerFlags(db: Database, workspaceId: string, customerId: string) {
  if (!isUuid(customerId)) return [];
  return selectFlags(db, and(eq(flags.workspaceId, workspaceId), eq(flags.customerId, customerId))).orderBy(desc(flags.createdAt));
}

/** One flag of the workspace with its history and the customer's free-text answers, or null. */
export async function getFlag(db: Database, workspaceId: string, flagId: string) {
  if (!isUuid(flagId)) return null;
  const [flag] = await selectFlags(db, and(eq(flags.workspaceId, workspaceId), eq(flags.id, flagId)));
  if (!flag) return null;
  const [history, answers] = await Promise.all([
    db
      .select({ id: flagEvents.id, action: flagEvents.action, note: flagEvents.note, createdAt: flagEvents.createdAt, actorName: users.name })
      .from(flagEvents)
      .leftJoin(users, eq(users.id, flagEvents.actorUserId))
      .where(eq(flagEvents.flagId, flag.id))
      .orderBy(asc(flagEvents.createdAt), asc(flagEvents.id)),
    flag.responseId
      ? db
          .select({ missMost: responses.missMost, alternative: responses.alternative, improve: responses.improve, missUs: responses.missUs })
          .from(responses)
          .where(eq(responses.id, flag.responseId))
      : Promise.resolve([]),
  ]);
  return { ...flag, history, answers: answers[0] ?? null };
}

/** Members a flag can be assigned to. */
export async function listAssignees(db: Database, workspaceId: string) {
  return db
    .select({ id: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(users.name));
}

export type FlagAction =
  | { type: 'assign'; assigneeId: string | null }
  | { type: 'contacted'; note?: string }
  | { type: 'resolved' | 'dismissed'; note: string }
  | { type: 'noted'; note: string };

export type FlagActionResult = { ok: true } | { ok: false; error: 'not_found' | 'closed' | 'unknown_assignee' };

const closedStatuses: readonly FlagStatus[] = ['resolved', 'dismissed'];

/**
 * Works a flag: assign it, mark it contacted, resolve or dismiss it, or add a
 * note. Every action is recorded in the flag's history with the member who
 * acted. A closed flag takes notes only.
 */
export async function actOnFlag(
  db: Database,
  input: { workspaceId: string; flagId: string; actorUserId: string; action: FlagAction },
): Promise<FlagActionResult> {
  const { workspaceId, flagId, actorUserId, action } = input;
  if (!isUuid(flagId)) return { ok: false, error: 'not_found' };
  return db.transaction(async (tx) => {
    const [flag] = await tx
      .select({ id: flags.id, status: flags.status })
      .from(flags)
      .where(and(eq(flags.id, flagId), eq(flags.workspaceId, workspaceId)))
      .for('update');
    if (!flag) return { ok: false, error: 'not_found' } as const;
    if (action.type !== 'noted' && closedStatuses.includes(flag.status)) return { ok: false, error: 'closed' } as const;

    if (action.type === 'assign') {
      let assigneeName: string | null = null;
      if (action.assigneeId !== null) {
        const [member] = await tx
          .select({ name: users.name })
          .from(memberships)
          .innerJoin(users, eq(users.id, memberships.userId))
          .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, action.assigneeId)));
        if (!member) return { ok: false, error: 'unknown_assignee' } as const;
        assigneeName = member.name;
      }
      await tx.update(flags).set({ assignedTo: action.assigneeId, updatedAt: sql`now()` }).where(eq(flags.id, flag.id));
      // The history shows whom the flag went to, as it was named then.
      await tx.insert(flagEvents).values({ workspaceId, flagId: flag.id, actorUserId, action: 'assigned', note: assigneeName });
      return { ok: true } as const;
    }
    if (action.type !== 'noted') {
      await tx.update(flags).set({ status: action.type, updatedAt: sql`now()` }).where(eq(flags.id, flag.id));
    }
    await tx.insert(flagEvents).values({ workspaceId, flagId: flag.id, actorUserId, action: action.type, note: action.note || null });
    return { ok: true } as const;
  });
}
