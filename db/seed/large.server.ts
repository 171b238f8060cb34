import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import postgres from 'postgres';
import {
  customerChunks,
  INVITATION_COLUMNS,
  LARGE,
  LARGE_PERIODS,
  largeCustomers,
  periodSentAt,
  RESPONSE_COLUMNS,
  surveyChunks,
  tierAssignmentChunks,
  type LargeIds,
} from './large-rows';

export { LARGE, LARGE_PERIODS } from './large-rows';

/**
 * Loads the large data set for benchmarks (db/seed/large-rows.ts): 200,000
 * customers, 12 quarters of tiers and 1,000,000 completed responses in one
 * workspace (`large-demo`), on PostgreSQL with COPY.
 *
 * What makes it fast (the log gives wall and CPU time of each phase):
 * - three connections load at once: customers and tier assignments on one,
 *   invitations and responses (from one generator) on one each;
 * - each table loses its indexes for the load (all but the primary keys that
 *   foreign keys reference) and gets them back, each built in one pass,
 *   before the loading transaction commits. DROP INDEX is transactional: if
 *   anything fails, the rollback brings the indexes back. Other sessions
 *   wait for these tables while the load runs;
 * - foreign-key checks and the statement-level rollup triggers are off
 *   (`session_replication_role = replica`, superusers only: the rows are
 *   consistent by construction); the rollup change counters are bumped once
 *   at the end, so every cached rollup of these periods is recomputed. The
 *   flag trigger is off too: no flags are raised for the loaded answers (the
 *   reports benchmark judges one campaign through the live queue);
 * - `synchronous_commit = off` for the loading transactions.
 */
type Sql = postgres.Sql;

/**
 * The indexes of the tables that a load can drop and rebuild, as the
 * statements that rebuild them: every index that backs no constraint, and
 * primary keys that no foreign key references (tier_assignments: its random
 * ids would otherwise be inserted one by one into the key's b-tree).
 */
async function rebuildableIndexes(sql: postgres.TransactionSql, tables: string[]): Promise<Array<{ drop: string; create: string }>> {
  const rows = await sql<Array<{ table: string; name: string; definition: string; constraint: string | null }>>`
    select t.relname as table, i.relname as name, pg_get_indexdef(x.indexrelid) as definition,
      (select pg_get_constraintdef(c.oid) from pg_constraint c where c.conindid = x.indexrelid and c.conrelid = t.oid and c.contype = 'p') as constraint
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
    where t.relname = any(${tables}) and t.relnamespace = 'public'::regnamespace
      and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid and (c.contype <> 'p' or c.conrelid <> t.oid))
      and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = x.indexrelid)`;
  return rows.map((row) =>
    row.constraint
      ? { drop: `alter table "${row.table}" drop constraint "${row.name}"`, create: `alter table "${row.table}" add constraint "${row.name}" ${row.constraint}` }
      : { drop: `drop index "${row.name}"`, create: row.definition },
  );
}

/**
 * CPU seconds used so far by these PostgreSQL backends, when the server runs
 * on this machine (Linux /proc); null otherwise. On a shared machine CPU time
 * says more about the cost of a phase than its wall time.
 */
function backendCpuSeconds(pids: number[]): number | null {
  try {
    let ticks = 0;
    for (const pid of pids) {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / 100; // USER_HZ
  } catch {
    return null;
  }
}

/** Writes chunks of COPY text to a stream, respecting back-pressure. */
async function copyChunks(stream: Writable, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    if (!stream.write(chunk)) await once(stream, 'drain');
    // Let the other connection's generator run too (both share this thread).
    await new Promise((resolve) => setImmediate(resolve));
  }
  stream.end();
  await once(stream, 'finish');
}

/**
 * Two COPY streams, opened in their own transactions, filled by one generator.
 * `take` hands a stream over and resolves when it has finished; `fill` waits
 * for both, writes every chunk to its stream and ends them.
 */
function streamPair<Kind extends string>() {
  const waiting = new Map<Kind, (stream: Writable) => void>();
  const ready = new Map<Kind, Promise<Writable>>();
  const streamOf = (kind: Kind) => {
    if (!ready.has(kind)) ready.set(kind, new Promise((resolve) => waiting.set(kind, resolve)));
    return ready.get(kind)!;
  };
  return {
    async take(kind: Kind, opening: Promise<Writable>): Promise<void> {
      const stream = await opening;
      streamOf(kind);
      waiting.get(kind)!(stream);
      await once(stream, 'finish');
    },
    async fill(chunks: () => Iterable<{ kind: Kind; text: string }>): Promise<void> {
      const streams = new Map<Kind, Writable>();
      try {
        for (const chunk of chunks()) {
          let stream = streams.get(chunk.kind);
          if (!stream) streams.set(chunk.kind, (stream = await streamOf(chunk.kind)));
          if (!stream.write(chunk.text)) await once(stream, 'drain');
          await new Promise((resolve) => setImmediate(resolve));
        }
        for (const stream of streams.values()) stream.end();
      } catch (error) {
        for (const stream of ready.values()) void stream.then((open) => open.destroy(error as Error));
        throw error;
      }
    },
  };
}

