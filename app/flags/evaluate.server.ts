import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { flagsForResponse, type Flag, type FlagKind } from '../analysis/flags';
import { mentionsSecondClass } from '../analysis/lexicon';
import { isConnectionPool, selectRows, type Database } from '../../db/client.server';
import { flagEvaluations, flagEvents, flags } from '../../db/schema';
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
  /** The queue entry; the columns below are null when its response is gone or not completed. */
  claimedId: string;
  responseId: string | null;
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
  /** The workspace's own lexicon phrases. */
  phrases: string[] | string;
  /** The flags this customer already has in this campaign. */
  stored: StoredRow[] | string;
}

interface StoredRow {
  id: string;
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
 * Judges up to `limit` queued responses. One statement claims the batch
 * (rows another process is judging are skipped), takes it off the queue and
 * reads everything the rules need; a change saved meanwhile waits for this commit and queues its
 * response again. Flags change only from the state they were read in
 * (`where status = …`), so a member acting on a flag at the same moment wins.
 */
export async function evaluateQueuedFlags(db: Database, options: { limit?: number; now?: Date } = {}): Promise<EvaluationResult> {
  const limit = options.limit ?? 200;
  return db.transaction(async (tx) => {
    const rows = await claimedRows(tx, limit);
    if (rows.length === 0) return { judged: 0, raised: 0, withdrawn: 0 };
    const result = await applyRules(
      tx,
      rows.filter((row) => row.responseId !== null),
      options.now ?? new Date(),
    );
    return { judged: rows.length, ...result };
  });
}

/**
 * Batches judged side by side while the queue is long: on PostgreSQL each
 * batch's reading is lookups on one backend, and the app's judging is a
 * fraction of it, so one batch at a time left a core idle (a campaign of
 * 100,000 answers: 9.2 s, two at a time 5.8 s). One at a time on PGlite's
 * one connection and inside a caller's transaction (the demo's seed), where
 * two batches would claim the same rows.
 */
export function evaluationLanes(db: Database): number {
  return isConnectionPool(db) ? 2 : 1;
}

/** Judges the whole queue (the demo, the large data set, tests), `lanes` batches at a time; returns the totals. */
export async function evaluateAllQueuedFlags(db: Database, options: { limit?: number; now?: Date; lanes?: number } = {}): Promise<EvaluationResult> {
  const total: EvaluationResult = { judged: 0, raised: 0, withdrawn: 0 };
  const lane = async () => {
    for (;;) {
      const step = await evaluateQueuedFlags(db, options);
      if (step.judged === 0) return;
      total.judged += step.judged;
      total.raised += step.raised;
      total.withdrawn += step.withdrawn;
    }
  };
  await sideBySide(options.lanes ?? evaluationLanes(db), lane);
  return total;
}

/**
 * Runs `lanes` copies of `work` at once and resolves to their results; a
 * failure is thrown only when every copy has ended, so none is left running
 * after the caller has moved on.
 */
export async function sideBySide<T>(lanes: number, work: () => Promise<T>): Promise<T[]> {
  const outcomes = await Promise.allSettled(Array.from({ length: lanes }, work));
  return outcomes.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });
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

function claimedRows(db: Database, limit: number): Promise<JudgedRow[]> {
  return selectRows<JudgedRow>(
    db,
    // Claimed rows are deleted at once: the transaction's commit is what removes them for good.
    // The oldest come first through flag_evaluations_queue_idx (migration 0028), and
    // are deleted by key: `in (subquery)` hashed the whole queue on each batch.
    sql`with claimed as (
          delete from flag_evaluations where response_id = any (array(
            select response_id from flag_evaluations where attempts < ${MAX_ATTEMPTS}
            order by queued_at, response_id limit ${limit} for update skip locked))
          returning response_id
        )
        select q.response_id as "claimedId", r.id as "responseId", r.workspace_id as "workspaceId", r.campaign_id as "campaignId",
          r.customer_id as "customerId", wt.label as tier, wt.position as "tierPosition", r.updated_at as "savedAt",
          r.completed_at as "completedAt", r.miss_us as "missUs", r.treat_equal as "treatEqual", ${ptiTwelfthsSql('r')} as "ptiTwelfths",
          earlier.pti as "earlierPtiTwelfths", r.miss_most as "missMost", r.alternative, r.improve,
          m.user_id as "accountOwnerId", c.erased_at is not null as erased,
          (select coalesce(json_agg(p.phrase), '[]') from lexicon_phrases p where p.workspace_id = r.workspace_id) as phrases,
          (select coalesce(json_agg(json_build_object('id', f.id, 'kind', f.kind, 'status', f.status, 'severity', f.severity,
              'reasons', f.reasons, 'assignedTo', f.assigned_to)), '[]')
            from flags f where f.campaign_id = r.campaign_id and f.customer_id = r.customer_id) as stored
        from claimed q
        left join responses r on r.id = q.response_id and r.status = 'completed'
        left join customers c on c.id = r.customer_id
        left join tier_assignments ta on ta.customer_id = r.customer_id and ta.period = r.period
        left join workspace_tiers wt on wt.id = ta.tier_id
        -- Only a member of the workspace can own its customers' flags.
        left join memberships m on m.workspace_id = r.workspace_id and m.user_id = c.account_owner_id
        left join lateral (
          select ${ptiTwelfthsSql('e')} as pti from responses e
          where e.customer_id = r.customer_id and e.status = 'completed' and e.completed_at < r.completed_at
            and num_nonnulls(e.treat_valued, e.treat_responsive, e.treat_equal, e.treat_promise) >= 3
          order by e.completed_at desc limit 1
        ) earlier on true`,
  );
}

/** postgres.js hands json over as text, PGlite parsed. */
const parsed = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

