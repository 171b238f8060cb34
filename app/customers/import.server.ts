import { randomBytes } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import { eq, sql, type SQL } from 'drizzle-orm';
import { isEmbedded, selectRows, type Database } from '../../db/client.server';
import { memberships, users, workspaces } from '../../db/schema';
import { recordAudit } from '../auth/audit.server';
import { inspectFile, scanCustomerFile, type ByteSource, type ScanHeader, type ScanVisitor, type TextEncoding } from './import-read';
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

/** Thrown when the staged import's second pass disagrees with its first (PGlite): nothing of the import stays. */
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

/**
 * Where the one-pass import hands each valid row while the file has shown no
 * problem (`importInOnePass`); made once the workspace's tiers and default
 * language are known.
 */
interface RowSink {
  header(header: ScanHeader): void;
  row(row: CustomerRow, index: number): Promise<void>;
}
type SinkFactory = (settings: { tiers: Tier[]; defaultLocale: 'de' | 'en' }) => RowSink;

/**
 * Pass 1: refuses bad files and validates every row. Writes nothing itself;
 * with a sink, the valid rows go there as long as no row has had a problem.
 */
async function prepare(db: Database, target: ImportTarget, open: SourceOpener, options: ImportOptions, sinkFor?: SinkFactory): Promise<Prepared | ImportReport> {
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
  const defaultLocale = workspace?.locale ?? 'de';
  const sink = sinkFor?.({ tiers, defaultLocale });
  const visitor: ScanVisitor = sink
    ? {
        header: (header) => {
          builder.header(header);
          sink.header(header);
        },
        row: (row, line, index) => {
          builder.row(row, line, index);
          // A file with a problem is not imported: what was written is rolled back, nothing more is written.
          return builder.clean ? sink.row(row, index) : undefined;
        },
        error: (error) => builder.error(error),
      }
    : builder;
  // Read while the file is scanned: on PostgreSQL the period's 100,000 customers take the database
  // about half a second, which the scan's parsing covers (PGlite runs the two one after the other).
  const existing = periodCustomers(db, target);
  // Awaited below; a failure of the scan first must not leave this rejection unhandled.
  existing.catch(() => {});
  const source = progressSource(open(db), inspection.bytes, options.onProgress);
  const rows = await scanCustomerFile(source, { encoding: inspection.encoding, period: target.period, tierLabels: tiers.map((tier) => tier.label), tiersBy: target.tiersBy, memberIds }, visitor);
  const plan = builder.finish(rows, await existing);
  return { tiers, defaultLocale, encoding: inspection.encoding, bytes: inspection.bytes, plan, memberIds };
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
 * Imports a file all or nothing: a file with a single problem writes
 * nothing. Customers are matched by external id. Resolves to the report;
 * `imported` says whether it was written.
 *
 * PostgreSQL: one pass, which checks the rows and writes them in batches
 * inside one transaction (other connections go on serving), rolled back at
 * the first problem (`importInOnePass`, decision 0041). The embedded database
 * has one connection, so a transaction there makes every survey page wait
 * for it: pass 1 only checks; only a file without a single problem is read
 * a second time, its batches written into a temporary staging table, each
 * statement on its own (decision 0033), then the staged rows are applied APPLY_BATCH at a time,
 * each batch in a short transaction with an undo record of what it changed
 * (decision 0037). A failure undoes the applied batches; a crash leaves the
 * temporary table, which dies with the connection, and applied batches,
 * which are undone when the database is opened again (`recoverImports`).
 * The import counts as done only with its last transaction, which writes
 * the audit entry.
 */
export async function importCustomers(db: Database, target: ImportTarget, open: SourceOpener, options: ImportOptions = {}): Promise<ImportReport> {
  // A temporary table lives on one connection: PGlite's only one, never one of a pool's.
  if (!(isEmbedded(db) && (options.staged ?? true))) return importInOnePass(db, target, open, options);
  const prepared = await prepare(db, target, open, options);
  if (!('plan' in prepared)) return prepared;
  const { plan } = prepared;
  if (plan.errors.length > 0) {
    return reportOf(target, prepared, { created: 0, updated: 0, tiers: await tierCountsForPeriod(db, target.workspaceId, target.period), imported: false });
  }
  const total = plan.indexById.size;
  const onWritten = (written: number) => options.onProgress?.({ phase: 'writing', done: written, total });
  onWritten(0);
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

/** Thrown out of the one-pass import's transaction when the file has a problem: rolls back what was written. */
class FileHasProblems extends Error {
  constructor(readonly prepared: Prepared | ImportReport) {
    super('The file has problems; nothing was imported.');
  }
}

/**
 * The import on PostgreSQL (and on PGlite when not staged): one pass over
 * the file, in one transaction. While the file has shown no problem, each
 * batch of valid rows upserts its customers as the rows after it are read
 * and checked; the first problem stops the writing, the rest of the file is
 * still checked for the report, and the transaction is rolled back. The
 * tiers need the whole file (the ABC analysis ranks every value), so they
 * are written after it, to the customer ids the upserts returned.
 *
 * The file and the period's current customers are read beside the
 * transaction on PostgreSQL (committed rows, which the import has not yet
 * changed), through it on PGlite (its one connection is the transaction's).
 */
async function importInOnePass(db: Database, target: ImportTarget, open: SourceOpener, options: ImportOptions): Promise<ImportReport> {
  try {
    return await db.transaction(async (tx) => {
      const reader = isEmbedded(db) ? tx : db;
      let writer: CustomerWriter | undefined;
      const prepared = await prepare(reader, target, open, options, (settings) => (writer = new CustomerWriter(tx, target, settings)));
      if (!('plan' in prepared) || prepared.plan.errors.length > 0 || !writer) throw new FileHasProblems(prepared);
      const { plan } = prepared;
      await writer.finish();
      // Every valid row went to the writer (the file was clean throughout); anything else is a bug, not a file problem.
      if (writer.written !== plan.indexById.size) throw new Error(`import wrote ${writer.written} of ${plan.indexById.size} customers`);
      await writer.assignTiers(plan.tierPositions, (done) => options.onProgress?.({ phase: 'writing', done, total: writer!.written }));
      return finishImport(tx, target, prepared, options, writer);
    });
  } catch (error) {
    if (!(error instanceof FileHasProblems)) throw error;
    const { prepared } = error;
    if (!('plan' in prepared)) return prepared;
    return reportOf(target, prepared, { created: 0, updated: 0, tiers: await tierCountsForPeriod(db, target.workspaceId, target.period), imported: false });
  }
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
async function finishImport(tx: Database, target: ImportTarget, prepared: Prepared, options: ImportOptions, writer: { created: number; updated: number }): Promise<ImportReport> {
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

/** A row as json_to_recordset reads it (INPUT_COLUMNS). */
type InputRow = Record<string, string | null> & { external_id: string; revenue: string | null; margin: string | null };

/** `row` as json_to_recordset reads it; `tierId` is null while the tier is not known yet. */
function inputRow(row: CustomerRow, tierId: string | null): InputRow {
  return {
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
    tier_id: tierId,
    revenue: row.revenueCents == null ? null : centsToDecimal(row.revenueCents),
    margin: row.marginCents == null ? null : signedDecimal(row.marginCents),
  };
}

/**
 * The two upserts of an import, as CTEs over a CTE `input` of INPUT_COLUMNS:
 * `upserted` (the customers, with `existing` before it) and `assigned` (their
 * tiers in the period). Columns the file lacks keep their stored values;
 * present but empty cells clear them.
 */
function upsertParts(target: ImportTarget, header: ScanHeader, defaultLocale: 'de' | 'en') {
  const has = (column: string) => header.present.has(column as never);
  const customerUpdates = ['email = excluded.email', 'locale = excluded.locale', 'updated_at = now()'];
  if (has('name')) customerUpdates.push('name = excluded.name');
  if (has('company')) customerUpdates.push('company = excluded.company');
  if (has('account_owner')) customerUpdates.push('account_owner_id = excluded.account_owner_id');
  for (const column of ['industry', 'size', 'region', 'customer_since']) if (has(column)) customerUpdates.push(`${column} = excluded.${column}`);
  const tierUpdates = ['tier_id = excluded.tier_id', 'source = excluded.source'];
  tierUpdates.push(has('revenue') ? 'revenue = excluded.revenue' : 'revenue = tier_assignments.revenue');
  tierUpdates.push(has('margin') ? 'margin = excluded.margin' : 'margin = tier_assignments.margin');
  const source = header.tiersFrom === 'column' ? 'import' : 'abc';
  return {
    /** `existing` and `upserted`; `undo` adds each existing customer's whole row to `existing` (decision 0037). */
    customers: (undo = false) => sql`existing as (
        select c.external_id, c.locale${undo ? sql`, to_jsonb(c) as row` : sql``} from customers c
        where c.workspace_id = ${target.workspaceId} and c.external_id in (select external_id from input)
      ), upserted as (
        insert into customers as c (workspace_id, external_id, email, name, company, locale, account_owner_id, industry, size, region, customer_since)
        select ${target.workspaceId}, i.external_id, i.email, i.name, i.company, coalesce(i.locale, e.locale, ${defaultLocale}), i.account_owner_id,
          i.industry, i.size, i.region, i.customer_since
        from input i left join existing e on e.external_id = i.external_id
        on conflict (workspace_id, external_id) do update set ${sql.raw(customerUpdates.join(', '))}
        returning c.id, c.external_id, (c.xmax = 0) as inserted
      )`,
    /** `assigned`, from `rows` with the columns id (the customer's), tier_id, revenue and margin. */
    tiers: (rows: SQL) => sql`assigned as (
        insert into tier_assignments (workspace_id, customer_id, period, tier_id, revenue, margin, source)
        select ${target.workspaceId}, t.id, ${target.period}, t.tier_id, t.revenue, t.margin, ${source}
        from ${rows} t
        on conflict (customer_id, period) do update set ${sql.raw(tierUpdates.join(', '))}
        returning 1
      )`,
  };
}

const jsonInput = (batch: object[]) => sql`select * from json_to_recordset(${JSON.stringify(batch)}::json) as i(${sql.raw(INPUT_COLUMNS)})`;

/**
 * One write in flight while the next batch is read and checked, so that
 * reading the file overlaps with the database's work.
 */
class OneInFlight {
  private current: Promise<void> = Promise.resolve();

  /** Waits for the write in flight, then starts `write` without waiting for it. */
  async start(write: () => Promise<void>): Promise<void> {
    await this.current;
    this.current = write();
    // Observed by the next start() or finish(); this only keeps an early failure from counting as unhandled.
    this.current.catch(() => {});
  }

  /** Waits for the write in flight. */
  finish(): Promise<void> {
    return this.current;
  }
}

/**
 * The one-pass import's writer (`importInOnePass`): upserts the customers of
 * each batch of rows with one statement, one batch in flight while the next
 * is read and checked, and keeps what their tiers need (their ids, revenue
 * and margin) until `assignTiers` writes them, once the file is read.
 */
class CustomerWriter implements RowSink {
  private rows: InputRow[] = [];
  private indexes: number[] = [];
  private readonly writes = new OneInFlight();
  private parts: ReturnType<typeof upsertParts> | undefined;
  /** Per row index: the customer's id, and the revenue and margin for its tier assignment. */
  private readonly ids: string[] = [];
  private readonly values: Array<{ revenue: string | null; margin: string | null }> = [];
  created = 0;
  updated = 0;
  written = 0;

  constructor(
    private readonly tx: Database,
    private readonly target: ImportTarget,
    private readonly settings: { tiers: Tier[]; defaultLocale: 'de' | 'en' },
  ) {}

  header(header: ScanHeader): void {
    this.parts = upsertParts(this.target, header, this.settings.defaultLocale);
  }

  async row(row: CustomerRow, index: number): Promise<void> {
    const input = inputRow(row, null);
    this.rows.push(input);
    this.indexes.push(index);
    this.values[index] = { revenue: input.revenue, margin: input.margin };
    if (this.rows.length >= WRITE_BATCH) {
      await this.send();
      await setImmediate();
    }
  }

  /** Waits for the batch in flight, then sends the collected rows without waiting for them. */
  private async send(): Promise<void> {
    const batch = this.rows;
    const indexes = this.indexes;
    if (batch.length === 0) return;
    this.rows = [];
    this.indexes = [];
    await this.writes.start(() => this.write(batch, indexes));
  }

  /** Writes what is still collected and waits until every customer is written. */
  async finish(): Promise<void> {
    await this.send();
    await this.writes.finish();
  }

  private async write(batch: InputRow[], indexes: number[]): Promise<void> {
    const written = await selectRows<{ id: string; external_id: string; inserted: boolean }>(
      this.tx,
      sql`with input as (${jsonInput(batch)}), ${this.parts!.customers()} select id, external_id, inserted from upserted`,
    );
    const indexById = new Map(batch.map((row, k) => [row.external_id, indexes[k]!]));
    for (const customer of written) {
      const index = indexById.get(customer.external_id);
      if (index === undefined) throw new Error(`import upsert returned an unknown customer ${customer.external_id}`);
      this.ids[index] = customer.id;
      if (customer.inserted) this.created++;
      else this.updated++;
    }
    if (written.length !== batch.length) throw new Error(`import upserted ${written.length} of ${batch.length} customers`);
    this.written += batch.length;
  }

  /** Writes every row's tier assignment of the period, WRITE_BATCH rows per statement; `positions` are the plan's, by row index. */
  async assignTiers(positions: Uint8Array, onWritten: (done: number) => void): Promise<void> {
    onWritten(0);
    for (let from = 0; from < this.written; from += WRITE_BATCH) {
      const batch = [];
      for (let index = from; index < Math.min(this.written, from + WRITE_BATCH); index++) {
        batch.push({ id: this.ids[index], tier_id: this.settings.tiers[positions[index]! - 1]!.id, ...this.values[index] });
      }
      const [result] = await selectRows<{ assigned: number }>(
        this.tx,
        sql`with ${this.parts!.tiers(sql`(select * from json_to_recordset(${JSON.stringify(batch)}::json) as i(id uuid, tier_id uuid, revenue numeric, margin numeric))`)}
          select count(*)::int as assigned from assigned`,
      );
      if (result?.assigned !== batch.length) throw new Error(`import assigned ${result?.assigned} of ${batch.length} tiers`);
      onWritten(from + batch.length);
      await setImmediate();
    }
  }
}

/**
 * The staged import on the embedded database (decision 0033): collects rows
 * and writes each batch into the staging table with one statement, one batch
 * in flight while the next is read and checked; `apply` and `applyShort` then
 * upsert the customers and their tiers from the staging table.
 */
class BatchWriter {
  private rows: object[] = [];
  private readonly writes = new OneInFlight();
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
    private readonly stage: string,
  ) {
    const parts = upsertParts(target, header, prepared.defaultLocale);
    this.statement = (input, undo) => sql`
      with input as (${input}), ${parts.customers(undo !== undefined)},
        ${parts.tiers(sql`(select u.id, i.tier_id, i.revenue, i.margin from upserted u join input i on i.external_id = u.external_id)`)},
        ${undo ?? sql``}done as (select 1)
      select (count(*) filter (where inserted))::int as created, (count(*) filter (where not inserted))::int as updated,
        (select count(*) from assigned)::int as assigned
      from upserted`;
  }

  get size(): number {
    return this.rows.length;
  }

  add(row: CustomerRow, tierPosition: number): void {
    this.rows.push(inputRow(row, this.prepared.tiers[tierPosition - 1]!.id));
  }

  /** Waits for the batch in flight, then sends the collected rows without waiting for them. */
  async send(): Promise<void> {
    const batch = this.rows;
    if (batch.length === 0) return;
    this.rows = [];
    await this.writes.start(() => this.write(batch));
  }

  /** Waits until everything sent is written. */
  finish(): Promise<void> {
    return this.writes.finish();
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
    const stage = sql.identifier(this.stage);
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
    const staged = await selectRows<{ n: number }>(
      this.db,
      sql`with staged as (insert into ${sql.identifier(this.stage)} (${sql.raw(INPUT_NAMES)}) select * from (${jsonInput(batch)}) i returning 1) select count(*)::int as n from staged`,
    );
    if (staged[0]?.n !== batch.length) throw new ImportFileChangedError();
    this.written += batch.length;
    this.onWritten(this.written);
  }
}

function signedDecimal(cents: number): string {
  return cents < 0 ? `-${centsToDecimal(-cents)}` : centsToDecimal(cents);
}

