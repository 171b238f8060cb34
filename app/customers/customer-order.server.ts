import { and, asc, desc, isNull, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { z } from 'zod';
import { customers } from '../../db/schema';
import { cursorId, decodeCursor as decodeKeyset, encodeCursor as encodeKeyset } from '../http/keyset.server';
import { customerSorts, sortDirections, type CustomerSort, type SortDirection } from './customer-links';

// The order of the customer list and where its pages start (keyset
// pagination). By name, the list seeks the index (workspace_id, name, id);
// by tier or by answer, the order is computed per customer for the quarter.
// Either way a customer without the value (no name, no tier, no answer) comes
// last, in both directions, and ties go by name, then id.

/** Where the next page starts: the last row's sort values, and the order they belong to. */
export interface Cursor {
  sort: CustomerSort;
  dir: SortDirection;
  /** The computed sort value (tier position, answer rank); null for the name order or a customer without one. */
  key: number | null;
  name: string | null;
  id: string;
}

export function encodeCursor(cursor: Cursor): string {
  return encodeKeyset([cursor.sort, cursor.dir, cursor.key, cursor.name, cursor.id]);
}

const cursorShape = z.tuple([z.enum(customerSorts), z.enum(sortDirections), z.number().int().nullable(), z.string().nullable(), cursorId]);

/**
 * A cursor from a URL for this order, or undefined when it is missing,
 * malformed or from another order (the first page then).
 */
export function decodeCursor(text: string | null | undefined, sort: CustomerSort, dir: SortDirection): Cursor | undefined {
  const value = decodeKeyset(cursorShape, text);
  if (!value || value[0] !== sort || value[1] !== dir) return undefined;
  return { sort, dir, key: value[2], name: value[3], id: value[4] };
}

/** The columns a list row starts with (its tier and answer are added for the page's customers). */
const listColumns = {
  id: customers.id,
  externalId: customers.externalId,
  name: customers.name,
  company: customers.company,
  email: customers.email,
  accountOwnerId: customers.accountOwnerId,
};

/**
 * The value a customer is sorted by in a quarter, null without one: the
 * position of the tier (1 = best), or the rank of the latest completed
 * answer's miss-us question (very disappointed first, a skipped question
 * last). `customers.id` is spelled out: in a one-table select Drizzle renders
 * a column as a bare "id", which a subquery would read as its own.
 */
export function sortKeyOf(workspaceId: string, period: string, sort: Exclude<CustomerSort, 'name'>): SQL<number | null> {
  if (sort === 'tier') {
    return sql<number | null>`(select wt.position::int from tier_assignments ta join workspace_tiers wt on wt.id = ta.tier_id
      where ta.customer_id = customers.id and ta.period = ${period})`;
  }
  return sql<number | null>`(select case r.miss_us when 'very' then 1 when 'somewhat' then 2 when 'not' then 3 when 'na' then 4 else 5 end
    from responses r
    where r.workspace_id = ${workspaceId} and r.customer_id = customers.id and r.period = ${period} and r.status = 'completed'
    order by r.completed_at desc, r.id desc limit 1)`;
}

export interface ListPage {
  rows: Array<{ id: string; externalId: string; name: string | null; company: string | null; email: string | null; accountOwnerId: string | null }>;
  next: string | null;
}

/**
 * A page by name, those without a name last (by id). Named customers and
 * the others are read apart, so that each part is a seek on the index.
 */
export async function pageByName(db: Database, filters: Array<SQL | undefined>, dir: SortDirection, cursor: Cursor | undefined, limit: number): Promise<ListPage> {
  const select = (where: SQL | undefined, order: SQL[], n: number) =>
    db
      .select(listColumns)
      .from(customers)
      .where(and(...filters, where))
      .orderBy(...order)
      .limit(n);
  let rows: ListPage['rows'] = [];
  if (!cursor || cursor.name !== null) {
    const after = cursor
      ? dir === 'asc'
        ? sql`(${customers.name}, ${customers.id}) > (${cursor.name}, ${cursor.id}::uuid)`
        : sql`(${customers.name}, ${customers.id}) < (${cursor.name}, ${cursor.id}::uuid)`
      : undefined;
    const order = dir === 'asc' ? [asc(customers.name), asc(customers.id)] : [desc(customers.name), desc(customers.id)];
    rows = await select(and(sql`${customers.name} is not null`, after), order, limit + 1);
  }
  if (rows.length <= limit) {
    const after = cursor && cursor.name === null ? sql`${customers.id} > ${cursor.id}::uuid` : undefined;
    rows = rows.concat(await select(and(isNull(customers.name), after), [asc(customers.id)], limit + 1 - rows.length));
  }
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? encodeCursor({ sort: 'name', dir, key: null, name: last.name, id: last.id }) : null };
}

/**
 * A page by a computed value (see sortKeyOf) in the given direction, those
 * without a value last; ties by name (unnamed last), then id.
 */
export async function pageByKey(
  db: Database,
  filters: Array<SQL | undefined>,
  sort: Exclude<CustomerSort, 'name'>,
  key: SQL<number | null>,
  dir: SortDirection,
  cursor: Cursor | undefined,
  limit: number,
): Promise<ListPage> {
  const missing = sql`(${key} is null)`;
  const value = sql`coalesce(${key}, 0)`;
  const tie = sql`(${customers.name} is null, coalesce(${customers.name}, ''), ${customers.id})`;
  let after: SQL | undefined;
  if (cursor) {
    const cursorMissing = cursor.key === null;
    const cursorValue = cursor.key ?? 0;
    const beyond = dir === 'asc' ? sql`${value} > ${cursorValue}::int` : sql`${value} < ${cursorValue}::int`;
    after = sql`(${missing} > ${cursorMissing}::boolean or (${missing} = ${cursorMissing}::boolean and (${beyond} or (${value} = ${cursorValue}::int
      and ${tie} > (${cursor.name === null}::boolean, ${cursor.name ?? ''}::text, ${cursor.id}::uuid)))))`;
  }
  const rows = await db
    .select({ ...listColumns, key })
    .from(customers)
    .where(and(...filters, after))
    .orderBy(asc(missing), dir === 'asc' ? asc(value) : desc(value), sql`${customers.name} is null`, sql`coalesce(${customers.name}, '')`, asc(customers.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ key: _key, ...row }) => row),
    next: rows.length > limit && last ? encodeCursor({ sort, dir, key: last.key, name: last.name, id: last.id }) : null,
  };
}
