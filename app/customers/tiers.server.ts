import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { campaigns, tierAssignments, workspaces, workspaceTiers } from '../../db/schema';
import { recordAudit } from '../auth/audit.server';
import { MAX_TIERS, MIN_TIERS } from './tier-limits';

export { MAX_TIERS, MIN_TIERS } from './tier-limits';

/** A workspace's tiers, best first. */
export async function listTiers(db: Database, workspaceId: string) {
  return db
    .select({ id: workspaceTiers.id, position: workspaceTiers.position, label: workspaceTiers.label })
    .from(workspaceTiers)
    .where(eq(workspaceTiers.workspaceId, workspaceId))
    .orderBy(asc(workspaceTiers.position));
}

/** Tiers and ABC thresholds (shares between 0 and 1) of a workspace. */
export async function getTierSettings(db: Database, workspaceId: string) {
  const [thresholds] = await db
    .select({ a: workspaces.abcThresholdA, b: workspaces.abcThresholdB })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  return { tiers: await listTiers(db, workspaceId), thresholds: thresholds! };
}

/** Customers per tier label in one period; every tier appears, with 0 when empty. */
export async function tierCountsForPeriod(db: Database, workspaceId: string, period: string): Promise<Record<string, number>> {
  const rows = await db
    .select({ label: workspaceTiers.label, n: sql<number>`count(${tierAssignments.id})::int` })
    .from(workspaceTiers)
    .leftJoin(
      tierAssignments,
      and(eq(tierAssignments.workspaceId, workspaceId), eq(tierAssignments.period, period), eq(tierAssignments.tierId, workspaceTiers.id)),
    )
    .where(eq(workspaceTiers.workspaceId, workspaceId))
    .groupBy(workspaceTiers.id, workspaceTiers.label, workspaceTiers.position)
    .orderBy(asc(workspaceTiers.position));
  return Object.fromEntries(rows.map((row) => [row.label, row.n]));
}

/**
 * The periods that have tier assignments, newest first. A loose index scan
 * (one index probe per period) keeps this fast however many customers there are.
 */
export async function listPeriods(db: Database, workspaceId: string): Promise<string[]> {
  const result = await selectRows(db, sql`
    with recursive periods(period) as (
      (select period from tier_assignments where workspace_id = ${workspaceId} order by period desc limit 1)
      union all
      select (select t.period from tier_assignments t where t.workspace_id = ${workspaceId} and t.period < p.period order by t.period desc limit 1)
      from periods p where p.period is not null
    )
    select period from periods where period is not null`);
  const rows = result as Array<{ period: string }>;
  return rows.map((row) => row.period);
}

/** Customers per period and tier (position order), for the tier overview. */
export async function tierCountsByPeriod(db: Database, workspaceId: string, periods: readonly string[]) {
  if (periods.length === 0) return [];
  return db
    .select({ period: tierAssignments.period, tierId: tierAssignments.tierId, customers: count() })
    .from(tierAssignments)
    .where(and(eq(tierAssignments.workspaceId, workspaceId), sql`${tierAssignments.period} in ${periods}`))
    .groupBy(tierAssignments.period, tierAssignments.tierId)
    .orderBy(desc(tierAssignments.period));
}

export type TierChangeResult = { ok: true } | { ok: false; error: 'too_many_tiers' | 'too_few_tiers' | 'tier_in_use' | 'label_taken' };

/** Renames tiers and sets the ABC thresholds; labels come best first, one per existing tier. */
export async function saveTierSettings(
  db: Database,
  workspaceId: string,
  actorUserId: string,
  input: { labels: string[]; thresholdA: number; thresholdB: number },
): Promise<TierChangeResult> {
  const lower = input.labels.map((label) => label.toLowerCase());
  if (new Set(lower).size !== lower.length) return { ok: false, error: 'label_taken' };
  return db.transaction(async (tx) => {
    const tiers = await listTiers(tx, workspaceId);
    if (tiers.length !== input.labels.length) return { ok: false, error: 'label_taken' } as const;
    // Through temporary labels, so that swapping two names never trips the unique index.
    for (const tier of tiers) await tx.update(workspaceTiers).set({ label: `~${tier.id}` }).where(eq(workspaceTiers.id, tier.id));
    for (const [index, tier] of tiers.entries()) await tx.update(workspaceTiers).set({ label: input.labels[index]! }).where(eq(workspaceTiers.id, tier.id));
    await tx
      .update(workspaces)
      .set({ abcThresholdA: input.thresholdA, abcThresholdB: input.thresholdB })
      .where(eq(workspaces.id, workspaceId));
    await recordAudit(tx, {
      workspaceId,
      actorUserId,
      action: 'tiers.updated',
      subjectType: 'workspace',
      subjectId: workspaceId,
      details: { labels: input.labels, thresholdA: input.thresholdA, thresholdB: input.thresholdB },
    });
    return { ok: true } as const;
  });
}

/** Adds a tier after the last one (the new worst tier). */
export async function addTier(db: Database, workspaceId: string, actorUserId: string, label: string): Promise<TierChangeResult> {
  return db.transaction(async (tx) => {
    const tiers = await listTiers(tx, workspaceId);
    if (tiers.length >= MAX_TIERS) return { ok: false, error: 'too_many_tiers' } as const;
    if (tiers.some((tier) => tier.label.toLowerCase() === label.toLowerCase())) return { ok: false, error: 'label_taken' } as const;
    await tx.insert(workspaceTiers).values({ workspaceId, position: tiers.length + 1, label });
    await recordAudit(tx, { workspaceId, actorUserId, action: 'tiers.added', subjectType: 'workspace', subjectId: workspaceId, details: { label } });
    return { ok: true } as const;
  });
}

/**
 * Removes the last tier, which must be unused: no customer has it in any
 * period and no campaign's audience names it. Never fewer than two tiers.
 */
export async function removeLastTier(db: Database, workspaceId: string, actorUserId: string): Promise<TierChangeResult> {
  return db.transaction(async (tx) => {
    const tiers = await listTiers(tx, workspaceId);
    if (tiers.length <= MIN_TIERS) return { ok: false, error: 'too_few_tiers' } as const;
    const last = tiers[tiers.length - 1]!;
    if (await tierInUse(tx, workspaceId, last.id)) return { ok: false, error: 'tier_in_use' } as const;
    await tx.delete(workspaceTiers).where(eq(workspaceTiers.id, last.id));
    await recordAudit(tx, { workspaceId, actorUserId, action: 'tiers.removed', subjectType: 'workspace', subjectId: workspaceId, details: { label: last.label } });
    return { ok: true } as const;
  });
}

/** Whether any tier assignment or campaign audience refers to the tier. */
export async function tierInUse(db: Database, workspaceId: string, tierId: string): Promise<boolean> {
  const [assigned] = await db.select({ id: tierAssignments.id }).from(tierAssignments).where(eq(tierAssignments.tierId, tierId)).limit(1);
  if (assigned) return true;
  const [audience] = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.workspaceId, workspaceId), sql`${campaigns.audienceTierIds} @> ${JSON.stringify([tierId])}::jsonb`))
    .limit(1);
  return Boolean(audience);
}
