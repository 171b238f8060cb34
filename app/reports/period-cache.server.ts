import { sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';

/**
 * Figures of one period computed from its completed responses and tier
 * assignments, kept in this process for the period's `tables_version` (the
 * triggers bump it whenever a completed response, a tier assignment — its
 * revenue and margin included — or a tier label of the period changes), so
 * the review computes them once per change and not on every view. Each
 * process keeps its own entries; the counter lives in the database, so every
 * process sees every change. The version is read before computing: a change
 * landing meanwhile leaves the entry behind its version, and the next read
 * computes again.
 */
export class PeriodCache<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly kept = 256) {}

  /** `extraKey` names what else the figures depend on (for example the flags' fingerprint). */
  async get(db: Database, workspaceId: string, period: string, compute: () => Promise<T>, extraKey = ''): Promise<T> {
    const key = `${workspaceId}\u0000${period}\u0000${await tablesVersion(db, workspaceId, period)}\u0000${extraKey}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // A hit moves to the end, so the least recently used entry goes first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const value = await compute();
    this.entries.set(key, value);
    while (this.entries.size > this.kept) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

async function tablesVersion(db: Database, workspaceId: string, period: string): Promise<number> {
  const [row] = await selectRows<{ version: string | number }>(
    db,
    sql`select tables_version as version from period_rollup_versions where workspace_id = ${workspaceId} and period = ${period}`,
  );
  return Number(row?.version ?? 0);
}
