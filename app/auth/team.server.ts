import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { auditLog, memberInvitations, memberships, sessions, users, type Role } from '../../db/schema';
import { recordAudit } from './audit.server';

// What owners do to their team: remove a member, change a role, revoke an
// invitation. Each change is written to the audit log, which owners read in
// settings. A workspace always keeps at least one owner.

export type TeamChangeResult = { ok: true } | { ok: false; error: 'not_found' | 'last_owner' };

/**
 * Locks the workspace's owner memberships and tells whether `userId` is the
 * only owner. Two owners demoting each other at the same moment queue on
 * the lock, so the second sees that only one owner is left.
 */
async function isOnlyOwner(tx: Database, workspaceId: string, userId: string): Promise<boolean> {
  const owners = await selectRows<{ user_id: string }>(
    tx,
    sql`select user_id from memberships where workspace_id = ${workspaceId} and role = 'owner' for update`,
  );
  return owners.length === 1 && owners[0]!.user_id === userId;
}

/** Removes a member from the workspace; their sessions in it end at once. */
export async function removeMember(db: Database, input: { workspaceId: string; actorUserId: string; userId: string }): Promise<TeamChangeResult> {
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ role: memberships.role, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)));
    if (!target) return { ok: false, error: 'not_found' };
    if (target.role === 'owner' && (await isOnlyOwner(tx, input.workspaceId, input.userId))) return { ok: false, error: 'last_owner' };
    await tx.delete(memberships).where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)));
    await tx.delete(sessions).where(and(eq(sessions.workspaceId, input.workspaceId), eq(sessions.userId, input.userId)));
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: 'member.removed',
      subjectType: 'user',
      subjectId: input.userId,
      details: { email: target.email, role: target.role },
    });
    return { ok: true };
  });
}

/** Gives a member another role; the last owner cannot give up theirs. */
export async function changeRole(db: Database, input: { workspaceId: string; actorUserId: string; userId: string; role: Role }): Promise<TeamChangeResult> {
  return db.transaction(async (tx) => {
    const [target] = await tx
      .select({ role: memberships.role, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)));
    if (!target) return { ok: false, error: 'not_found' };
    if (target.role === input.role) return { ok: true };
    if (target.role === 'owner' && (await isOnlyOwner(tx, input.workspaceId, input.userId))) return { ok: false, error: 'last_owner' };
    await tx.update(memberships).set({ role: input.role }).where(and(eq(memberships.workspaceId, input.workspaceId), eq(memberships.userId, input.userId)));
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      actorUserId: input.actorUserId,
      action: 'member.role_changed',
      subjectType: 'user',
      subjectId: input.userId,
      details: { email: target.email, from: target.role, to: input.role },
    });
    return { ok: true };
  });
}

/** Revokes a pending invitation; its link stops working. */
export async function revokeInvitation(db: Database, input: { workspaceId: string; actorUserId: string; invitationId: string }): Promise<TeamChangeResult> {
  const revoked = await db
    .update(memberInvitations)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(memberInvitations.id, input.invitationId),
        eq(memberInvitations.workspaceId, input.workspaceId),
        isNull(memberInvitations.acceptedAt),
        isNull(memberInvitations.revokedAt),
      ),
    )
    .returning({ email: memberInvitations.email, role: memberInvitations.role });
  if (revoked.length === 0) return { ok: false, error: 'not_found' };
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actorUserId: input.actorUserId,
    action: 'invitation.revoked',
    subjectType: 'invitation',
    subjectId: input.invitationId,
    details: { email: revoked[0]!.email, role: revoked[0]!.role },
  });
  return { ok: true };
}

/** Records a sign-in, which the members list shows as the member's last sign-in. */
export async function recordSignIn(db: Database, workspaceId: string, userId: string): Promise<void> {
  await recordAudit(db, { workspaceId, actorUserId: userId, action: 'member.signed_in', subjectType: 'user', subjectId: userId });
}

/** Each member's latest sign-in to the workspace (user id → time). */
export async function lastSignIns(db: Database, workspaceId: string): Promise<Map<string, Date>> {
  const rows = await db
    .select({ userId: auditLog.actorUserId, at: sql<number>`extract(epoch from max(${auditLog.createdAt}))::float8` })
    .from(auditLog)
    .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.action, 'member.signed_in')))
    .groupBy(auditLog.actorUserId);
  return new Map(rows.filter((row) => row.userId !== null).map((row) => [row.userId!, new Date(Number(row.at) * 1000)]));
}

/** The workspace's latest audit entries, sign-ins left out (they are in the members list), newest first. */
export async function recentAudit(db: Database, workspaceId: string, limit = 50) {
  return db
    .select({ id: auditLog.id, at: auditLog.createdAt, action: auditLog.action, actor: users.name, details: auditLog.details })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(and(eq(auditLog.workspaceId, workspaceId), sql`${auditLog.action} <> 'member.signed_in'`))
    .orderBy(desc(auditLog.createdAt))
    .limit(limit);
}
