import { randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { eq, sql, type SQL } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { memberships, users, workspaces } from '../../db/schema';
import { recordAudit } from '../auth/audit.server';
import { inspectFile, scanCustomerFile, type ByteSource, type ScanHeader, type TextEncoding } from './import-read';
import { ImportPlanBuilder, type ImportPlan } from './import-plan';
import { periodCustomers, retierPeriod } from './period-abc.server';
import { failedReport, type ImportReport } from './import-report';
import type { CustomerRow } from './import-row';
import { centsToDecimal } from './import-values';
import { getTierSettings, tierCountsForPeriod } from './tiers.server';
import { beginApply, holdDeliveries, markApplied, tidyApplied, undoApply, undoRecordCte } from './import-apply.server';

export interface ImportTarget {
  workspaceId: string;
  period: string;
  tiersBy: 'auto' | 'revenue' | 'margin';
}

/** `applying`: on the embedded database, the staged rows being applied in short transactions (decision 0037). */
export type ImportProgress = { phase: 'checking' | 'writing' | 'applying'; done: number; total: number };

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** Recorded in the audit log as the member who imported; null for the command line and the API. */
  actorUserId?: string | null;
  /** Where the file came from, for the audit log (`upload`, `cli`). */
  origin?: string;
  /** On PGlite: stage the rows and apply them at the end (the default); false writes them in one transaction as on PostgreSQL (benchmarks compare both). */
  staged?: boolean;
  /** On PGlite: staged rows applied per short transaction (APPLY_BATCH); 0 applies them all in one transaction as decision 0033 did (benchmarks compare both). */
  applyBatch?: number;
}

/**
 * Opens the file with the database handle in use: inside the import's
 * transaction an upload must be read through that transaction (PGlite has a
 * single connection, so a read beside the transaction would wait for it).
 */
export type SourceOpener = (db: Database) => ByteSource;

/** Rows written per statement; one statement upserts the customers and their tiers. */
const WRITE_BATCH = 2000;
/**
 * Staged rows applied per transaction on the embedded database (decision
 * 0037): a survey page waits for one such transaction at most. About 0.3 s
 * per 250 rows on a heavily loaded machine, far less on a quiet one.
 */
const APPLY_BATCH = 250;
/** Existing customers looked up per query in a preview. */
const LOOKUP_BATCH = 5000;

type Tier = { id: string; position: number; label: string };

interface Prepared {
  tiers: Tier[];
  defaultLocale: 'de' | 'en';
  encoding: TextEncoding;
  bytes: number;
  plan: ImportPlan;
  /** Members by email, for the account owner column. */
  memberIds: ReadonlyMap<string, string>;
}

/** Thrown inside the write transaction when the second pass disagrees with the first; rolls everything back. */
export class ImportFileChangedError extends Error {
  constructor() {
    super('The file changed while it was being imported.');
  }
}

/**
 * Reports progress by bytes read, and lets the event loop run between
 * chunks: with PGlite every query resolves without I/O, so without this a
 * long import would hold back the progress it reports (and other requests).
 */
function progressSource(source: ByteSource, total: number, onProgress: ImportOptions['onProgress']): ByteSource {
  return async function* () {
    let done = 0;
    let reported = 0;
    for await (const chunk of source()) {
      done += chunk.length;
      if (onProgress && (done - reported > total / 50 || done === total)) {
        reported = done;
        onProgress({ phase: 'checking', done, total });
      }
      yield chunk;
      await setImmediate();
    }
  };
}

/** Pass 1: refuses bad files and validates every row, without writing. */
async function prepare(db: Database, target: ImportTarget, open: SourceOpener, options: ImportOptions): Promise<Prepared | ImportReport> {
  const { tiers, thresholds } = await getTierSettings(db, target.workspaceId);
  const [workspace] = await db.select({ locale: workspaces.defaultLocale }).from(workspaces).where(eq(workspaces.id, target.workspaceId));
  const members = await db
    .select({ id: users.id, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.workspaceId, target.workspaceId));
  const memberIds = new Map(members.map((member) => [member.email.toLowerCase(), member.id]));
  const inspection = await inspectFile(open(db));
  if (!inspection.ok) return failedReport(target.period, [inspection.error], await tierCountsForPeriod(db, target.workspaceId, target.period));
  const builder = new ImportPlanBuilder(
    tiers.map((tier) => tier.label),
    thresholds,
  );
  // Read while the file is scanned: on PostgreSQL the period's 100,000 customers take the database
  // about half a second, which the scan's parsing covers (PGlite runs the two one after the other).
  const existing = periodCustomers(db, target);
  // Awaited below; a failure of the scan first must not leave this rejection unhandled.
  existing.catch(() => {});
  const source = progressSource(open(db), inspection.bytes, options.onProgress);
  const rows = await scanCustomerFile(source, { encoding: inspection.encoding, period: target.period, tierLabels: tiers.map((tier) => tier.label), tiersBy: target.tiersBy, memberIds }, builder);
  const plan = builder.finish(rows, await existing);
  return { tiers, defaultLocale: workspace?.locale ?? 'de', encoding: inspection.encoding, bytes: inspection.bytes, plan, memberIds };
}

