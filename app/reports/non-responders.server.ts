import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { selectRows } from '../../db/client.server';

/** One top-tier customer who was invited and did not answer: for a personal call. */
export interface NonResponder {
  id: string;
  name: string | null;
  company: string | null;
  /** The member who looks after the customer, if any. */
  accountOwner: string | null;
  /** When their latest delivered invitation of the quarter went out, and its campaign. */
  invitedAt: string;
  campaign: string;
}

export interface NonResponders {
  period: string;
  /** The workspace's top tier (its first), or null if it has none. */
  tier: string | null;
  total: number;
  customers: NonResponder[];
}

/** A non-responder as kept in the cache: who, and which invitation; names are read per view. */
interface Listed {
  id: string;
  invitedAt: string;
  campaign: string;
}

const inputsSchema = z.object({
  tier_id: z.string().nullable(),
  tier: z.string().nullable(),
  tables_version: z.coerce.number().nullable(),
  invitations_version: z.coerce.number().nullable(),
});

/**
 * The ordered non-responders per database handle, keyed by workspace,
 * period, top tier and the period's change counters (`tables_version`,
 * bumped by every change of a completed response or tier assignment;
 * `invitations_version`, by every change of an invitation, an erasure's
 * included; decision 0031). Any change that can move a customer onto or off
 * the list changes the key, so an entry is never invalidated by hand; names,
 * companies and account owners are read per view for the page shown.
 */
const caches = new WeakMap<Database, Map<string, Listed[]>>();
const CACHE_SIZE = 32;

/** Forgets the cached lists (for benchmarks that measure the cold path). */
export function forgetNonResponders(db: Database): void {
  caches.delete(db);
}

/**
 * The customers of the workspace's top tier in `period` whom a campaign of
 * that quarter invited, the invitation delivered (not bounced, complained
 * or unsubscribed from), who completed no response in the quarter: those
 * invited longest ago first, at most `limit`, with their total. Erased
 * customers are left out.
 */
export async function topTierNonResponders(db: Database, workspaceId: string, period: string, limit = 50): Promise<NonResponders> {
  // The counters are read before the list is computed: a change that lands
  // meanwhile is stored under the older key, which no later view asks for.
  const [inputs] = await selectRows(
    db,
    sql`select top.id as tier_id, top.label as tier, v.tables_version, v.invitations_version
        from (select 1) one
        left join lateral (select id, label from workspace_tiers where workspace_id = ${workspaceId}::uuid order by position limit 1) top on true
        left join period_rollup_versions v on v.workspace_id = ${workspaceId}::uuid and v.period = ${period}`,
  );
  const { tier_id: tierId, tier, tables_version, invitations_version } = inputsSchema.parse(inputs);
  if (!tierId) return { period, tier: null, total: 0, customers: [] };
  const key = `${workspaceId}|${period}|${tierId}|${tables_version ?? 0}|${invitations_version ?? 0}`;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let listed = cache.get(key);
  if (!listed) {
    listed = await listNonResponders(db, workspaceId, period, tierId);
    cache.set(key, listed);
    if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  const page = listed.slice(0, limit);
  const details = page.length
    ? await selectRows<{ id: string; name: string | null; company: string | null; accountOwner: string | null; erased: boolean }>(
        db,
        sql`select c.id, c.name, c.company, u.name as "accountOwner", c.erased_at is not null as erased
            from customers c left join users u on u.id = c.account_owner_id
            where c.id in (${sql.join(
              page.map((row) => sql`${row.id}::uuid`),
              sql`, `,
            )})`,
      )
    : [];
  const detailOf = new Map(details.map((row) => [row.id, row]));
  const customers: NonResponder[] = [];
  for (const row of page) {
    const detail = detailOf.get(row.id);
    // Erasure changes the invitations, so an erased customer leaves the list with the next key.
    if (!detail || detail.erased) continue;
    customers.push({ id: row.id, name: detail.name, company: detail.company, accountOwner: detail.accountOwner, invitedAt: row.invitedAt, campaign: row.campaign });
  }
  return { period, tier, total: listed.length, customers };
}

/**
 * Every non-responder of the top tier, invited longest ago first (name,
 * then id, within the same second). Driven by the period's assignments of
 * the tier (an index-only scan of tier_assignments_period_idx); each
 * customer's latest qualifying invitation of the quarter is an index
 * lookup (invitations_campaign_customer_key), and a completed response of
 * the quarter rules the customer out.
 */
async function listNonResponders(db: Database, workspaceId: string, period: string, tierId: string): Promise<Listed[]> {
  const rows = await selectRows<{ id: string; invitedAt: string | Date; campaign: string }>(
    db,
    sql`select c.id, inv.invited_at as "invitedAt", inv.campaign
        from tier_assignments ta
        join customers c on c.id = ta.customer_id and c.erased_at is null
        cross join lateral (
          select coalesce(i.sent_at, i.delivered_at) as invited_at, k.name as campaign
          from invitations i join campaigns k on k.id = i.campaign_id
          where i.customer_id = ta.customer_id and k.workspace_id = ${workspaceId}::uuid and k.period = ${period}
            and i.delivered_at is not null and i.status not in ('bounced', 'complained') and i.unsubscribed_at is null
          order by coalesce(i.sent_at, i.delivered_at) desc
          limit 1
        ) inv
        where ta.workspace_id = ${workspaceId}::uuid and ta.period = ${period} and ta.tier_id = ${tierId}::uuid
          and not exists (select 1 from responses r where r.customer_id = ta.customer_id and r.period = ${period} and r.status = 'completed')
        order by inv.invited_at, c.name, c.id`,
  );
  return rows.map((row) => ({ id: row.id, invitedAt: new Date(row.invitedAt).toISOString(), campaign: row.campaign }));
}
