import { and, desc, eq, lt, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { importJobChunks, importJobs, users } from '../../db/schema';
import type { ImportStatus } from '../../db/schema/imports';
import { isUuid } from './customers.server';
import { importCustomers, ImportFileChangedError, previewImport, type ImportOptions, type ImportTarget, type SourceOpener } from './import.server';
import { MAX_IMPORT_BYTES } from './import-read';
import type { ImportReport } from './import-report';

/**
 * Stored pieces of an upload; large enough for few rows, small enough to keep
 * memory flat. With PGlite each insert or read of a piece runs on this
 * process's event loop, so a piece is also how long other requests wait.
 */
const CHUNK_BYTES = 256 * 1024;
/** Uploads nobody confirmed are deleted after this long. */
const UPLOAD_TTL_HOURS = 24;
/** An import still marked as running after this long died with its process and may be run again. */
const STALE_RUN_MINUTES = 15;

export class UploadTooLargeError extends Error {
  constructor() {
    super(`The upload is larger than ${MAX_IMPORT_BYTES} bytes.`);
  }
}

/** Deletes uploads nobody confirmed within UPLOAD_TTL_HOURS (their stored file with them); returns how many. */
export async function purgeUnconfirmedUploads(db: Database): Promise<number> {
  const deleted = await db
    .delete(importJobs)
    .where(and(eq(importJobs.status, 'uploaded'), lt(importJobs.createdAt, sql`now() - make_interval(hours => ${UPLOAD_TTL_HOURS})`)))
    .returning({ id: importJobs.id });
  return deleted.length;
}

/** Starts an upload; the file follows with `storeUpload`. */
export async function createImportJob(
  db: Database,
  input: { workspaceId: string; createdBy: string; fileName: string; period: string; tiersBy: ImportTarget['tiersBy'] },
): Promise<string> {
  await purgeUnconfirmedUploads(db);
  const [job] = await db
    .insert(importJobs)
    .values({ ...input, fileName: input.fileName.slice(0, 200) })
    .returning({ id: importJobs.id });
  return job!.id;
}

/**
 * Stores an uploaded file as it streams in, in chunks of CHUNK_BYTES, so the
 * whole file is never in memory. Throws UploadTooLargeError past the limit.
 */
export async function storeUpload(db: Database, jobId: string, data: AsyncIterable<Uint8Array>, maxBytes = MAX_IMPORT_BYTES): Promise<number> {
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let total = 0;
  let seq = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    const chunk = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await db.insert(importJobChunks).values({ jobId, seq: seq++, data: chunk });
  };
  for await (const part of data) {
    total += part.length;
    if (total > maxBytes) throw new UploadTooLargeError();
    pending.push(part);
    pendingBytes += part.length;
    if (pendingBytes >= CHUNK_BYTES) await flush();
  }
  await flush();
  await db.update(importJobs).set({ byteSize: total }).where(eq(importJobs.id, jobId));
  return total;
}

/** Sets the period and tier source of an upload (they arrive with it, in the same form). */
export async function updateImportJobSettings(db: Database, jobId: string, settings: { period: string; tiersBy: ImportTarget['tiersBy'] }): Promise<void> {
  await db.update(importJobs).set(settings).where(eq(importJobs.id, jobId));
}

/** Reads an upload back chunk by chunk, through the given handle (a transaction, when inside one). */
export function uploadSource(jobId: string): SourceOpener {
  return (db) =>
    async function* () {
      for (let seq = 0; ; seq++) {
        const [chunk] = await db
          .select({ data: importJobChunks.data })
          .from(importJobChunks)
          .where(and(eq(importJobChunks.jobId, jobId), eq(importJobChunks.seq, seq)));
        if (!chunk) return;
        yield chunk.data;
      }
    };
}

/** One import of the workspace, or null (also for another workspace's id). */
export async function getImportJob(db: Database, workspaceId: string, jobId: string) {
  if (!isUuid(jobId)) return null;
  const [job] = await db
    .select({
      id: importJobs.id,
      fileName: importJobs.fileName,
      byteSize: importJobs.byteSize,
      period: importJobs.period,
      tiersBy: importJobs.tiersBy,
      status: importJobs.status,
      preview: importJobs.preview,
      result: importJobs.result,
      createdAt: importJobs.createdAt,
      startedAt: importJobs.startedAt,
      finishedAt: importJobs.finishedAt,
      createdByName: users.name,
    })
    .from(importJobs)
    .leftJoin(users, eq(users.id, importJobs.createdBy))
    .where(and(eq(importJobs.id, jobId), eq(importJobs.workspaceId, workspaceId)));
  if (!job) return null;
  return { ...job, preview: job.preview as ImportReport | null, result: job.result as ImportReport | null };
}