/**
 * One loading transaction: drops the tables' secondary indexes, runs `load`,
 * rebuilds the indexes. Returns the seconds spent copying and indexing.
 */
async function loadTables(sql: Sql, tables: string[], load: (tx: postgres.TransactionSql) => Promise<void>) {
  let copySeconds = 0;
  let indexSeconds = 0;
  await sql.begin(async (tx) => {
    await tx`set local synchronous_commit = off`;
    await tx`set local session_replication_role = replica`;
    await tx`set local maintenance_work_mem = '256MB'`;
    const indexes = await rebuildableIndexes(tx, tables);
    for (const index of indexes) await tx.unsafe(index.drop);
    let started = performance.now();
    await load(tx);
    copySeconds = (performance.now() - started) / 1000;
    started = performance.now();
    for (const index of indexes) await tx.unsafe(index.create);
    indexSeconds = (performance.now() - started) / 1000;
  });
  return { copySeconds, indexSeconds };
}

/**
 * Removes an earlier large workspace. The big tables are emptied directly
 * (their per-row cascades would take minutes), the rest by the cascade.
 */
async function removeWorkspace(sql: Sql, workspaceId: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`set local session_replication_role = replica`;
    await tx`delete from response_answers where response_id in (select id from responses where workspace_id = ${workspaceId})`;
    for (const table of ['responses', 'invitations', 'tier_assignments', 'customers']) {
      await tx`delete from ${tx(table)} where workspace_id = ${workspaceId}`;
    }
  });
  await sql`delete from workspaces where id = ${workspaceId}`;
}

async function createWorkspaceRows(sql: Sql): Promise<LargeIds> {
  return sql.begin(async (tx) => {
    const [workspace] = await tx<{ id: string }[]>`
      insert into workspaces (slug, name, default_locale, sender_name) values (${LARGE.slug}, ${LARGE.name}, 'de', ${LARGE.name}) returning id`;
    const workspaceId = workspace!.id;
    const tierIds = {} as LargeIds['tierIds'];
    for (const [index, label] of (['A', 'B', 'C'] as const).entries()) {
      const [tier] = await tx<{ id: string }[]>`
        insert into workspace_tiers (workspace_id, position, label) values (${workspaceId}, ${index + 1}, ${label}) returning id`;
      tierIds[label] = tier!.id;
    }
    const [survey] = await tx<{ id: string }[]>`insert into surveys (workspace_id, name) values (${workspaceId}, 'Standardumfrage') returning id`;
    const [version] = await tx<{ id: string }[]>`
      insert into survey_versions (workspace_id, survey_id, version, definition, frozen_at)
      values (${workspaceId}, ${survey!.id}, 1, ${tx.json({ questions: [] })}, now()) returning id`;
    const campaignIds: string[] = [];
    for (const period of LARGE_PERIODS) {
      const sentAt = periodSentAt(period);
      const [campaign] = await tx<{ id: string }[]>`
        insert into campaigns (workspace_id, survey_version_id, name, period, status, scheduled_at, closes_at)
        values (${workspaceId}, ${version!.id}, ${`Befragung ${period}`}, ${period}, 'closed', ${sentAt}, ${new Date(sentAt.getTime() + 42 * 86_400_000)})
        returning id`;
      campaignIds.push(campaign!.id);
    }
    return { workspaceId, tierIds, campaignIds };
  });
}

/**
 * Creates the large workspace, replacing an earlier one of the same slug.
 * Needs a superuser (to switch off the foreign-key checks while loading).
 * Returns the figures for the log; `log` receives the time of each phase.
 */
