import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { selectRows, type Database } from '../../db/client.server';
import { pageOf, pageQuery, toPage } from './pagination';
import { isoTimestamp, jsonValue, keysetConditions } from './sql.server';

export const listCustomersQuery = z.object(pageQuery);

export const apiCustomer = z.object({
  id: z.uuid(),
  externalId: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  company: z.string().nullable(),
  locale: z.enum(['de', 'en']),
  accountOwner: z.object({ id: z.uuid(), name: z.string(), email: z.string() }).nullable().describe('The member who looks after the customer; flags go to them.'),
  tiers: z.array(z.object({ period: z.string(), tier: z.string() })).describe('The tier in each period, oldest first.'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime().describe('The last change to the customer, a new or different tier included.'),
});
export const customersPage = pageOf(apiCustomer);

/**
 * One page of the workspace's customers in order of their last change.
 * Erased customers are left out: nothing personal of theirs is left to sync.
 */
export async function listCustomersForApi(db: Database, workspaceId: string, query: z.output<typeof listCustomersQuery>): Promise<z.input<typeof customersPage>> {
  const rows = await selectRows<z.output<typeof apiCustomer> & { cursorAt: string }>(
    db,
    sql`select c.id, c.external_id as "externalId", c.email, c.name, c.company, c.locale,
          case when u.id is null then null else json_build_object('id', u.id, 'name', u.name, 'email', u.email) end as "accountOwner",
          coalesce((select json_agg(json_build_object('period', ta.period, 'tier', wt.label) order by ta.period)
             from tier_assignments ta join workspace_tiers wt on wt.id = ta.tier_id where ta.customer_id = c.id), '[]') as tiers,
          ${isoTimestamp(sql`c.created_at`)} as "createdAt", ${isoTimestamp(sql`c.updated_at`)} as "cursorAt"
        from customers c left join users u on u.id = c.account_owner_id
        where c.workspace_id = ${workspaceId} and c.erased_at is null and ${keysetConditions(sql`c.updated_at`, sql`c.id`, query)}
        order by c.updated_at, c.id
        limit ${query.limit + 1}`,
  );
  const page = toPage(rows, query.limit);
  return {
    data: page.rows.map(({ cursorAt, ...row }) => ({ ...row, accountOwner: jsonValue(row.accountOwner), tiers: jsonValue(row.tiers), updatedAt: cursorAt })),
    nextCursor: page.nextCursor,
  };
}
