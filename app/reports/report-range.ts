import { z } from 'zod';

const quarter = z.string().regex(/^\d{4}-Q[1-4]$/);
const rangeSchema = z.object({ from: quarter.optional(), to: quarter.optional() });

/**
 * The range of a report download or request, strictly: unlike the review
 * page (which ignores a malformed quarter and shows the default range), a
 * file or an email made from a range nobody meant is refused, so the caller
 * can answer 400. Empty values count as not given; a backwards range is read
 * forwards, as on the page.
 */
export function parseReportRange(values: { from?: string | null; to?: string | null }): { ok: true; range: { from?: string; to?: string } } | { ok: false } {
  const parsed = rangeSchema.safeParse({ from: values.from || undefined, to: values.to || undefined });
  if (!parsed.success) return { ok: false };
  const { from, to } = parsed.data;
  return { ok: true, range: from && to && from > to ? { from: to, to: from } : { from, to } };
}
