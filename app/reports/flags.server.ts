import { and, eq, sql } from 'drizzle-orm';
import { computeFlags, type FlaggableResponse } from '../analysis/flags';
import { mentionsSecondClass } from '../analysis/lexicon';
import type { Database } from '../../db/client.server';
import { campaigns, flagEvents, flags } from '../../db/schema';
import { tierLabels } from './analysis.server';
import { selectRows } from './period-tables.server';

interface CampaignResponseRow {
  responseId: string;
  customerId: string;
  tier: string;
  position: number;
  completedAt: Date | string;
  missUs: 'very' | 'somewhat' | 'not' | 'na' | null;
  treatEqual: number | null;
  ptiTwelfths: number | null;
  earlierPtiTwelfths: number | null;
  missMost: string | null;
  alternative: string | null;
  improve: string | null;
}

/**
 * Applies the flag rules (app/analysis/flags.ts) to the completed responses of
 * a campaign and stores the flags. A flag is unique per campaign, customer and
 * kind: running this again never duplicates a flag, and never touches one
 * that marketing has contacted, resolved or dismissed; an open flag gets the
 * reasons of the customer's latest answers. Returns how many flags are new
 * and how many the rules raise in all.
 */
export async function raiseFlagsForCampaign(db: Database, workspaceId: string, campaignId: string): Promise<{ raised: number; total: number }> {
  const [campaign] = await db
    .select({ period: campaigns.period })
    .from(campaigns)
    .where(and(eq(campaigns.id, campaignId), eq(campaigns.workspaceId, workspaceId)));
  if (!campaign) return { raised: 0, total: 0 };
  const pti = (alias: string) =>
    sql.raw(`case when num_nonnulls(${alias}.treat_valued, ${alias}.treat_responsive, ${alias}.treat_equal, ${alias}.treat_promise) >= 3
      then (coalesce(${alias}.treat_valued, 0) + coalesce(${alias}.treat_responsive, 0) + coalesce(${alias}.treat_equal, 0) + coalesce(${alias}.treat_promise, 0)) * 12
        / num_nonnulls(${alias}.treat_valued, ${alias}.treat_responsive, ${alias}.treat_equal, ${alias}.treat_promise) end`);
  const rows = (await selectRows(
    db,
    sql`select r.id as "responseId", r.customer_id as "customerId", wt.label as tier, wt.position, r.completed_at as "completedAt",
          r.miss_us as "missUs", r.treat_equal as "treatEqual", ${pti('r')} as "ptiTwelfths",
          earlier.pti as "earlierPtiTwelfths", r.miss_most as "missMost", r.alternative, r.improve
        from responses r
        join customers c on c.id = r.customer_id and c.erased_at is null
        -- The period as a constant lets the planner use the (workspace, period, customer) index.
        join tier_assignments ta on ta.workspace_id = ${workspaceId} and ta.period = ${campaign.period} and ta.customer_id = r.customer_id
        join workspace_tiers wt on wt.id = ta.tier_id
        left join lateral (
          select ${pti('e')} as pti from responses e
          where e.customer_id = r.customer_id and e.status = 'completed' and e.completed_at < r.completed_at
            and num_nonnulls(e.treat_valued, e.treat_responsive, e.treat_equal, e.treat_promise) >= 3
          order by e.completed_at desc limit 1
        ) earlier on true
        where r.workspace_id = ${workspaceId} and r.campaign_id = ${campaignId} and r.status = 'completed'`,
  )) as CampaignResponseRow[];
  if (rows.length === 0) return { raised: 0, total: 0 };

  const tierOrder = await tierLabels(db, workspaceId);
  const responseOf = new Map(rows.map((row) => [row.customerId, row.responseId]));
  const flaggable: FlaggableResponse[] = rows.map((row) => ({
    customerId: row.customerId,
    tier: row.tier,
    completedAt: new Date(row.completedAt).getTime(),
    missUs: row.missUs,
    treatEqual: row.treatEqual === null ? null : Number(row.treatEqual),
    ptiTwelfths: row.ptiTwelfths === null ? null : Number(row.ptiTwelfths),
    earlierPtiTwelfths: row.earlierPtiTwelfths === null ? null : Number(row.earlierPtiTwelfths),
    mentionsSecondClass: mentionsSecondClass([row.missMost ?? '', row.alternative ?? '', row.improve ?? '']),
  }));
  const raised = computeFlags(flaggable, tierOrder);
  if (raised.length === 0) return { raised: 0, total: 0 };

  return db.transaction(async (tx) => {
    let created = 0;
    for (let i = 0; i < raised.length; i += 500) {
      const chunk = raised.slice(i, i + 500);
      // xmax = 0 tells an inserted row from an updated one.
      const written = await tx
        .insert(flags)
        .values(
          chunk.map((flag) => ({
            workspaceId,
            campaignId,
            customerId: flag.customerId,
            responseId: responseOf.get(flag.customerId),
            kind: flag.kind,
            severity: flag.severity,
            reasons: flag.reasons,
          })),
        )
        .onConflictDoUpdate({
          target: [flags.campaignId, flags.customerId, flags.kind],
          set: { severity: sql`excluded.severity`, reasons: sql`excluded.reasons`, updatedAt: sql`now()` },
          setWhere: sql`${flags.status} = 'open' and (${flags.reasons} <> excluded.reasons or ${flags.severity} <> excluded.severity)`,
        })
        .returning({ id: flags.id, inserted: sql<boolean>`xmax = 0` });
      const newIds = written.filter((row) => row.inserted).map((row) => row.id);
      created += newIds.length;
      if (newIds.length > 0) {
        await tx.insert(flagEvents).values(newIds.map((flagId) => ({ workspaceId, flagId, action: 'raised' as const })));
      }
    }
    return { raised: created, total: raised.length };
  });
}