/** The workspace's latest imports, newest first. */
export async function listImportJobs(db: Database, workspaceId: string, limit = 10) {
  return db
    .select({
      id: importJobs.id,
      fileName: importJobs.fileName,
      period: importJobs.period,
      status: importJobs.status,
      // An upload whose check found problems can never be confirmed: it is listed as rejected, not as waiting.
      rejected: sql<boolean>`(${importJobs.status} = 'uploaded' and coalesce(jsonb_array_length(${importJobs.preview} -> 'errors'), 0) > 0)`,
      createdAt: importJobs.createdAt,
      createdByName: users.name,
    })
    .from(importJobs)
    .leftJoin(users, eq(users.id, importJobs.createdBy))
    .where(eq(importJobs.workspaceId, workspaceId))
    .orderBy(desc(importJobs.createdAt))
    .limit(limit);
}

/** Checks a stored upload (pass 1 only) and keeps the preview with the job. */
export async function previewUpload(db: Database, workspaceId: string, jobId: string, options: ImportOptions = {}): Promise<ImportReport> {
  const job = await getImportJob(db, workspaceId, jobId);
  if (!job) throw new Error(`No import ${jobId}`);
  const report = await previewImport(db, targetOf(workspaceId, job), uploadSource(jobId), options);
  await db
    .update(importJobs)
    .set({ preview: report as unknown as Record<string, unknown> })
    .where(eq(importJobs.id, jobId));
  return report;
}

function targetOf(workspaceId: string, job: { period: string; tiersBy: ImportTarget['tiersBy'] }): ImportTarget {
  return { workspaceId, period: job.period, tiersBy: job.tiersBy };
}

/**
 * Marks an upload as importing, so that a double click or a second tab
 * cannot import it twice. Null when it is not waiting for confirmation.
 */
export async function claimImportJob(db: Database, workspaceId: string, jobId: string) {
  if (!isUuid(jobId)) return null;
  const waiting = sql`(${importJobs.status} = 'uploaded' or (${importJobs.status} = 'importing' and ${importJobs.startedAt} < now() - make_interval(mins => ${STALE_RUN_MINUTES})))`;
  const [job] = await db
    .update(importJobs)
    .set({ status: 'importing', startedAt: sql`now()` })
    .where(and(eq(importJobs.id, jobId), eq(importJobs.workspaceId, workspaceId), waiting))
    .returning({ id: importJobs.id, period: importJobs.period, tiersBy: importJobs.tiersBy });
  return job ?? null;
}

/**
 * Runs a claimed upload all or nothing. Imported: the file is deleted and the
 * result kept. Not imported (the workspace's tiers changed since the
 * preview, say): the job waits again, with the new problems as its preview.
 */
export async function runImportJob(
  db: Database,
  workspaceId: string,
  job: { id: string; period: string; tiersBy: ImportTarget['tiersBy'] },
  options: ImportOptions,
): Promise<ImportReport> {
  let report: ImportReport;
  try {
    report = await importCustomers(db, targetOf(workspaceId, job), uploadSource(job.id), { ...options, origin: 'upload' });
  } catch (error) {
    if (!(error instanceof ImportFileChangedError)) {
      await setStatus(db, job.id, 'uploaded');
      throw error;
    }
    report = { ...(await previewImport(db, targetOf(workspaceId, job), uploadSource(job.id))), errors: [{ line: null, column: null, code: 'file_changed' }] };
  }
  if (report.imported) {
    await db.transaction(async (tx) => {
      await tx
        .update(importJobs)
        .set({ status: 'imported', result: report as unknown as Record<string, unknown>, finishedAt: sql`now()` })
        .where(eq(importJobs.id, job.id));
      await tx.delete(importJobChunks).where(eq(importJobChunks.jobId, job.id));
    });
  } else {
    await db
      .update(importJobs)
      .set({ status: 'uploaded', preview: report as unknown as Record<string, unknown>, startedAt: null })
      .where(eq(importJobs.id, job.id));
  }
  return report;
}

async function setStatus(db: Database, jobId: string, status: ImportStatus) {
  await db.update(importJobs).set({ status, startedAt: null }).where(eq(importJobs.id, jobId));
}

/** Deletes an upload that was not imported (its file goes with it). */
export async function discardImportJob(db: Database, workspaceId: string, jobId: string): Promise<boolean> {
  if (!isUuid(jobId)) return false;
  const deleted = await db
    .delete(importJobs)
    .where(and(eq(importJobs.id, jobId), eq(importJobs.workspaceId, workspaceId), eq(importJobs.status, 'uploaded')))
    .returning({ id: importJobs.id });
  return deleted.length > 0;
}
