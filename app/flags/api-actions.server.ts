import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { flagEvents, memberships, users } from '../../db/schema';
import { actOnFlag, type FlagAction } from './flags.server';

// Flags worked from a CRM through the API, with the same rules and history
// as in the app (actOnFlag). An API key has no member behind it, so the
// history names the key in the note and shows no member as the actor.

const noteText = z
  .string({ error: 'a string' })
  .trim()
  .max(5000, 'at most 5,000 characters')
  .refine((text) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text), 'must not contain control characters');

/** `POST /api/v1/flags/:flagId/actions`. */
export const flagActionBody = z.discriminatedUnion(
  'action',
  [
    z.strictObject({
      action: z.literal('assign'),
      assigneeEmail: z.email('the email of a member of this workspace, or null').nullable().describe('A member of the workspace; null leaves the flag unassigned.'),
    }),
    z.strictObject({ action: z.literal('contacted'), note: noteText.optional() }),
    z.strictObject({ action: z.literal('resolved'), note: noteText.min(1, 'required: what was done') }),
    z.strictObject({ action: z.literal('dismissed'), note: noteText.min(1, 'required: why the flag does not need action') }),
  ],
  { error: 'action must be assign, contacted, resolved or dismissed' },
);
export type FlagActionBody = z.output<typeof flagActionBody>;

export type ApiFlagActionResult = { ok: true } | { ok: false; error: 'not_found' | 'closed' | 'unknown_assignee' };

/**
 * Assigns, marks contacted, resolves or dismisses a flag for an API key, in
 * one transaction: the action as in the app, then the key's name added to
 * the note of the history entry it wrote.
 */
export async function actOnFlagThroughApi(
  db: Database,
  input: { workspaceId: string; flagId: string; keyName: string; body: FlagActionBody },
): Promise<ApiFlagActionResult> {
  const { workspaceId, flagId, keyName, body } = input;
  return db.transaction(async (tx) => {
    let action: FlagAction;
    if (body.action === 'assign') {
      let assigneeId: string | null = null;
      if (body.assigneeEmail !== null) {
        const [member] = await tx
          .select({ id: users.id })
          .from(memberships)
          .innerJoin(users, eq(users.id, memberships.userId))
          .where(and(eq(memberships.workspaceId, workspaceId), sql`lower(${users.email}) = lower(${body.assigneeEmail})`));
        if (!member) return { ok: false, error: 'unknown_assignee' } as const;
        assigneeId = member.id;
      }
      action = { type: 'assign', assigneeId };
    } else if (body.action === 'contacted') {
      action = { type: 'contacted', note: body.note };
    } else {
      action = { type: body.action, note: body.note };
    }
    // flag_events.actor_user_id is nullable (rules act without a member too); actOnFlag's type predates keys acting.
    const result = await actOnFlag(tx, { workspaceId, flagId, actorUserId: null as unknown as string, action });
    if (!result.ok) return result;
    const [event] = await tx
      .select({ id: flagEvents.id, note: flagEvents.note })
      .from(flagEvents)
      // now() is this transaction's start: only the entry actOnFlag just wrote has it.
      .where(and(eq(flagEvents.flagId, flagId), sql`${flagEvents.createdAt} = now()`, isNull(flagEvents.actorUserId)))
      .orderBy(desc(flagEvents.id))
      .limit(1);
    const via = `API key “${keyName}”`;
    await tx.update(flagEvents).set({ note: event!.note ? `${event!.note} (${via})` : via }).where(eq(flagEvents.id, event!.id));
    return { ok: true } as const;
  });
}
