import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, lt, sql } from 'drizzle-orm';
import { flagsForResponse, type Flag, type FlagKind } from '../analysis/flags';
import { mentionsSecondClass } from '../analysis/lexicon';
import { selectRows, type Database } from '../../db/client.server';
import { flagEvaluations, flagEvents, flags, lexiconPhrases } from '../../db/schema';
import { ptiTwelfthsSql } from '../reports/pti-sql';
import { queueFlagAlerts, type RaisedFlag } from './alerts.server';
import { decideFlag, type StoredFlagStatus } from './reconcile';

/**
 * Judges queued responses by the flag rules (DESIGN.md, "Flags on
 * customers") and writes the outcome. A trigger queues a response in the
 * transaction that completes or changes it (db/migrations/0011); this takes
 * a batch of the queue, judges it and deletes it in one transaction, so a
 * crash before the commit leaves the batch queued for the next try. Live
 * answers, the demo and the large data set all come through here.
 */

interface JudgedRow {
  responseId: string;
  workspaceId: string;
  campaignId: string;
  customerId: string;
  tier: string | null;
  tierPosition: number | null;
  /** When the answers were last saved: the moment a flag is raised or withdrawn. */
  savedAt: Date | string;
  completedAt: Date | string;
  missUs: 'very' | 'somewhat' | 'not' | 'na' | null;
  treatEqual: number | null;
  ptiTwelfths: number | string | null;
  earlierPtiTwelfths: number | string | null;
  missMost: string | null;
  alternative: string | null;
  improve: string | null;
  accountOwnerId: string | null;
  erased: boolean;
}

interface StoredRow {
  id: string;
  campaignId: string;
  customerId: string;
  kind: FlagKind;
  status: StoredFlagStatus;
  severity: string;
  reasons: string[];
  assignedTo: string | null;
}

export interface EvaluationResult {
  /** Responses judged in this call. */
  judged: number;
  raised: number;
  withdrawn: number;
}

const kinds: readonly FlagKind[] = ['at_risk', 'second_class'];
/** A response that failed this often stays queued with its error, for an operator to look at. */
export const MAX_ATTEMPTS = 5;
const numberOrNull = (value: number | string | null) => (value === null ? null : Number(value));

/**
 * Judges up to `limit` queued responses. Rows another process is judging are
 * skipped (`SKIP LOCKED`); a change saved meanwhile waits for this commit and
 * queues its response again.
 */
export async function evaluateQueuedFlags(db: Database, options: { limit?: number; now?: Date } = {}): Promise<EvaluationResult> {
  const limit = options.limit ?? 200;
  return db.transaction(async (tx) => {
    const claimed = await tx
      .select({ responseId: flagEvaluations.responseId, version: flagEvaluations.version })
      .from(flagEvaluations)
      .where(lt(flagEvaluations.attempts, MAX_ATTEMPTS))
      .orderBy(asc(flagEvaluations.queuedAt), asc(flagEvaluations.responseId))
      .limit(limit)
      .for('update', { skipLocked: true });
    if (claimed.length === 0) return { judged: 0, raised: 0, withdrawn: 0 };
    const ids = claimed.map((row) => row.responseId);
    const rows = await judgedRows(tx, ids);
    const result = await applyRules(tx, rows, options.now ?? new Date());
    await tx.delete(flagEvaluations).where(inArray(flagEvaluations.responseId, ids));
    return { judged: claimed.length, ...result };
  });
}

/** Judges the whole queue (the demo, the large data set, tests); returns the totals. */
export async function evaluateAllQueuedFlags(db: Database, options: { limit?: number; now?: Date } = {}): Promise<EvaluationResult> {
  const total: EvaluationResult = { judged: 0, raised: 0, withdrawn: 0 };
  for (;;) {
    const step = await evaluateQueuedFlags(db, options);
    if (step.judged === 0) return total;
    total.judged += step.judged;
    total.raised += step.raised;
    total.withdrawn += step.withdrawn;
  }
}

/**
 * Records a failed try on the response that would be judged next: the
 * evaluator calls this after a batch of one failed, so one response the
 * rules cannot judge never holds up the others.
 */
export async function recordEvaluationFailure(db: Database, error: string): Promise<void> {
  await db.execute(sql`update flag_evaluations set attempts = attempts + 1, last_error = ${error.slice(0, 500)}
    where response_id = (select response_id from flag_evaluations where attempts < ${MAX_ATTEMPTS}
      order by queued_at, response_id limit 1 for update skip locked)`);
}

/** How many responses wait to be judged. */
export async function queuedEvaluationCount(db: Database): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(flagEvaluations);
  return row?.n ?? 0;
}

function judgedRows(db: Database, ids: string[]): Promise<JudgedRow[]> {
  return selectRows<JudgedRow>(
    db,
    sql`select r.id as "responseId", r.workspace_id as "workspaceId", r.campaign_id as "campaignId", r.customer_id as "customerId",
          wt.label as tier, wt.position as "tierPosition", r.updated_at as "savedAt", r.completed_at as "completedAt",
          r.miss_us as "missUs", r.treat_equal as "treatEqual", ${ptiTwelfthsSql('r')} as "ptiTwelfths",
          earlier.pti as "earlierPtiTwelfths", r.miss_most as "missMost", r.alternative, r.improve,
          m.user_id as "accountOwnerId", c.erased_at is not null as erased
        from responses r
        join customers c on c.id = r.customer_id
        left join tier_assignments ta on ta.customer_id = r.customer_id and ta.period = r.period
        left join workspace_tiers wt on wt.id = ta.tier_id
        -- Only a member of the workspace can own its customers' flags.
        left join memberships m on m.workspace_id = r.workspace_id and m.user_id = c.account_owner_id
        left join lateral (
          select ${ptiTwelfthsSql('e')} as pti from responses e
          where e.customer_id = r.customer_id and e.status = 'completed' and e.completed_at < r.completed_at
            and num_nonnulls(e.treat_valued, e.treat_responsive, e.treat_equal, e.treat_promise) >= 3
          order by e.completed_at desc limit 1
        ) earlier on true
        where r.id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and r.status = 'completed'`,
  );
}

