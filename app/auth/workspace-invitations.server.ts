import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { workspaceInvitations } from '../../db/schema';
import { randomToken, tokenHash } from './tokens.server';

const INVITATION_DAYS = 14;

/** An operator's invitation to create one workspace; returns the sign-up link to pass on. */
export async function createWorkspaceInvitation(db: Database, input: { email: string; appUrl: string }): Promise<{ link: string; expiresAt: Date }> {
  const token = randomToken();
  const [row] = await db
    .insert(workspaceInvitations)
    .values({ email: input.email.trim().toLowerCase(), tokenHash: tokenHash(token), expiresAt: sql`now() + make_interval(days => ${INVITATION_DAYS})` })
    .returning({ expiresAt: workspaceInvitations.expiresAt });
  return { link: `${input.appUrl}/signup?${new URLSearchParams({ invite: token })}`, expiresAt: row!.expiresAt };
}

/** The unused, unexpired invitation of a link token, or null. */
export async function findWorkspaceInvitation(db: Database, token: string | null | undefined): Promise<{ id: string; email: string } | null> {
  if (!token || token.length < 32 || token.length > 128) return null;
  const [row] = await db
    .select({ id: workspaceInvitations.id, email: workspaceInvitations.email })
    .from(workspaceInvitations)
    .where(and(eq(workspaceInvitations.tokenHash, tokenHash(token)), isNull(workspaceInvitations.usedAt), gt(workspaceInvitations.expiresAt, sql`now()`)));
  return row ?? null;
}

/** Marks the invitation used; false when another sign-up used it first. */
export async function useWorkspaceInvitation(db: Database, id: string): Promise<boolean> {
  const used = await db
    .update(workspaceInvitations)
    .set({ usedAt: sql`now()` })
    .where(and(eq(workspaceInvitations.id, id), isNull(workspaceInvitations.usedAt)))
    .returning({ id: workspaceInvitations.id });
  return used.length > 0;
}

/** Gives the invitation back, when the sign-up it was used for failed. */
export async function releaseWorkspaceInvitation(db: Database, id: string): Promise<void> {
  await db.update(workspaceInvitations).set({ usedAt: null }).where(eq(workspaceInvitations.id, id));
}
