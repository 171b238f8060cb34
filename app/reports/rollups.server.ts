import { isDeepStrictEqual } from 'node:util';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { InvitationCount } from '../analysis/period-review';
import { applyTableDelta, sortPeriodTables, TableDeltaError, type CountedAnswers } from '../analysis/table-delta';
import { MISS_US_ANSWERS, periodTablesSchema, type PeriodTables } from '../analysis/tables';
import type { Database } from '../../db/client.server';
import { periodRollups, periodRollupVersions } from '../../db/schema';
import { drainThemes, type ThemeCoding } from '../themes/theme-rollups.server';
import { countedResponsesSql, loadTablesOf, selectRows } from './period-tables.server';

export type { InvitationCount } from '../analysis/period-review';

export interface PeriodSnapshot {
  tables: PeriodTables;
  invitations: InvitationCount[];
}

/**
 * How the stored tables were counted. Tables cached before one response per
 * customer and period was the rule counted every response, and had no
 * answer profiles, and tables stored before they were kept by difference had
 * no counted rows per customer (period_rollup_counted), or were written
 * without bumping their generation (`tables_version`); stored tables without
 * this mark are counted afresh.
 */
const TABLES_RULE = 'latest-response-per-customer, with profiles, counted per customer, generation';

const invitationCountsSchema = z.array(
  z.object({
    tier: z.string(),
    invited: z.coerce.number().int(),
    delivered: z.coerce.number().int(),
    customers: z.coerce.number().int(),
  }),
);

/**
 * Customers per tier of a period: invited and delivered (each customer once,
 * however many campaigns reached them: the response rate's denominator, as
 * the numerator counts one response per customer), and all customers with
 * the tier in the period (the weights of the standardised score). With
 * `campaignId`, only the customers that campaign invited.
 */
export async function loadInvitationCounts(db: Database, workspaceId: string, period: string, campaignId?: string): Promise<InvitationCount[]> {
  const rows = await selectRows(
    db,
    sql`with invited as (
          select ta.tier_id, count(distinct i.customer_id) as invited,
            count(distinct i.customer_id) filter (where i.delivered_at is not null) as delivered
          from invitations i
          join campaigns c on c.id = i.campaign_id
          join tier_assignments ta on ta.workspace_id = c.workspace_id and ta.period = c.period and ta.customer_id = i.customer_id
          where c.workspace_id = ${workspaceId} and c.period = ${period} ${campaignId ? sql`and c.id = ${campaignId}` : sql``}
          group by ta.tier_id
        ), assigned as (
          select tier_id, count(*) as customers from tier_assignments
          where workspace_id = ${workspaceId} and period = ${period}
          group by tier_id
        )
        select wt.label as tier, coalesce(invited.invited, 0) as invited, coalesce(invited.delivered, 0) as delivered,
          coalesce(assigned.customers, 0) as customers
        from workspace_tiers wt
        left join invited on invited.tier_id = wt.id
        left join assigned on assigned.tier_id = wt.id
        where wt.workspace_id = ${workspaceId} and (invited.tier_id is not null or assigned.tier_id is not null)`,
  );
  return invitationCountsSchema.parse(rows);
}

/**
 * The frequency tables and invitation counts of several periods, from the
 * rollup cache. The tables are kept current by difference (decision 0031):
 * database triggers queue the customers whose counted answers changed, and a
 * period with queued customers is drained here before it is read
 * (`currentPeriodTables`). Invitation counts are cached per change counter:
 * a part computed at an older `invitations_version` is counted afresh and
 * stored, with the version read before counting, so a change that lands
 * meanwhile leaves the cache behind and is picked up by the next read.
 */
