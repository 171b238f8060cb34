import { createElement } from 'react';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { memberInvitations, memberships, users, workspaces, type Role } from '../../db/schema';
import TeamInvitationEmail from '../../emails/team-invitation';
import { env } from '../config/env.server';
import { queueEmail } from '../email/outbox.server';
import { translator, type Locale } from '../i18n';
import { recordAudit } from './audit.server';
import { hashPassword } from './password.server';
import { randomToken, tokenHash } from './tokens.server';

const INVITATION_DAYS = 7;

export async function listMembers(db: Database, workspaceId: string) {
  return db
    .select({ userId: users.id, name: users.name, email: users.email, role: memberships.role, since: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, workspaceId))
    .orderBy(asc(memberships.createdAt));
}

export async function listPendingInvitations(db: Database, workspaceId: string) {
  return db
    .select({ id: memberInvitations.id, email: memberInvitations.email, role: memberInvitations.role, expiresAt: memberInvitations.expiresAt })
    .from(memberInvitations)
    .where(
      and(
        eq(memberInvitations.workspaceId, workspaceId),
        isNull(memberInvitations.acceptedAt),
        isNull(memberInvitations.revokedAt),
        gt(memberInvitations.expiresAt, sql`now()`),
      ),
    )
    .orderBy(asc(memberInvitations.createdAt));
}

export type InviteResult = { ok: true; link: string } | { ok: false; error: 'already_member' | 'invitation_pending' };

/**
 * Invites a person by email with a role. The link carries a random token whose
 * hash is stored; the message goes through the email module.
 */
export async function invite(
  db: Database,
  input: { workspaceId: string; email: string; role: Role; invitedBy: { id: string; name: string }; locale: Locale },
): Promise<InviteResult> {
  const existing = await db
    .select({ id: users.id })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.workspaceId, input.workspaceId)))
    .where(eq(users.email, input.email));
  if (existing.length > 0) return { ok: false, error: 'already_member' };
  const pending = await listPendingInvitations(db, input.workspaceId);
  if (pending.some((invitation) => invitation.email === input.email)) return { ok: false, error: 'invitation_pending' };

  const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, input.workspaceId));
  const token = randomToken();
  const [invitation] = await db
    .insert(memberInvitations)
    .values({
      workspaceId: input.workspaceId,
      email: input.email,
      role: input.role,
      tokenHash: tokenHash(token),
      invitedBy: input.invitedBy.id,
      expiresAt: sql`now() + make_interval(days => ${INVITATION_DAYS})`,
    })
    .returning({ id: memberInvitations.id });

  const t = translator(input.locale);
  const vars = { workspace: workspace!.name, inviter: input.invitedBy.name, role: t(`roles.${input.role}`) };
  const link = `${env().APP_URL}/join/${token}`;
  await queueEmail(db, {
    kind: 'team_invitation',
    workspaceId: input.workspaceId,
    to: input.email,
    fromName: 'Wouldmiss',
    subject: t('email.teamInvitation.subject', vars),
    body: createElement(TeamInvitationEmail, {
      lang: input.locale,
      acceptUrl: link,
      texts: {
        preview: t('email.teamInvitation.preview', vars),
        heading: t('email.teamInvitation.heading', vars),
        body: t('email.teamInvitation.body', vars),
        button: t('email.teamInvitation.button'),
        expiry: t('email.teamInvitation.expiry'),
      },
    }),
    idempotencyKey: `team-invitation:${invitation!.id}`,
    link,
  });
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actorUserId: input.invitedBy.id,
    action: 'member.invited',
    subjectType: 'member_invitation',
    subjectId: invitation!.id,
    details: { email: input.email, role: input.role },
  });
  return { ok: true, link };
}

/** A still valid invitation by its link token, with what the join page shows. */
export async function findInvitation(db: Database, token: string) {
  if (token.length < 32 || token.length > 128) return null;
  const rows = await db
    .select({
      id: memberInvitations.id,
      email: memberInvitations.email,
      role: memberInvitations.role,
      workspaceId: memberInvitations.workspaceId,
      workspaceName: workspaces.name,
      existingUserId: users.id,
    })
    .from(memberInvitations)
    .innerJoin(workspaces, eq(workspaces.id, memberInvitations.workspaceId))
    .leftJoin(users, eq(users.email, memberInvitations.email))
    .where(
      and(
        eq(memberInvitations.tokenHash, tokenHash(token)),
        isNull(memberInvitations.acceptedAt),
        isNull(memberInvitations.revokedAt),
        gt(memberInvitations.expiresAt, sql`now()`),
      ),
    );
  return rows[0] ?? null;
}

/**
 * Accepts an invitation: creates the account (or uses the existing user) and
 * the membership. The invitation is used up in the same transaction, so the
 * link works once.
 */
export async function acceptInvitation(
  db: Database,
  invitation: NonNullable<Awaited<ReturnType<typeof findInvitation>>>,
  account: { existingUserId: string } | { name: string; password: string },
): Promise<{ userId: string; workspaceId: string } | null> {
  const passwordHash = 'password' in account ? await hashPassword(account.password) : null;
  return db.transaction(async (tx) => {
    const used = await tx
      .update(memberInvitations)
      .set({ acceptedAt: sql`now()` })
      .where(and(eq(memberInvitations.id, invitation.id), isNull(memberInvitations.acceptedAt)))
      .returning({ id: memberInvitations.id });
    if (used.length === 0) return null;
    let userId: string;
    if ('existingUserId' in account) {
      userId = account.existingUserId;
    } else {
      const [user] = await tx
        .insert(users)
        .values({ email: invitation.email, name: account.name, passwordHash: passwordHash! })
        .onConflictDoNothing({ target: users.email })
        .returning({ id: users.id });
      if (!user) return null;
      userId = user.id;
    }
    await tx
      .insert(memberships)
      .values({ workspaceId: invitation.workspaceId, userId, role: invitation.role })
      .onConflictDoNothing();
    await recordAudit(tx, {
      workspaceId: invitation.workspaceId,
      actorUserId: userId,
      action: 'member.joined',
      subjectType: 'user',
      subjectId: userId,
      details: { role: invitation.role },
    });
    return { userId, workspaceId: invitation.workspaceId };
  });
}
