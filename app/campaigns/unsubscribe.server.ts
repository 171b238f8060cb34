import { sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { tokenHash } from '../auth/tokens.server';
import { selectRows } from '../email/sql.server';
import { suppressAddress } from '../email/suppressions.server';

export interface UnsubscribeTarget {
  invitationId: string;
  workspaceId: string;
  company: string;
  email: string | null;
  locale: 'de' | 'en';
  unsubscribed: boolean;
}

/** The invitation behind an unsubscribe link (the invitation's own token), or null. */
export async function findUnsubscribeTarget(db: Database, token: string): Promise<UnsubscribeTarget | null> {
  if (!/^[A-Za-z0-9_-]{32,128}$/.test(token)) return null;
  const [row] = await selectRows<{ id: string; workspace_id: string; company: string; email: string | null; locale: 'de' | 'en'; unsubscribed: boolean }>(
    db,
    sql`select i.id, i.workspace_id, w.name as company, coalesce(m.to_address, cu.email) as email, cu.locale,
        (i.unsubscribed_at is not null or exists (select 1 from suppressions s
          where s.workspace_id = i.workspace_id and s.email = lower(coalesce(m.to_address, cu.email)) and s.reason = 'unsubscribed')) as unsubscribed
      from invitations i
      join workspaces w on w.id = i.workspace_id
      join customers cu on cu.id = i.customer_id
      left join email_messages m on m.invitation_id = i.id and m.kind = 'invitation'
      where i.token_hash = ${tokenHash(token)}
      limit 1`,
  );
  if (!row) return null;
  return { invitationId: row.id, workspaceId: row.workspace_id, company: row.company, email: row.email, locale: row.locale, unsubscribed: row.unsubscribed };
}

/**
 * Unsubscribes at once (RFC 8058 one-click): the address is suppressed in
 * the workspace for good, waiting survey emails to it are cancelled, and the
 * invitation counts as unsubscribed in the funnel. Repeating it is harmless.
 */
export async function unsubscribe(db: Database, target: UnsubscribeTarget): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`update invitations set unsubscribed_at = coalesce(unsubscribed_at, now()) where id = ${target.invitationId}`);
    if (target.email) await suppressAddress(tx, target.workspaceId, target.email, 'unsubscribed');
  });
}