function reportOf(target: ImportTarget, prepared: Prepared, counts: { created: number; updated: number; tiers: Record<string, number>; imported: boolean }): ImportReport {
  const { plan } = prepared;
  return {
    period: target.period,
    tiersFrom: plan.header?.tiersFrom ?? null,
    encoding: prepared.encoding,
    delimiter: plan.header?.delimiter ?? null,
    columns: plan.header ? plan.header.header.map((header, index) => ({ header, column: plan.header!.match.columns[index] ?? null })) : [],
    rows: plan.rows,
    badRows: plan.badRows,
    fileTiers: plan.fileTiers,
    periodChanges: plan.periodChanges.length,
    errors: plan.errors,
    ...counts,
  };
}

/**
 * Checks a file and tells what importing it would do: new and updated
 * customers and the tier counts of the period afterwards. Writes nothing.
 */
export async function previewImport(db: Database, target: ImportTarget, open: SourceOpener, options: ImportOptions = {}): Promise<ImportReport> {
  const prepared = await prepare(db, target, open, options);
  if (!('plan' in prepared)) return prepared;
  const tiers = await tierCountsForPeriod(db, target.workspaceId, target.period);
  if (prepared.plan.errors.length > 0) return reportOf(target, prepared, { created: 0, updated: 0, tiers, imported: false });

  const labelById = new Map(prepared.tiers.map((tier) => [tier.id, tier.label]));
  const { indexById, tierPositions } = prepared.plan;
  let existing = 0;
  const ids = [...indexById.keys()];
  for (let i = 0; i < ids.length; i += LOOKUP_BATCH) {
    const found = await selectRows<{ tier_id: string | null }>(
      db,
      sql`select ta.tier_id from customers c
          left join tier_assignments ta on ta.customer_id = c.id and ta.period = ${target.period}
          where c.workspace_id = ${target.workspaceId}
            and c.external_id in (select json_array_elements_text(${JSON.stringify(ids.slice(i, i + LOOKUP_BATCH))}::json))`,
    );
    existing += found.length;
    for (const row of found) {
      const label = row.tier_id ? labelById.get(row.tier_id) : undefined;
      if (label !== undefined) tiers[label] = (tiers[label] ?? 0) - 1;
    }
  }
  for (const position of tierPositions) {
    const label = prepared.tiers[position - 1]?.label;
    if (label !== undefined) tiers[label] = (tiers[label] ?? 0) + 1;
  }
  for (const change of prepared.plan.periodChanges) {
    const from = prepared.tiers[change.from - 1]!.label;
    const to = prepared.tiers[change.to - 1]!.label;
    tiers[from] = (tiers[from] ?? 0) - 1;
    tiers[to] = (tiers[to] ?? 0) + 1;
  }
  return reportOf(target, prepared, { created: ids.length - existing, updated: existing, tiers, imported: false });
}

/**
 * Imports a file all or nothing: pass 1 validates every row and computes the
 * tiers; only a file without a single problem is then read a second time and
 * written. Customers are matched by external id. Resolves to the report;
 * `imported` says whether it was written.
 *
 * PostgreSQL: the second pass writes in batches inside one transaction (other
 * connections go on serving). The embedded database has one connection, so
 * a transaction there makes every survey page wait for it: the second pass
 * writes batches into a temporary staging table, each statement on its own
 * (decision 0033), then the staged rows are applied APPLY_BATCH at a time,
 * each batch in a short transaction with an undo record of what it changed
 * (decision 0037). A failure undoes the applied batches; a crash leaves the
 * temporary table, which dies with the connection, and applied batches,
 * which are undone when the database is opened again (`recoverImports`).
 * The import counts as done only with its last transaction, which writes
 * the audit entry.
 */