export async function periodSnapshots(
  db: Database,
  workspaceId: string,
  periods: readonly string[],
  options: { invitations?: boolean } = {},
): Promise<Map<string, PeriodSnapshot>> {
  const withInvitations = options.invitations !== false;
  const result = new Map<string, PeriodSnapshot>();
  if (periods.length === 0) return result;
  // The queue is read first: a change committed before this read is either
  // still queued (and drained below) or in the tables read next.
  const queued = await queuedPeriods(db, workspaceId, periods);
  const [versions, cached] = await Promise.all([
    db
      .select()
      .from(periodRollupVersions)
      .where(and(eq(periodRollupVersions.workspaceId, workspaceId), inArray(periodRollupVersions.period, [...periods]))),
    db
      .select()
      .from(periodRollups)
      .where(and(eq(periodRollups.workspaceId, workspaceId), inArray(periodRollups.period, [...periods]))),
  ]);
  const versionOf = new Map(versions.map((row) => [row.period, row]));
  const cacheOf = new Map(cached.map((row) => [row.period, row]));

  await Promise.all(
    periods.map(async (period) => {
      const version = versionOf.get(period) ?? { tablesVersion: 0, invitationsVersion: 0 };
      const cache = cacheOf.get(period);
      const stored = storedTables(cache?.tables);
      // Counts cached before they had `customers` do not parse, and are computed afresh.
      const cachedInvitations = invitationCountsSchema.safeParse(cache?.invitations);
      const invitationsFresh = cachedInvitations.success && cache!.invitationsVersion === version.invitationsVersion;
      // Callers that need no response rates (the analysis) do not pay for invitation counts.
      const computeInvitations = withInvitations && !invitationsFresh;
      const [tables, invitations] = await Promise.all([
        stored !== null && !queued.has(period)
          ? stored
          : currentPeriodTables(db, workspaceId, period, { known: stored && { tables: stored, generation: cache!.tablesVersion } }),
        computeInvitations ? loadInvitationCounts(db, workspaceId, period) : cachedInvitations.success ? cachedInvitations.data : [],
      ]);
      if (computeInvitations) {
        const update = { invitations, invitationsVersion: version.invitationsVersion };
        await db
          .insert(periodRollups)
          .values({ workspaceId, period, ...update })
          .onConflictDoUpdate({ target: [periodRollups.workspaceId, periodRollups.period], set: update });
      }
      result.set(period, { tables, invitations });
    }),
  );
  return result;
}

/**
 * Stored tables counted by the current rule, or null. Only this module
 * writes them, with numbers for counts, so under the current rule mark they
 * are taken as they are: parsing every row of a large quarter (thousands of
 * answer profiles) cost more than the rest of a warm read. Tables of another
 * shape or rule go through the schema, and a failure counts afresh.
 */
function storedTables(value: unknown): PeriodTables | null {
  if (value == null || typeof value !== 'object' || (value as { rule?: unknown }).rule !== TABLES_RULE) return null;
  const { rule: _rule, ...tables } = value as Record<string, unknown>;
  const tableNames = ['responses', 'missUs', 'pti', 'scales', 'drivers'] as const;
  if (tableNames.every((name) => Array.isArray(tables[name])) && (tables.profiles === undefined || Array.isArray(tables.profiles))) {
    return tables as unknown as PeriodTables;
  }
  const parsed = periodTablesSchema.safeParse(tables);
  return parsed.success ? parsed.data : null;
}

/** The periods among `periods` with customers queued for their tables. */
async function queuedPeriods(db: Database, workspaceId: string, periods: readonly string[]): Promise<Set<string>> {
  const rows = await selectRows<{ period: string }>(
    db,
    sql`select p.period from (values ${sql.join(periods.map((period) => sql`(${period})`), sql`, `)}) as p(period)
        where exists (select 1 from period_rollup_queue q where q.workspace_id = ${workspaceId} and q.period = p.period)`,
  );
  return new Set(rows.map((row) => row.period));
}

/**
 * Makes the period's counted rows (`period_rollup_counted`: per customer the
 * tier and answers of the response that counts) current: drains the
 * period's queue, or counts it afresh when its tables were never stored or
 * by an older rule. After it, reads of the counted rows see every change
 * committed before it (a drain running meanwhile in another process is
 * waited for under the period's lock). Cheap when nothing is queued: one
 * indexed lookup.
 */
export async function currentCountedRows(db: Database, workspaceId: string, period: string): Promise<void> {
  const [state] = await selectRows<{ queued: boolean; rule: string | null }>(
    db,
    sql`select exists (select 1 from period_rollup_queue q where q.workspace_id = ${workspaceId} and q.period = ${period}) as queued,
          (select tables->>'rule' from period_rollups where workspace_id = ${workspaceId} and period = ${period}) as rule`,
  );
  if (state?.queued === true || state?.rule !== TABLES_RULE) await currentPeriodTables(db, workspaceId, period);
}

/** More queued customers than this and the period is counted afresh: a recount is then cheaper than the lookups. */
const RECOUNT_ABOVE_CUSTOMERS = 2000;

const countedAnswersSchema = z.object({
  tier: z.string(),
  miss_us: z.enum(MISS_US_ANSWERS).nullable(),
  treat_valued: z.coerce.number().int().nullable(),
  treat_responsive: z.coerce.number().int().nullable(),
  treat_equal: z.coerce.number().int().nullable(),
  treat_promise: z.coerce.number().int().nullable(),
  benefit: z.coerce.number().int().nullable(),
  csat: z.coerce.number().int().nullable(),
  recommend: z.coerce.number().int().nullable(),
});

