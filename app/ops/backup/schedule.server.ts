import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/client.server';
import { selectRows } from '../../../db/client.server';
import { logger } from '../logger.server';
import { PollingLoops } from '../polling-loops.server';
import { backupFileName, writeBackupFile } from './backup.server';
import { connectionOf } from './pg-dump.server';

/** What operators and owners see of the scheduled backups. */
export interface BackupStatus {
  enabled: boolean;
  keep: number;
  /** The newest complete backup in BACKUP_DIR. */
  last: { at: string; bytes: number } | null;
  /** Complete backups in BACKUP_DIR. */
  count: number;
  /** The last scheduled backup that failed in this process, if it failed after the last good one. */
  lastFailureAt: string | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the schedule looks whether a backup is due. */
const CHECK_MS = 10 * 60 * 1000;
/** After a failure, the next try waits this long (not the full day). */
const RETRY_MS = 60 * 60 * 1000;
const NAME = /^wouldmiss-(\d{4})-(\d{2})-(\d{2})T(\d{2})(\d{2})(\d{2})Z\.sql\.gz$/;
// Any constant works; it only has to be the same in every app process.
const BACKUP_LOCK_ID = 727_402;

/** The complete backups in a folder, newest first (by the time in their names; other files are left alone). */
export function listBackups(dir: string): Array<{ file: string; at: Date; bytes: number }> {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const m = NAME.exec(name);
      if (!m) return [];
      const at = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
      const file = path.join(dir, name);
      try {
        return [{ file, at, bytes: fs.statSync(file).size }];
      } catch {
        return [];
      }
    })
    .sort((a, b) => b.at.getTime() - a.at.getTime());
}

/** Removes all but the newest `keep` backups; returns the files removed. */
export function pruneBackups(dir: string, keep: number): string[] {
  const old = listBackups(dir).slice(keep);
  for (const backup of old) fs.rmSync(backup.file, { force: true });
  return old.map((backup) => backup.file);
}

/**
 * The app's own daily backup (BACKUP_DIR, BACKUP_KEEP): every ten minutes it
 * looks at the newest backup in the folder, and when that is a day old (or
 * there is none) writes a new one and removes all but the newest KEEP. The
 * folder itself is the record, so restarts and several processes agree; on
 * PostgreSQL an advisory lock lets one process of several write it.
 */
export class BackupSchedule {
  private readonly loops = new PollingLoops((error) => this.failed(error));
  private failureAt: Date | null = null;

  constructor(
    private readonly db: Database,
    private readonly options: { dir: string; keep: number; now?: () => Date },
  ) {}

  start(): this {
    fs.mkdirSync(this.options.dir, { recursive: true });
    this.loops.start([{ work: async () => (await this.runIfDue(), false), idleMs: CHECK_MS }]);
    return this;
  }

  /** Finishes a backup in progress and stops. */
  stop(): Promise<void> {
    return this.loops.stop();
  }

  status(): BackupStatus {
    return scheduledBackupStatus(this.options, this.failureAt);
  }

  /** Writes a backup when one is due; returns its file, or null when none was due (or another process wrote it). */
  async runIfDue(): Promise<string | null> {
    const now = this.options.now?.() ?? new Date();
    if (!this.due(now)) return null;
    const connection = connectionOf(this.db);
    if (connection.driver === 'pglite') return this.write(now);
    // Several app processes share one PostgreSQL: the lock (held for the
    // transaction, on one pooled connection) lets one of them write the backup.
    return this.db.transaction(async (tx) => {
      const [row] = await selectRows<{ locked: boolean }>(tx as unknown as Database, sql`select pg_try_advisory_xact_lock(${BACKUP_LOCK_ID}) as locked`);
      if (!row?.locked || !this.due(now)) return null;
      return this.write(now);
    });
  }

  private due(now: Date): boolean {
    const [newest] = listBackups(this.options.dir);
    if (this.failureAt && now.getTime() - this.failureAt.getTime() < RETRY_MS) return false;
    return !newest || now.getTime() - newest.at.getTime() >= DAY_MS - CHECK_MS;
  }

  private async write(now: Date): Promise<string> {
    const result = await writeBackupFile(this.db, path.join(this.options.dir, backupFileName(now)));
    this.failureAt = null;
    const removed = pruneBackups(this.options.dir, this.options.keep);
    logger().info(
      { job: 'backup', bytes: result.bytes, customers: result.customers, responses: result.responses, dumpMs: Math.round(result.dumpMs), heldMs: result.heldMs === undefined ? undefined : Math.round(result.heldMs), removed: removed.length },
      'backup',
    );
    return result.file;
  }

  private failed(error: unknown): void {
    this.failureAt = this.options.now?.() ?? new Date();
    logger().error({ job: 'backup', err: error }, 'backup failed');
  }
}

/** The status of the scheduled backups as the folder shows it (and this process's last failure). */
export function scheduledBackupStatus(options: { dir?: string; keep: number }, failureAt: Date | null = null): BackupStatus {
  if (!options.dir) return { enabled: false, keep: options.keep, last: null, count: 0, lastFailureAt: null };
  const backups = listBackups(options.dir);
  const newest = backups[0];
  const failedSince = failureAt && (!newest || failureAt > newest.at) ? failureAt.toISOString() : null;
  return {
    enabled: true,
    keep: options.keep,
    last: newest ? { at: newest.at.toISOString(), bytes: newest.bytes } : null,
    count: backups.length,
    lastFailureAt: failedSince,
  };
}

// The server entry and the Remix build are separate module graphs; a global is
// the one place both see (as for the database handle).
declare global {
  // eslint-disable-next-line no-var
  var __wouldmissBackupSchedule: BackupSchedule | undefined;
}

export function setProcessBackupSchedule(schedule: BackupSchedule | undefined): void {
  globalThis.__wouldmissBackupSchedule = schedule;
}

/** This process's backup status for pages and /healthz: the schedule's, or the folder's when it runs elsewhere. */
export function processBackupStatus(env: { BACKUP_DIR?: string; BACKUP_KEEP: number }): BackupStatus {
  return globalThis.__wouldmissBackupSchedule?.status() ?? scheduledBackupStatus({ dir: env.BACKUP_DIR, keep: env.BACKUP_KEEP });
}

/** Starts the daily backup when BACKUP_DIR is set; the schedule then answers for the status pages. */
export function startBackupSchedule(env: { BACKUP_DIR?: string; BACKUP_KEEP: number }, db: Database): BackupSchedule | null {
  if (!env.BACKUP_DIR) return null;
  const schedule = new BackupSchedule(db, { dir: env.BACKUP_DIR, keep: env.BACKUP_KEEP }).start();
  setProcessBackupSchedule(schedule);
  return schedule;
}