export async function importCustomers(db: Database, target: ImportTarget, open: SourceOpener, options: ImportOptions = {}): Promise<ImportReport> {
  const prepared = await prepare(db, target, open, options);
  if (!('plan' in prepared)) return prepared;
  const { plan } = prepared;
  if (plan.errors.length > 0) {
    return reportOf(target, prepared, { created: 0, updated: 0, tiers: await tierCountsForPeriod(db, target.workspaceId, target.period), imported: false });
  }
  const total = plan.indexById.size;
  const onWritten = (written: number) => options.onProgress?.({ phase: 'writing', done: written, total });
  onWritten(0);
  // A temporary table lives on one connection: PGlite's only one, never one of a pool's.
  if (!(isEmbedded(db) && (options.staged ?? true))) {
    return db.transaction(async (tx) => {
      const writer = new BatchWriter(tx, target, prepared, plan.header!, onWritten);
      await secondPass(tx, target, prepared, open, writer);
      return finishImport(tx, target, prepared, options, writer);
    });
  }
  const stage = `import_stage_${randomBytes(8).toString('hex')}`;
  await db.execute(sql`create temporary table ${sql.identifier(stage)} (${sql.raw(INPUT_COLUMNS)}, n bigint generated always as identity)`);
  try {
    const writer = new BatchWriter(db, target, prepared, plan.header!, onWritten, stage);
    await secondPass(db, target, prepared, open, writer);
    await db.execute(sql`create index on ${sql.identifier(stage)} (n)`);
    const applyBatch = options.applyBatch ?? APPLY_BATCH;
    if (applyBatch <= 0) {
      return await db.transaction(async (tx) => {
        await writer.apply(tx, WRITE_BATCH);
        return finishImport(tx, target, prepared, options, writer);
      });
    }
    // Short transactions, all or nothing through the undo record (decision 0037).
    const applyId = await beginApply(db, target);
    let report: ImportReport;
    try {
      await writer.applyShort(applyId, applyBatch, (done) => options.onProgress?.({ phase: 'applying', done, total }));
      report = await db.transaction(async (tx) => {
        const finished = await finishImport(tx, target, prepared, options, writer);
        await markApplied(tx, applyId);
        return finished;
      });
    } catch (error) {
      // What cannot be undone now (the database gone) is undone when it is opened again.
      await undoApply(db, applyId).catch(() => {});
      throw error;
    }
    // The import is applied: a failure to tidy up must not make it look failed; the next opening finishes it.
    await tidyApplied(db, applyId).catch(() => {});
    return report;
  } finally {
    await db.execute(sql`drop table if exists ${sql.identifier(stage)}`);
  }
}

/** True for PGlite, whose single connection every other request waits on during a transaction. */
function isEmbedded(db: Database): boolean {
  const client = (db as unknown as { $client?: { execProtocolRawStream?: unknown } }).$client;
  return typeof client?.execProtocolRawStream === 'function';
}

/** Pass 2: reads the file again and hands every row to the writer; anything unlike pass 1 throws ImportFileChangedError. */
async function secondPass(db: Database, target: ImportTarget, prepared: Prepared, open: SourceOpener, writer: BatchWriter): Promise<void> {
  const { plan } = prepared;
  await scanCustomerFile(
    open(db),
    { encoding: prepared.encoding, period: target.period, tierLabels: prepared.tiers.map((tier) => tier.label), tiersBy: target.tiersBy, memberIds: prepared.memberIds },
    {
      row: async (row, _line, index) => {
        if (plan.indexById.get(row.externalId) !== index) throw new ImportFileChangedError();
        writer.add(row, plan.tierPositions[index]!);
        if (writer.size >= WRITE_BATCH) {
          await writer.send();
          await setImmediate();
        }
      },
      error: () => {
        throw new ImportFileChangedError();
      },
    },
  );
  await writer.send();
  await writer.finish();
  if (writer.written !== plan.indexById.size) throw new ImportFileChangedError();
}

