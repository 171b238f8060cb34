/**
 * Frequency tables: the input of the analysis engine.
 *
 * Every core item is discrete, so every metric and tier signal of a period
 * can be computed from counts (tier × answer value → count). Each table below
 * is the result of ONE `GROUP BY` over the completed responses of one period,
 * so the analysis costs one query per table whatever the number of responses.
 * `buildPeriodTables` (build-tables.ts) produces the same tables from plain
 * rows, for the CLI and for tests.
 *
 * Conventions for every table:
 * - one row per non-zero combination; a missing combination means count 0;
 * - `tier` is the tier label the response is analysed under;
 * - `count` is a non-negative integer (PostgreSQL's `count(*)` is a bigint,
 *   which postgres.js returns as a string: parse with `periodTablesSchema`);
 * - unanswered items (NULL) are left out of the tables that count that item.
 */
import { z } from 'zod';

/** Answers to `miss_us`: very / somewhat / not disappointed, does not apply. */
export const MISS_US_ANSWERS = ['very', 'somewhat', 'not', 'na'] as const;
export type MissUsAnswer = (typeof MISS_US_ANSWERS)[number];

/** The four items whose mean is the perceived-treatment index (PTI). */
export const TREATMENT_ITEMS = ['treat_valued', 'treat_responsive', 'treat_equal', 'treat_promise'] as const;
export type TreatmentItem = (typeof TREATMENT_ITEMS)[number];

/** Items correlated with the miss-us answer, in report order. */
export const DRIVER_ITEMS = [...TREATMENT_ITEMS, 'benefit'] as const;
export type DriverItem = (typeof DRIVER_ITEMS)[number];

/** Items reported as a mean (benefit, csat) or as NPS (recommend). */
export const SCALE_ITEMS = ['benefit', 'csat', 'recommend'] as const;
export type ScaleItem = (typeof SCALE_ITEMS)[number];

/** Inclusive value range of each scale item. */
export const ITEM_RANGES: Record<TreatmentItem | ScaleItem, { min: number; max: number }> = {
  treat_valued: { min: 1, max: 5 },
  treat_responsive: { min: 1, max: 5 },
  treat_equal: { min: 1, max: 5 },
  treat_promise: { min: 1, max: 5 },
  benefit: { min: 1, max: 5 },
  csat: { min: 1, max: 5 },
  recommend: { min: 0, max: 10 },
};

/** Miss-us answer as an ordinal for the driver correlations (`na` has none). */
export const MISS_US_ORDINAL = { very: 2, somewhat: 1, not: 0 } as const;
export type MissUsOrdinal = 0 | 1 | 2;

/**
 * Completed responses per tier.
 * `SELECT tier, count(*) FROM responses WHERE period = $1 GROUP BY tier`
 */
export interface ResponseCount {
  tier: string;
  count: number;
}

/**
 * Miss-us answers per tier (unanswered left out, `na` kept).
 * `SELECT tier, miss_us, count(*) … WHERE miss_us IS NOT NULL GROUP BY tier, miss_us`
 */
export interface MissUsCount {
  tier: string;
  missUs: MissUsAnswer;
  count: number;
}

/**
 * Responses per tier and exact PTI. The PTI is a mean of 3 or 4 integers, so
 * PTI × 12 is an integer (12…60); keeping it in twelfths makes equal PTIs
 * compare equal, which ranks, ties and the flag thresholds depend on.
 * ```sql
 * SELECT tier, pti_twelfths, count(*) FROM (
 *   SELECT tier, (coalesce(treat_valued,0) + coalesce(treat_responsive,0)
 *       + coalesce(treat_equal,0) + coalesce(treat_promise,0)) * 12
 *       / num_nonnulls(treat_valued, treat_responsive, treat_equal, treat_promise)
 *       AS pti_twelfths
 *   FROM responses WHERE period = $1
 *     AND num_nonnulls(treat_valued, treat_responsive, treat_equal, treat_promise) >= 3
 * ) t GROUP BY tier, pti_twelfths
 * ```
 */
export interface PtiCount {
  tier: string;
  ptiTwelfths: number;
  count: number;
}

/**
 * Answers per tier, item and value for benefit (1–5), csat (1–5) and
 * recommend (0–10): one `GROUP BY tier, item, value` over the items unpivoted
 * with `CROSS JOIN LATERAL (VALUES ('benefit', benefit), …) AS s(item, value)
 * WHERE value IS NOT NULL`.
 */
export interface ScaleCount {
  tier: string;
  item: ScaleItem;
  value: number;
  count: number;
}

/**
 * Joint counts of the miss-us ordinal (very = 2, somewhat = 1, not = 0) and
 * each driver item, per tier, over responses that answered both: the
 * contingency tables behind the driver Spearman correlations. Same unpivot as
 * `ScaleCount`, grouped by `tier, item, miss_us_ordinal, value`.
 */
export interface DriverCount {
  tier: string;
  item: DriverItem;
  missUsOrdinal: MissUsOrdinal;
  value: number;
  count: number;
}

/**
 * Complete answer profiles per tier: the miss-us ordinal and all five driver
 * items (DRIVER_ITEMS order), for responses that answered all six. The
 * per-tier driver importance needs the items' joint distribution, which the
 * pairwise `DriverCount` table cannot give. At most 3 × 5⁵ rows per tier,
 * and never more than the tier's responses.
 * `GROUP BY tier, miss_us_ordinal, treat_valued, treat_responsive, treat_equal, treat_promise, benefit`
 */
export interface DriverProfileCount {
  tier: string;
  missUsOrdinal: MissUsOrdinal;
  values: number[];
  count: number;
}

/** All frequency tables of one period. */
export interface PeriodTables {
  responses: ResponseCount[];
  missUs: MissUsCount[];
  pti: PtiCount[];
  scales: ScaleCount[];
  drivers: DriverCount[];
  /** Absent where no per-tier importance is wanted (the analyze command). */
  profiles?: DriverProfileCount[];
}

const count = z.coerce.number().int().nonnegative();
const tier = z.string().min(1);

/** Parses tables that come from SQL (bigint counts arrive as strings). */
export const periodTablesSchema = z.object({
  responses: z.array(z.object({ tier, count })),
  missUs: z.array(z.object({ tier, missUs: z.enum(MISS_US_ANSWERS), count })),
  pti: z.array(z.object({ tier, ptiTwelfths: z.coerce.number().int().min(12).max(60), count })),
  scales: z.array(
    z.object({ tier, item: z.enum(SCALE_ITEMS), value: z.coerce.number().int().min(0).max(10), count }),
  ),
  drivers: z.array(
    z.object({
      tier,
      item: z.enum(DRIVER_ITEMS),
      missUsOrdinal: z.union([z.literal(0), z.literal(1), z.literal(2)]),
      value: z.coerce.number().int().min(1).max(5),
      count,
    }),
  ),
  profiles: z
    .array(
      z.object({
        tier,
        missUsOrdinal: z.union([z.literal(0), z.literal(1), z.literal(2)]),
        values: z.array(z.coerce.number().int().min(1).max(5)).length(DRIVER_ITEMS.length),
        count,
      }),
    )
    .optional(),
}) satisfies z.ZodType<PeriodTables, unknown>;

/** Tables of a period with no responses. */
export function emptyPeriodTables(): PeriodTables {
  return { responses: [], missUs: [], pti: [], scales: [], drivers: [] };
}
