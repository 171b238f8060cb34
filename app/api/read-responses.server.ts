import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { selectRows, type Database } from '../../db/client.server';
import { missUsAnswers } from '../../db/schema';
import { pageOf, pageQuery, toPage } from './pagination';
import { isoTimestamp, jsonValue, keysetConditions } from './sql.server';

export const listResponsesQuery = z.object({
  ...pageQuery,
  status: z.enum(['started', 'completed'], { error: 'started or completed' }).optional().describe('Only started (unfinished) or completed responses.'),
  campaign_id: z.uuid('a campaign id').optional().describe('Only responses of this campaign.'),
});

const scale = (low: number, high: number) => z.int().min(low).max(high).nullable();

export const apiResponse = z.object({
  id: z.uuid(),
  status: z.enum(['started', 'completed']),
  locale: z.enum(['de', 'en']),
  period: z.string(),
  customer: z.object({ id: z.uuid(), externalId: z.string() }),
  campaign: z.object({ id: z.uuid(), name: z.string(), period: z.string() }),
  tier: z.string().nullable().describe("The customer's tier in the campaign's period, under which the response is analysed."),
  answers: z.object({
    miss_us: z.enum(missUsAnswers).nullable(),
    miss_most: z.string().nullable(),
    alternative: z.string().nullable(),
    treat_valued: scale(1, 5),
    treat_responsive: scale(1, 5),
    treat_equal: scale(1, 5),
    treat_promise: scale(1, 5),
    benefit: scale(1, 5),
    csat: scale(1, 5),
    recommend: scale(0, 10),
    improve: z.string().nullable(),
  }),
  customAnswers: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])).describe("Answers to the survey's own questions by key."),
  startedAt: z.iso.datetime(),
  completedAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
});
export const responsesPage = pageOf(apiResponse);

/**
 * One page of responses in order of their last change, with the tier at the
 * time. Never those of erased customers, and nothing of the invitation (its
 * link token is the customer's key to the survey).
 */
export async function listResponsesForApi(db: Database, workspaceId: string, query: z.output<typeof listResponsesQuery>): Promise<z.input<typeof responsesPage>> {
  const rows = await selectRows<z.output<typeof apiResponse> & { cursorAt: string }>(
    db,
    sql`select r.id, r.status, r.locale, r.period,
          json_build_object('id', c.id, 'externalId', c.external_id) as customer,
          json_build_object('id', k.id, 'name', k.name, 'period', k.period) as campaign,
          wt.label as tier,
          json_build_object('miss_us', r.miss_us, 'miss_most', r.miss_most, 'alternative', r.alternative,
            'treat_valued', r.treat_valued, 'treat_responsive', r.treat_responsive, 'treat_equal', r.treat_equal,
            'treat_promise', r.treat_promise, 'benefit', r.benefit, 'csat', r.csat, 'recommend', r.recommend, 'improve', r.improve) as answers,
          coalesce((select json_object_agg(a.question_key, a.value) from response_answers a where a.response_id = r.id), '{}') as "customAnswers",
          ${isoTimestamp(sql`r.started_at`)} as "startedAt", ${isoTimestamp(sql`r.completed_at`)} as "completedAt",
          ${isoTimestamp(sql`r.updated_at`)} as "cursorAt"
        from responses r
        join customers c on c.id = r.customer_id and c.erased_at is null
        join campaigns k on k.id = r.campaign_id
        left join tier_assignments ta on ta.customer_id = r.customer_id and ta.period = r.period
        left join workspace_tiers wt on wt.id = ta.tier_id
        where r.workspace_id = ${workspaceId}
          and (${query.status ?? null}::text is null or r.status = ${query.status ?? null})
          and (${query.campaign_id ?? null}::uuid is null or r.campaign_id = ${query.campaign_id ?? null}::uuid)
          and ${keysetConditions(sql`r.updated_at`, sql`r.id`, query)}
        order by r.updated_at, r.id
        limit ${query.limit + 1}`,
  );
  const page = toPage(rows, query.limit);
  return {
    data: page.rows.map(({ cursorAt, ...row }) => ({
      ...row,
      customer: jsonValue(row.customer),
      campaign: jsonValue(row.campaign),
      answers: jsonValue(row.answers),
      customAnswers: jsonValue(row.customAnswers),
      updatedAt: cursorAt,
    })),
    nextCursor: page.nextCursor,
  };
}