function countedAnswers(rows: unknown[]): CountedAnswers[] {
  return rows.map((row) => {
    const parsed = countedAnswersSchema.parse(row);
    return {
      tier: parsed.tier,
      missUs: parsed.miss_us,
      treatValued: parsed.treat_valued,
      treatResponsive: parsed.treat_responsive,
      treatEqual: parsed.treat_equal,
      treatPromise: parsed.treat_promise,
      benefit: parsed.benefit,
      csat: parsed.csat,
      recommend: parsed.recommend,
    };
  });
}

const COLUMNS_OF_C = 'c.tier, c.miss_us, c.treat_valued, c.treat_responsive, c.treat_equal, c.treat_promise, c.benefit, c.csat, c.recommend';
const COUNTED_NAMES = ['tier', 'miss_us', 'treat_valued', 'treat_responsive', 'treat_equal', 'treat_promise', 'benefit', 'csat', 'recommend'];
const COUNTED_COLUMNS = sql.raw(COUNTED_NAMES.join(', '));

/**
 * The current frequency tables of a period, stored: the queued customers'
 * old contributions taken back and their new ones added, or the period
 * counted afresh where a difference is not sensible (nothing stored yet,
 * stored by an older rule, a bulk change or tier rename queued, too many
 * customers queued, or `recount`). One transaction under the lock of the
 * period's `period_rollups` row, so two readers never apply the same
 * difference twice; writers never take that lock (decision 0031).
 * `known`: stored tables the caller read already, with the generation they
 * were stored under (`period_rollups.tables_version`, bumped by every write
 * of the tables): when it is still the row's, they are not read again (the
 * tables of a large quarter are some hundred kilobytes of JSON).
 * The theme counts of the period are drained in the same transaction
 * (`drainThemes`, decision 0038); `themes`: a theme reader's coding, for
 * which they are coded afresh if they are not kept for it.
 */
export async function currentPeriodTables(
  db: Database,
  workspaceId: string,
  period: string,
  options: { recount?: boolean; known?: { tables: PeriodTables; generation: number | null } | null; themes?: ThemeCoding } = {},
): Promise<PeriodTables> {
  return db.transaction(async (tx) => {
    await tx.insert(periodRollups).values({ workspaceId, period }).onConflictDoNothing();
    const [locked] = await selectRows<{ generation: string | number | null }>(
      tx,
      sql`select tables_version as generation from period_rollups where workspace_id = ${workspaceId} and period = ${period} for update`,
    );
    const generation = locked?.generation == null ? null : Number(locked.generation);
    const queue = await selectRows<{ customer_id: string | null }>(
      tx,
      sql`delete from period_rollup_queue where workspace_id = ${workspaceId} and period = ${period} returning customer_id`,
    );
    const known = options.known;
    const stored =
      known && known.generation !== null && known.generation === generation
        ? known.tables
        : storedTables(
            (await selectRows<{ tables: unknown }>(tx, sql`select tables from period_rollups where workspace_id = ${workspaceId} and period = ${period}`))[0]
              ?.tables,
          );
    const customers = [...new Set(queue.map((row) => row.customer_id).filter((id): id is string => id !== null))];
    let recount =
      options.recount === true || stored === null || customers.length > RECOUNT_ABOVE_CUSTOMERS || queue.some((row) => row.customer_id === null);
    // Another reader drained the queue while this one waited for the lock.
    if (!recount && customers.length === 0) {
      if (options.themes !== undefined) await drainThemes(tx, workspaceId, period, { customers, recounted: false, coding: options.themes });
      return stored!;
    }
    let tables: PeriodTables | null = null;
    if (!recount) {
      const ids = JSON.stringify(customers);
      const removed = await selectRows(
        tx,
        sql`delete from period_rollup_counted where workspace_id = ${workspaceId} and period = ${period}
              and customer_id in (select json_array_elements_text(${ids}::json)::uuid)
            returning ${COUNTED_COLUMNS}`,
      );
      const added = await selectRows(
        tx,
        sql`insert into period_rollup_counted (workspace_id, period, customer_id, ${COUNTED_COLUMNS})
            select ${workspaceId}::uuid, ${period}, c.customer_id, ${sql.raw(COLUMNS_OF_C)}
            from (${countedResponsesSql(workspaceId, period, { customerIds: ids })}) c
            returning ${COUNTED_COLUMNS}`,
      );
      try {
        tables = applyTableDelta(stored!, countedAnswers(removed), countedAnswers(added));
      } catch (error) {
        // Stored counts that drifted from the counted rows: count the period afresh.
        if (!(error instanceof TableDeltaError)) throw error;
        recount = true;
      }
    }
    if (recount || tables === null) tables = await recountPeriod(tx, workspaceId, period);
    await drainThemes(tx, workspaceId, period, { customers, recounted: recount, coding: options.themes });
    await tx
      .update(periodRollups)
      .set({ tables: { ...tables, rule: TABLES_RULE }, tablesVersion: (generation ?? 0) + 1 })
      .where(and(eq(periodRollups.workspaceId, workspaceId), eq(periodRollups.period, period)));
    return tables;
  });
}

