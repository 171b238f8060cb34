import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
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
  tierAssignments,
  users,
  workspaceTiers,
} from '../../db/schema';
import { isUuid } from '../customers/customers.server';
import { isOverdue, type ServiceLevel } from './service-level';

export type FlagStatus = (typeof flagStatuses)[number];

export interface FlagFilters {
  status?: FlagStatus;
  kind?: (typeof flagKinds)[number];
  severity?: (typeof flagSeverities)[number];
  tier?: string;
  campaignId?: string;
  assignedTo?: string;
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
    .leftJoin(tierAssignments, and(eq(tierAssignments.customerId, flags.customerId), eq(tierAssignments.period, campaigns.period)))
    .leftJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
    .leftJoin(users, eq(users.id, flags.assignedTo))
    .where(where);
}

/**
 * Flags of a workspace with their customer, tier (in the campaign's period),
 * campaign and assignee; high severity first, then newest.
 */
export async function listFlags(db: Database, workspaceId: string, filters: FlagFilters = {}, limit = 200) {
  const conditions = [
    eq(flags.workspaceId, workspaceId),
    filters.status ? eq(flags.status, filters.status) : undefined,
    filters.kind ? eq(flags.kind, filters.kind) : undefined,
    filters.severity ? eq(flags.severity, filters.severity) : undefined,
    filters.tier ? eq(workspaceTiers.label, filters.tier) : undefined,
    filters.campaignId && isUuid(filters.campaignId) ? eq(flags.campaignId, filters.campaignId) : undefined,
    filters.assignedTo && isUuid(filters.assignedTo) ? eq(flags.assignedTo, filters.assignedTo) : undefined,
  ];
  return selectFlags(db, and(...conditions))
    .orderBy(sql`case ${flags.severity} when 'high' then 0 else 1 end`, desc(flags.createdAt), asc(flags.id))
    .limit(limit);
}

/** Open flags past the workspace's service level (nobody has contacted the customer in time). */
export async function countOverdueFlags(db: Database, workspaceId: string, level: ServiceLevel, now: Date = new Date()): Promise<number> {
  const open = await db
    .select({ status: flags.status, severity: flags.severity, createdAt: flags.createdAt })
    .from(flags)
    .where(and(eq(flags.workspaceId, workspaceId), eq(flags.status, 'open')));
  return open.filter((flag) => isOverdue(flag, level, now)).length;
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
