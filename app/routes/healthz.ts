import type { LoaderFunctionArgs } from '@remix-run/node';
import { json } from '@remix-run/node';
import { sql } from 'drizzle-orm';
import { env } from '~/config/env.server';
import { db } from '~/db.server';
import { processBackupStatus } from '~/ops/backup/schedule.server';

/**
 * Liveness and database check for load balancers: 200 when the database
 * answers, else 503. `?details` adds what operators look at now and then:
 * the newest scheduled backup (time, size), how many are kept, and a failure
 * since then.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const details = new URL(request.url).searchParams.has('details');
  const extra = () => (details ? { backup: processBackupStatus(env()) } : {});
  try {
    await Promise.race([
      db().execute(sql`select 1`),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000)),
    ]);
    return json({ status: 'ok', database: 'ok', ...extra() }, { headers: { 'Cache-Control': 'no-store' } });
  } catch {
    return json({ status: 'error', database: 'unavailable', ...extra() }, { status: 503, headers: { 'Cache-Control': 'no-store' } });
  }
}