async function workspacePhrases(db: Database, workspaceIds: string[]): Promise<Map<string, string[]>> {
  const rows = await db
    .select({ workspaceId: lexiconPhrases.workspaceId, phrase: lexiconPhrases.phrase })
    .from(lexiconPhrases)
    .where(inArray(lexiconPhrases.workspaceId, workspaceIds));
  const phrases = new Map<string, string[]>();
  for (const row of rows) phrases.set(row.workspaceId, [...(phrases.get(row.workspaceId) ?? []), row.phrase]);
  return phrases;
}

/** The flags the rules raise for one judged response, by kind. */
function wantedFlags(row: JudgedRow, phrases: readonly string[]): Map<FlagKind, Flag> {
  if (row.erased) return new Map();
  const tier = row.tier ?? '';
  const raised = flagsForResponse(
    {
      customerId: row.customerId,
      tier,
      completedAt: new Date(row.completedAt).getTime(),
      missUs: row.missUs,
      treatEqual: numberOrNull(row.treatEqual),
      ptiTwelfths: numberOrNull(row.ptiTwelfths),
      earlierPtiTwelfths: numberOrNull(row.earlierPtiTwelfths),
      mentionsSecondClass: mentionsSecondClass([row.missMost ?? '', row.alternative ?? '', row.improve ?? ''], phrases),
    },
    // Position 1 is the top tier; a customer without a tier in the period is in none.
    row.tierPosition === 1 ? tier : undefined,
  );
  return new Map(raised.map((flag) => [flag.kind, flag]));
}

async function applyRules(db: Database, rows: JudgedRow[], now: Date): Promise<Omit<EvaluationResult, 'judged'>> {
  if (rows.length === 0) return { raised: 0, withdrawn: 0 };
  const phrases = await workspacePhrases(db, [...new Set(rows.map((row) => row.workspaceId))]);
  const storedRows = (await db
    .select({
      id: flags.id,
      campaignId: flags.campaignId,
      customerId: flags.customerId,
      kind: flags.kind,
      status: flags.status,
      severity: flags.severity,
      reasons: flags.reasons,
      assignedTo: flags.assignedTo,
    })
    .from(flags)
    .where(
      and(
        inArray(flags.campaignId, [...new Set(rows.map((row) => row.campaignId))]),
        inArray(flags.customerId, [...new Set(rows.map((row) => row.customerId))]),
      ),
    )
    .for('update')) as StoredRow[];
  const stored = new Map(storedRows.map((row) => [`${row.campaignId}:${row.customerId}:${row.kind}`, row]));

  const raisedFlags: RaisedFlag[] = [];
  const newFlags: (typeof flags.$inferInsert)[] = [];
  const events: (typeof flagEvents.$inferInsert)[] = [];
  let withdrawn = 0;
  for (const row of rows) {
    const wanted = wantedFlags(row, phrases.get(row.workspaceId) ?? []);
    const at = new Date(row.savedAt);
    for (const kind of kinds) {
      const current = stored.get(`${row.campaignId}:${row.customerId}:${kind}`);
      const flag = wanted.get(kind);
      const decision = decideFlag(current, flag);
      if (decision === 'keep') continue;
      if (decision === 'withdraw') {
        await db.update(flags).set({ status: 'withdrawn', responseId: row.responseId, updatedAt: at }).where(eq(flags.id, current!.id));
        events.push({ workspaceId: row.workspaceId, flagId: current!.id, action: 'withdrawn', createdAt: at });
        withdrawn++;
        continue;
      }
      const { severity, reasons } = flag!;
      if (decision === 'raise') {
        // Ids made here, so a whole batch of new flags and their events is two inserts.
        const id = randomUUID();
        newFlags.push({
          id,
          workspaceId: row.workspaceId,
          campaignId: row.campaignId,
          customerId: row.customerId,
          responseId: row.responseId,
          kind,
          severity,
          reasons,
          assignedTo: row.accountOwnerId,
          createdAt: at,
          updatedAt: at,
        });
        events.push({ workspaceId: row.workspaceId, flagId: id, action: 'raised', createdAt: at });
        raisedFlags.push({ flagId: id, workspaceId: row.workspaceId, severity, assignedTo: row.accountOwnerId, raisedAt: at, key: 'raised' });
        continue;
      }
      const assignedTo = current!.assignedTo ?? row.accountOwnerId;
      await db
        .update(flags)
        .set({ status: 'open', severity, reasons, responseId: row.responseId, assignedTo, updatedAt: at })
        .where(eq(flags.id, current!.id));
      const eventId = randomUUID();
      events.push({ id: eventId, workspaceId: row.workspaceId, flagId: current!.id, action: decision === 'reraise' ? 'reraised' : 'updated', createdAt: at });
      if (decision === 'reraise') raisedFlags.push({ flagId: current!.id, workspaceId: row.workspaceId, severity, assignedTo, raisedAt: at, key: eventId });
    }
  }
  if (newFlags.length > 0) await db.insert(flags).values(newFlags);
  if (events.length > 0) await db.insert(flagEvents).values(events);
  await queueFlagAlerts(db, raisedFlags, now);
  return { raised: raisedFlags.length, withdrawn };
}
