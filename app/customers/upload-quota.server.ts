import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';

/**
 * Per workspace and day: a member's CSV uploads are stored in the database
 * and checked on the app's event loop, so one workspace may not upload
 * without end. Counted in rate_limits (fixed 24-hour windows), shared by all
 * app processes.
 */
export const UPLOADS_PER_DAY = 50;
export const UPLOAD_MEGABYTES_PER_DAY = 256;
const DAY_SECONDS = 24 * 60 * 60;

const countKey = (workspaceId: string) => `quota:uploads:${workspaceId}`;
const bytesKey = (workspaceId: string) => `quota:upload-bytes:${workspaceId}`;

/** Adds `amount` to a daily counter (a new window when the last one ended); returns the new total and the seconds left. */
async function addToDailyCounter(db: Database, key: string, amount: number): Promise<{ total: number; retryAfter: number }> {
  const [row] = await selectRows<{ count: number; remaining: number }>(
    db,
    sql`insert into rate_limits (key, count) values (${key}, ${amount})
        on conflict (key) do update set
          count = case when rate_limits.window_started_at + make_interval(secs => ${DAY_SECONDS}) <= now() then ${amount} else rate_limits.count + ${amount} end,
          window_started_at = case when rate_limits.window_started_at + make_interval(secs => ${DAY_SECONDS}) <= now() then now() else rate_limits.window_started_at end
        returning count, greatest(1, ceil(extract(epoch from window_started_at + make_interval(secs => ${DAY_SECONDS}) - now())))::int as remaining`,
  );
  return { total: Number(row!.count), retryAfter: Number(row!.remaining) };
}

export type QuotaResult = { ok: true } | { ok: false; retryAfter: number };

/**
 * Counts one upload before it is read. Refused when the workspace has made
 * UPLOADS_PER_DAY uploads today, or stored UPLOAD_MEGABYTES_PER_DAY already.
 */
export async function startUpload(db: Database, workspaceId: string): Promise<QuotaResult> {
  const bytes = await addToDailyCounter(db, bytesKey(workspaceId), 0);
  if (bytes.total >= UPLOAD_MEGABYTES_PER_DAY * 1024 * 1024) return { ok: false, retryAfter: bytes.retryAfter };
  const uploads = await addToDailyCounter(db, countKey(workspaceId), 1);
  if (uploads.total > UPLOADS_PER_DAY) return { ok: false, retryAfter: uploads.retryAfter };
  return { ok: true };
}

/** Adds a stored upload's size to the day's bytes. */
export async function recordUploadBytes(db: Database, workspaceId: string, bytes: number): Promise<void> {
  await addToDailyCounter(db, bytesKey(workspaceId), bytes);
}