/**
 * Rewrites the counted rows of a period from the raw rows and returns their
 * tables, in one statement: the rows that count are read once, the stored
 * counted rows are brought to them (only customers whose contribution
 * differs are deleted, updated or inserted: a recount of a quarter whose
 * counted rows are still right writes nothing, where deleting and inserting
 * all of them took most of the time), and the tables are counted from the
 * same rows. The three writes touch disjoint customers, so their order
 * within the statement does not matter.
 */
async function recountPeriod(tx: Database, workspaceId: string, period: string): Promise<PeriodTables> {
  const differs = sql.raw(
    COUNTED_NAMES.map((name) => `f.${name}`).join(', ') + ') is distinct from (' + COUNTED_NAMES.map((name) => `s.${name}`).join(', '),
  );
  const setChanged = sql.raw(COUNTED_NAMES.map((name) => `${name} = d.${name}`).join(', '));
  const ofChange = sql.raw(COUNTED_NAMES.map((name) => `d.${name}`).join(', '));
  const ofFresh = sql.raw(COUNTED_NAMES.map((name) => `f.${name}`).join(', '));
  return loadTablesOf(
    tx,
    sql`select * from fresh`,
    sql`fresh as materialized (${countedResponsesSql(workspaceId, period)}),
      changes as materialized (
        select f.customer_id as fresh_id, s.customer_id as stored_id, ${ofFresh}
        from fresh f
        full join (select * from period_rollup_counted where workspace_id = ${workspaceId} and period = ${period}) s
          on s.customer_id = f.customer_id
        where f.customer_id is null or s.customer_id is null or (${differs})
      ),
      removed as (
        delete from period_rollup_counted c using changes d
        where c.workspace_id = ${workspaceId} and c.period = ${period} and c.customer_id = d.stored_id and d.fresh_id is null
      ),
      changed as (
        update period_rollup_counted c set ${setChanged} from changes d
        where c.workspace_id = ${workspaceId} and c.period = ${period} and c.customer_id = d.fresh_id and d.stored_id is not null
      ),
      added as (
        insert into period_rollup_counted (workspace_id, period, customer_id, ${COUNTED_COLUMNS})
        select ${workspaceId}::uuid, ${period}, d.fresh_id, ${ofChange} from changes d where d.stored_id is null
      )`,
  );
}

export interface RebuiltPeriod {
  workspaceId: string;
  period: string;
  /** Whether the stored tables differed from the recount (before the queue was applied). */
  corrected: boolean;
}

/**
 * Counts every stored period afresh (of one workspace, or all): the check
 * that incremental tables equal a full count, and the repair when they do
 * not (`npm run cli -- rollups:rebuild`). A period with queued customers is
 * "corrected" only when its stored tables, with the queue applied, differ.
 */
export async function rebuildRollups(db: Database, options: { workspaceId?: string } = {}): Promise<RebuiltPeriod[]> {
  const periods = await selectRows<{ workspace_id: string; period: string }>(
    db,
    sql`select workspace_id, period from period_rollups where tables is not null
          ${options.workspaceId ? sql`and workspace_id = ${options.workspaceId}` : sql``}
        order by workspace_id, period`,
  );
  const rebuilt: RebuiltPeriod[] = [];
  for (const { workspace_id: workspaceId, period } of periods) {
    // Each period in its own short transaction, so the app keeps serving meanwhile.
    const incremental = sortPeriodTables(await currentPeriodTables(db, workspaceId, period));
    const recounted = sortPeriodTables(await currentPeriodTables(db, workspaceId, period, { recount: true }));
    rebuilt.push({ workspaceId, period, corrected: !isDeepStrictEqual(incremental, recounted) });
  }
  return rebuilt;
}
