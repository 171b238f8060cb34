import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { selectRows } from '../../db/client.server';
import { currentCountedRows } from './rollups.server';

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
 * the list changes the key, so an entry is never invalidated by hand, except
 * unsubscribes, bounces and complaints, which bump no counter: the rows
 * shown are checked as they are now on every view (with names, companies
 * and account owners), so such a customer leaves the page and the total at
 * once, or, beyond the rows checked, the total with the quarter's next
 * change.
 */
const caches = new WeakMap<Database, Map<string, Listed[]>>();
const CACHE_SIZE = 32;
/**
 * Those of the top tier invited (and not erased), answered or not, keyed by
 * workspace, period, top tier and `invitations_version` (invitations and
 * tier assignments): the list above is these without the customers the
 * period's counted rows hold, so after a new answer only those are read.
 */
const invitedCaches = new WeakMap<Database, Map<string, Listed[]>>();
const INVITED_CACHE_SIZE = 16;
/** Rows checked beyond the page, so that one that no longer qualifies does not cost a second round trip. */
const CHECK_SLACK = 10;

/** Forgets the cached lists (for benchmarks that measure the cold path). */
export function forgetNonResponders(db: Database): void {
  caches.delete(db);
  invitedCaches.delete(db);
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
    // Those invited and not erased change with the invitations and tier
    // assignments only (both bump `invitations_version`); a new answer
    // takes its customer off through the counted rows alone.
    const invitedKey = `invited|${workspaceId}|${period}|${tierId}|${invitations_version ?? 0}`;
    let invitedCache = invitedCaches.get(db);
    if (!invitedCache) invitedCaches.set(db, (invitedCache = new Map()));
    let invited = invitedCache.get(invitedKey);
    if (!invited) {
      invited = await listInvited(db, workspaceId, period, tierId);
      invitedCache.set(invitedKey, invited);
      while (invitedCache.size > INVITED_CACHE_SIZE) invitedCache.delete(invitedCache.keys().next().value!);
    }
    const answered = await answeredOfTier(db, workspaceId, period, tier!);
    listed = invited.filter((row) => !answered.has(row.id));
    cache.set(key, listed);
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  }
  // Unsubscribes, bounces and complaints change no counter: the rows shown
  // are checked against the database as they are now, a chunk at a time.
  const customers: NonResponder[] = [];
  let dropped = 0;
  for (let start = 0; customers.length < limit && start < listed.length; start += limit + CHECK_SLACK) {
    const chunk = listed.slice(start, start + limit + CHECK_SLACK);
    const current = new Map((await currentNonResponders(db, workspaceId, period, chunk)).map((row) => [row.id, row]));
    for (const row of chunk) {
      const now = current.get(row.id);
      if (!now) dropped++;
      else if (customers.length < limit) customers.push({ ...now, invitedAt: new Date(now.invitedAt).toISOString() });
    }
  }
  // Exact when every listed row was checked; otherwise rows beyond those
  // checked that no longer qualify leave the total with the next change.
  return { period, tier, total: listed.length - dropped, customers };
}

/**
 * Those of `chunk` who are non-responders now, with their names and current
 * invitation: not erased, a delivered invitation of the quarter not bounced,
 * complained about or unsubscribed from, no completed response (primary-key
 * and index lookups per customer).
 */
async function currentNonResponders(db: Database, workspaceId: string, period: string, chunk: Listed[]) {
  if (chunk.length === 0) return [];
  return selectRows<NonResponder>(
    db,
    sql`select c.id, c.name, c.company, u.name as "accountOwner", inv.invited_at as "invitedAt", inv.campaign
        from customers c
        left join users u on u.id = c.account_owner_id
        cross join lateral (
          select coalesce(i.sent_at, i.delivered_at) as invited_at, k.name as campaign
          from invitations i join campaigns k on k.id = i.campaign_id
          where i.customer_id = c.id and k.workspace_id = ${workspaceId}::uuid and k.period = ${period}
            and i.delivered_at is not null and i.status not in ('bounced', 'complained') and i.unsubscribed_at is null
          order by coalesce(i.sent_at, i.delivered_at) desc
          limit 1
        ) inv
        where c.id in (${sql.join(
          chunk.map((row) => sql`${row.id}::uuid`),
          sql`, `,
        )}) and c.erased_at is null
          and not exists (select 1 from responses r where r.customer_id = c.id and r.period = ${period} and r.status = 'completed')`,
  );
}

/**
 * Every customer of the top tier whom a campaign of the quarter invited,
 * the invitation delivered, not erased, invited longest ago first (name,
 * then id, within the same second), answered or not. Driven by the
 * period's assignments of the tier (an index-only scan of
 * tier_assignments_period_idx); each customer's latest qualifying
 * invitation of the quarter is an index lookup
 * (invitations_campaign_customer_key).
 */
async function listInvited(db: Database, workspaceId: string, period: string, tierId: string): Promise<Listed[]> {
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
        order by inv.invited_at, c.name, c.id`,
  );
  return rows.map((row) => ({ id: row.id, invitedAt: new Date(row.invitedAt).toISOString(), campaign: row.campaign }));
}

/**
 * The customers of the tier with a completed response in the quarter: the
 * period's counted rows (`period_rollup_counted`, one per customer with a
 * completed response and a tier in the period, under that tier's label;
 * kept by difference, decision 0031), made current first.
 */
async function answeredOfTier(db: Database, workspaceId: string, period: string, tier: string): Promise<Set<string>> {
  await currentCountedRows(db, workspaceId, period);
  const rows = await selectRows<{ id: string }>(
    db,
    sql`select customer_id as id from period_rollup_counted
        where workspace_id = ${workspaceId}::uuid and period = ${period} and tier = ${tier}`,
  );
  return new Set(rows.map((row) => row.id));
}