/** Inside the import's transaction, after every row is written: the ABC moves of the period, the counts and the audit entry. */
async function finishImport(tx: Database, target: ImportTarget, prepared: Prepared, options: ImportOptions, writer: BatchWriter): Promise<ImportReport> {
  const { plan } = prepared;
  await retierPeriod(tx, target, plan.periodChanges.map((change) => ({ externalId: change.externalId, tierId: prepared.tiers[change.to - 1]!.id })));
  const tiers = await tierCountsForPeriod(tx, target.workspaceId, target.period);
  await recordAudit(tx, {
    workspaceId: target.workspaceId,
    actorUserId: options.actorUserId ?? null,
    action: 'customers.imported',
    subjectType: 'customers',
    details: { origin: options.origin ?? 'upload', period: target.period, rows: plan.rows, created: writer.created, updated: writer.updated, tiersFrom: plan.header!.tiersFrom },
  });
  return reportOf(target, prepared, { created: writer.created, updated: writer.updated, tiers, imported: true });
}

/** The columns of a batch of rows, as json_to_recordset reads them and as the staging table holds them. */
const INPUT_COLUMNS =
  'external_id text, email text, name text, company text, locale text, account_owner_id uuid, industry text, size text, region text, customer_since date, tier_id uuid, revenue numeric, margin numeric';
const INPUT_NAMES = INPUT_COLUMNS.split(', ')
  .map((column) => column.split(' ')[0])
  .join(', ');

/**
 * Collects rows and writes each batch with one statement: customers upserted,
 * their tier for the period set. One batch is in flight while the next is
 * read and checked, so reading the file overlaps with the database's work.
 * With a staging table the batches go there instead, and `apply` writes them
 * all with the same statement.
 */
class BatchWriter {
  private rows: object[] = [];
  private inFlight: Promise<void> = Promise.resolve();
  created = 0;
  updated = 0;
  written = 0;
  private readonly statement: (input: SQL, undo?: SQL) => SQL;

  constructor(
    private readonly db: Database,
    private readonly target: ImportTarget,
    private readonly prepared: Prepared,
    header: ScanHeader,
    private readonly onWritten: (written: number) => void,
    private readonly stage?: string,
  ) {
    const has = (column: string) => header.present.has(column as never);
    // Columns the file lacks keep their stored values; present but empty cells clear them.
    const customerUpdates = ['email = excluded.email', 'locale = excluded.locale', 'updated_at = now()'];
    if (has('name')) customerUpdates.push('name = excluded.name');
    if (has('company')) customerUpdates.push('company = excluded.company');
    if (has('account_owner')) customerUpdates.push('account_owner_id = excluded.account_owner_id');
    for (const column of ['industry', 'size', 'region', 'customer_since']) if (has(column)) customerUpdates.push(`${column} = excluded.${column}`);
    const tierUpdates = ['tier_id = excluded.tier_id', 'source = excluded.source'];
    tierUpdates.push(has('revenue') ? 'revenue = excluded.revenue' : 'revenue = tier_assignments.revenue');
    tierUpdates.push(has('margin') ? 'margin = excluded.margin' : 'margin = tier_assignments.margin');
    const source = header.tiersFrom === 'column' ? 'import' : 'abc';
    this.statement = (input, undo) => sql`
      with input as (${input}), existing as (
        select c.external_id, c.locale${undo ? sql`, to_jsonb(c) as row` : sql``} from customers c
        where c.workspace_id = ${target.workspaceId} and c.external_id in (select external_id from input)
      ), upserted as (
        insert into customers as c (workspace_id, external_id, email, name, company, locale, account_owner_id, industry, size, region, customer_since)
        select ${target.workspaceId}, i.external_id, i.email, i.name, i.company, coalesce(i.locale, e.locale, ${prepared.defaultLocale}), i.account_owner_id,
          i.industry, i.size, i.region, i.customer_since
        from input i left join existing e on e.external_id = i.external_id
        on conflict (workspace_id, external_id) do update set ${sql.raw(customerUpdates.join(', '))}
        returning c.id, c.external_id, (c.xmax = 0) as inserted
      ), assigned as (
        insert into tier_assignments (workspace_id, customer_id, period, tier_id, revenue, margin, source)
        select ${target.workspaceId}, u.id, ${target.period}, i.tier_id, i.revenue, i.margin, ${source}
        from upserted u join input i on i.external_id = u.external_id
        on conflict (customer_id, period) do update set ${sql.raw(tierUpdates.join(', '))}
        returning 1
      ), ${undo ?? sql``}done as (select 1)
      select (count(*) filter (where inserted))::int as created, (count(*) filter (where not inserted))::int as updated,
        (select count(*) from assigned)::int as assigned
      from upserted`;
  }

