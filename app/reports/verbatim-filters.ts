import { z } from 'zod';

// Plain module (not .server): the verbatims page renders these choices in the
// browser too, where a .server module is empty.

/** The free-text core items whose answers are verbatims. */
export const verbatimItems = ['miss_most', 'alternative', 'improve'] as const;

/** Filters of the verbatims page from the query string; unknown values are ignored. */
export const verbatimFiltersSchema = z.object({
  /** One campaign, or `all`: every campaign (the newest campaign when not given). */
  campaignId: z.union([z.literal('all'), z.uuid()]).optional().catch(undefined),
  /** Answers of this quarter only. */
  period: z.string().regex(/^\d{4}-Q[1-4]$/).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  tier: z.string().max(100).optional().catch(undefined),
  item: z.enum(verbatimItems).optional().catch(undefined),
  missUs: z.enum(['very', 'somewhat', 'not', 'na']).optional().catch(undefined),
  flagged: z.enum(['any', 'second_class', 'at_risk', 'none']).optional().catch(undefined),
  /** Answers that name this theme of the workspace (app/themes/verbatim-themes.server.ts; SQL ignores it). */
  theme: z.uuid().optional().catch(undefined),
});
export type VerbatimFilters = z.infer<typeof verbatimFiltersSchema>;