/** The flags the rules raise for one judged response, by kind. */
function wantedFlags(row: JudgedRow): Map<FlagKind, Flag> {
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
      mentionsSecondClass: mentionsSecondClass([row.missMost ?? '', row.alternative ?? '', row.improve ?? ''], parsed(row.phrases)),
    },
    // Position 1 is the top tier; a customer without a tier in the period is in none.
    row.tierPosition === 1 ? tier : undefined,
  );
  return new Map(raised.map((flag) => [flag.kind, flag]));
}

async function applyRules(db: Database, rows: JudgedRow[], now: Date): Promise<Omit<EvaluationResult, 'judged'>> {
  const raisedFlags: RaisedFlag[] = [];
  const newFlags: NewFlag[] = [];
  const events: NewEvent[] = [];
  let withdrawn = 0;
  for (const row of rows) {
    const wanted = wantedFlags(row);
    const stored = new Map(parsed(row.stored).map((flag) => [flag.kind, flag]));
    const at = new Date(row.savedAt);
    for (const kind of kinds) {
      const current = stored.get(kind);
      const flag = wanted.get(kind);
      const decision = decideFlag(current, flag);
      if (decision === 'keep') continue;
      if (decision === 'withdraw') {
        const changed = await db
          .update(flags)
          .set({ status: 'withdrawn', responseId: row.responseId, updatedAt: at })
          .where(and(eq(flags.id, current!.id), eq(flags.status, 'open')))
          .returning({ id: flags.id });
        if (changed.length === 0) continue;
        events.push({ id: randomUUID(), workspaceId: row.workspaceId, flagId: current!.id, action: 'withdrawn', createdAt: at });
        withdrawn++;
        continue;
      }
      const { severity, reasons } = flag!;
      if (decision === 'raise') {
        // Ids made here, so a whole batch of new flags is one insert.
        newFlags.push({
          id: randomUUID(),
          workspaceId: row.workspaceId,
          campaignId: row.campaignId,
          customerId: row.customerId,
          responseId: row.responseId!,
          kind,
          severity,
          reasons,
          assignedTo: row.accountOwnerId,
          createdAt: at,
        });
        continue;
      }
      const assignedTo = current!.assignedTo ?? row.accountOwnerId;
      const changed = await db
        .update(flags)
        .set({ status: 'open', severity, reasons, responseId: row.responseId, assignedTo, updatedAt: at })
        .where(and(eq(flags.id, current!.id), eq(flags.status, current!.status)))
        .returning({ id: flags.id });
      if (changed.length === 0) continue;
      const eventId = randomUUID();
      events.push({ id: eventId, workspaceId: row.workspaceId, flagId: current!.id, action: decision === 'reraise' ? 'reraised' : 'updated', createdAt: at });
      if (decision === 'reraise') raisedFlags.push({ flagId: current!.id, workspaceId: row.workspaceId, severity, assignedTo, raisedAt: at, key: eventId });
    }
  }
  if (newFlags.length > 0) {
    const inserted = await insertFlags(db, newFlags);
    for (const flag of newFlags.filter((candidate) => inserted.has(candidate.id))) {
      events.push({ id: randomUUID(), workspaceId: flag.workspaceId, flagId: flag.id, action: 'raised', createdAt: flag.createdAt });
      raisedFlags.push({ flagId: flag.id, workspaceId: flag.workspaceId, severity: flag.severity, assignedTo: flag.assignedTo, raisedAt: flag.createdAt, key: 'raised' });
    }
  }
  if (events.length > 0) await insertEvents(db, events);
  await queueFlagAlerts(db, raisedFlags, now);
  return { raised: raisedFlags.length, withdrawn };
}

interface NewFlag {
  id: string;
  workspaceId: string;
  campaignId: string;
  customerId: string;
  responseId: string;
  kind: FlagKind;
  severity: 'high' | 'medium';
  reasons: string[];
  assignedTo: string | null;
  createdAt: Date;
}

interface NewEvent {
  id: string;
  workspaceId: string;
  flagId: string;
  action: (typeof flagEvents.$inferInsert)['action'];
  createdAt: Date;
}

// A batch's new flags and events go in as one JSON parameter each: built by
// the query builder, their parameters (eleven a flag) cost about 40 % of the
// judging's app CPU. The column lists below name every column written.

/** Inserts new flags; returns the ids that went in (another process may have raised the same flag a moment ago: the unique key keeps one). */
async function insertFlags(db: Database, rows: NewFlag[]): Promise<Set<string>> {
  const inserted = await selectRows<{ id: string }>(
    db,
    sql`insert into flags (id, workspace_id, campaign_id, customer_id, response_id, kind, severity, reasons, assigned_to, created_at, updated_at)
        select x.id, x."workspaceId", x."campaignId", x."customerId", x."responseId", x.kind, x.severity, x.reasons, x."assignedTo", x."createdAt", x."createdAt"
        from json_to_recordset(${JSON.stringify(rows)}::json) as x(id uuid, "workspaceId" uuid, "campaignId" uuid, "customerId" uuid,
          "responseId" uuid, kind text, severity text, reasons text[], "assignedTo" uuid, "createdAt" timestamptz)
        on conflict do nothing
        returning id`,
  );
  return new Set(inserted.map((row) => row.id));
}

async function insertEvents(db: Database, rows: NewEvent[]): Promise<void> {
  await db.execute(
    sql`insert into flag_events (id, workspace_id, flag_id, action, created_at)
        select x.id, x."workspaceId", x."flagId", x.action, x."createdAt"
        from json_to_recordset(${JSON.stringify(rows)}::json) as x(id uuid, "workspaceId" uuid, "flagId" uuid, action text, "createdAt" timestamptz)`,
  );
}