  get size(): number {
    return this.rows.length;
  }

  add(row: CustomerRow, tierPosition: number): void {
    this.rows.push({
      external_id: row.externalId,
      email: row.email,
      name: row.name ?? null,
      company: row.company ?? null,
      locale: row.locale ?? null,
      account_owner_id: row.accountOwnerId ?? null,
      industry: row.industry ?? null,
      size: row.size ?? null,
      region: row.region ?? null,
      customer_since: row.customerSince ?? null,
      tier_id: this.prepared.tiers[tierPosition - 1]!.id,
      revenue: row.revenueCents == null ? null : centsToDecimal(row.revenueCents),
      margin: row.marginCents == null ? null : signedDecimal(row.marginCents),
    });
  }

  /** Waits for the batch in flight, then sends the collected rows without waiting for them. */
  async send(): Promise<void> {
    await this.inFlight;
    if (this.rows.length === 0) return;
    const batch = this.rows;
    this.rows = [];
    this.inFlight = this.write(batch);
    // Observed by the next send() or finish(); this only keeps an early failure from counting as unhandled.
    this.inFlight.catch(() => {});
  }

  /** Waits until everything sent is written. */
  async finish(): Promise<void> {
    await this.inFlight;
  }

  /**
   * Writes the staged rows, batch by batch, inside the caller's transaction,
   * yielding to the event loop between batches: PGlite runs a statement on
   * this thread, and one statement for all rows would hold every request,
   * not only those that need the database.
   */
  async apply(tx: Database, rowsPerBatch: number): Promise<void> {
    let assigned = 0;
    for (let from = 0; from < this.written; from += rowsPerBatch) {
      assigned += await this.applyRows(tx, from, rowsPerBatch);
      await setImmediate();
    }
    if (assigned !== this.written) throw new ImportFileChangedError();
  }

  /**
   * Writes the staged rows in short transactions, one per batch, each with
   * the undo record of what it changed and the webhook deliveries it caused
   * held back (decision 0037). The caller undoes the import if this throws.
   */
  async applyShort(applyId: string, rowsPerBatch: number, onApplied: (done: number) => void): Promise<void> {
    let assigned = 0;
    onApplied(0);
    for (let from = 0, batch = 0; from < this.written; from += rowsPerBatch, batch++) {
      assigned += await this.db.transaction(async (tx) => {
        const rows = await this.applyRows(tx, from, rowsPerBatch, undoRecordCte(applyId, batch, this.target.period));
        await holdDeliveries(tx, applyId, batch, this.target.workspaceId);
        return rows;
      });
      onApplied(Math.min(this.written, from + rowsPerBatch));
      await setImmediate();
    }
    if (assigned !== this.written) throw new ImportFileChangedError();
  }

  /** Staged rows `from` + 1 … `from` + `count` (their `n`) through the upsert statement; returns the tier assignments written. */
  private async applyRows(tx: Database, from: number, count: number, undo?: SQL): Promise<number> {
    const stage = sql.identifier(this.stage!);
    const [result] = await selectRows<{ created: number; updated: number; assigned: number }>(
      tx,
      this.statement(sql`select ${sql.raw(INPUT_NAMES)} from ${stage} where n > ${from} and n <= ${from + count}`, undo),
    );
    if (!result) throw new ImportFileChangedError();
    this.created += result.created;
    this.updated += result.updated;
    return result.assigned;
  }

  private async write(batch: object[]): Promise<void> {
    const input = sql`select * from json_to_recordset(${JSON.stringify(batch)}::json) as i(${sql.raw(INPUT_COLUMNS)})`;
    if (this.stage) {
      const staged = await selectRows<{ n: number }>(
        this.db,
        sql`with staged as (insert into ${sql.identifier(this.stage)} (${sql.raw(INPUT_NAMES)}) select * from (${input}) i returning 1) select count(*)::int as n from staged`,
      );
      if (staged[0]?.n !== batch.length) throw new ImportFileChangedError();
    } else {
      const [result] = await selectRows<{ created: number; updated: number; assigned: number }>(this.db, this.statement(input));
      if (!result || result.assigned !== batch.length) throw new ImportFileChangedError();
      this.created += result.created;
      this.updated += result.updated;
    }
    this.written += batch.length;
    this.onWritten(this.written);
  }
}

function signedDecimal(cents: number): string {
  return cents < 0 ? `-${centsToDecimal(-cents)}` : centsToDecimal(cents);
}