export async function createLargeWorkspace(
  url: string,
  options: { customers?: number; responses?: number; log?: (line: string) => void } = {},
): Promise<{ workspaceId: string; customers: number; responses: number; invitations: number; seconds: number }> {
  const customerCount = options.customers ?? LARGE.customers;
  const responseTarget = options.responses ?? LARGE.responses;
  const log = options.log ?? (() => {});
  const started = performance.now();
  const first = postgres(url, { max: 1, onnotice: () => {} });
  const second = postgres(url, { max: 1, onnotice: () => {} });
  const third = postgres(url, { max: 1, onnotice: () => {} });
  const pids: number[] = [];
  const cpu = () => ({ at: performance.now(), node: process.cpuUsage(), server: backendCpuSeconds(pids) });
  let phaseStart = cpu();
  const phase = (what: string) => {
    const now = cpu();
    const node = (now.node.user + now.node.system - phaseStart.node.user - phaseStart.node.system) / 1e6;
    const server = now.server === null || phaseStart.server === null ? '' : `, PostgreSQL CPU ${(now.server - phaseStart.server).toFixed(1)} s`;
    log(`${what}: ${((now.at - phaseStart.at) / 1000).toFixed(1)} s (Node CPU ${node.toFixed(1)} s${server}; total ${((now.at - started) / 1000).toFixed(1)} s)`);
    phaseStart = now;
  };
  try {
    for (const connection of [first, second, third]) pids.push((await connection<{ pid: number }[]>`select pg_backend_pid() as pid`)[0]!.pid);
    phaseStart = cpu();
    const [role] = await first<{ super: boolean }[]>`select rolsuper as super from pg_roles where rolname = current_user`;
    if (!role?.super) throw new Error('The large data set is loaded with foreign-key checks off, which needs a PostgreSQL superuser.');
    const [earlier] = await first<{ id: string }[]>`select id from workspaces where slug = ${LARGE.slug}`;
    if (earlier) {
      await removeWorkspace(first, earlier.id);
      phase('removed the earlier large workspace');
    }
    const ids = await createWorkspaceRows(first);
    const customers = largeCustomers(customerCount);
    phase(`generated ${customerCount} customers with 12 quarters of revenue and ABC tiers`);

    let invitationCount = 0;
    let responseCount = 0;
    const surveyStreams = streamPair<'invitations' | 'responses'>();
    const [tierLoad, invitationLoad, responseLoad] = await Promise.all([
      loadTables(first, ['customers', 'tier_assignments'], async (tx) => {
        await copyChunks(
          await tx`copy customers (id, workspace_id, external_id, email, name, company, locale) from stdin`.writable(),
          customerChunks(ids, customers),
        );
        await copyChunks(
          await tx`copy tier_assignments (workspace_id, customer_id, period, tier_id, revenue, margin, source) from stdin`.writable(),
          tierAssignmentChunks(ids, customers),
        );
      }),
      // Invitations and responses come from one generator (a response needs
      // its invitation's id) and go to two COPY streams on two connections.
      loadTables(second, ['invitations'], (tx) => surveyStreams.take('invitations', tx.unsafe(`copy invitations (${INVITATION_COLUMNS}) from stdin`).writable())),
      loadTables(third, ['responses'], (tx) => surveyStreams.take('responses', tx.unsafe(`copy responses (${RESPONSE_COLUMNS}) from stdin`).writable())),
      surveyStreams.fill(function* () {
        for (const chunk of surveyChunks(ids, customers, responseTarget)) {
          if (chunk.kind === 'invitations') invitationCount += chunk.rows;
          else responseCount += chunk.rows;
          yield chunk;
        }
      }),
    ]);
    phase(
      `loaded (customers and ${customerCount * LARGE_PERIODS.length} tier assignments: COPY ${tierLoad.copySeconds.toFixed(1)} s, indexes ${tierLoad.indexSeconds.toFixed(1)} s; ` +
        `${invitationCount} invitations: COPY ${invitationLoad.copySeconds.toFixed(1)} s, indexes ${invitationLoad.indexSeconds.toFixed(1)} s; ` +
        `${responseCount} responses: COPY ${responseLoad.copySeconds.toFixed(1)} s, indexes ${responseLoad.indexSeconds.toFixed(1)} s)`,
    );

    // The rollup triggers did not fire: count every period of the workspace as changed.
    await first`insert into period_rollup_versions (workspace_id, period, tables_version, invitations_version)
      select ${ids.workspaceId}, p, 1, 1 from unnest(${LARGE_PERIODS}::text[]) as p
      on conflict (workspace_id, period) do update set tables_version = period_rollup_versions.tables_version + 1,
        invitations_version = period_rollup_versions.invitations_version + 1`;
    // VACUUM sets the visibility map, so the covering indexes serve index-only scans at once.
    await Promise.all([
      first`vacuum analyze customers, tier_assignments, campaigns, workspace_tiers`,
      second`vacuum analyze invitations`,
      third`vacuum analyze responses`,
    ]);
    phase('vacuum analyze');
    return {
      workspaceId: ids.workspaceId,
      customers: customerCount,
      responses: responseCount,
      invitations: invitationCount,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await Promise.all([first, second, third].map((connection) => connection.end({ timeout: 5 })));
  }
}
