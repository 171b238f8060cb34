import { z } from 'zod';

// The workspace's contact rule: ask each customer at most once per N days.
// Shared by the settings form (browser and server) and the campaign pages.

/** The longest wait the rule allows, as for a campaign's own wait. */
export const MAX_CONTACT_DAYS = 365;
export const DEFAULT_CONTACT_DAYS = 90;

/**
 * The settings form: `limit=off` (or 0 days) turns the rule off; otherwise
 * `days` is a whole number from 0 to 365. Error messages are keys under
 * `contactRules.errors.`.
 */
export const contactRuleSchema = z
  .object({
    limit: z.enum(['on', 'off'], { error: 'limit_invalid' }).default('on'),
    days: z.string().trim().max(10, 'days_invalid').optional(),
  })
  .transform((value, ctx) => {
    if (value.limit === 'off') return { days: 0 };
    const text = value.days ?? '';
    const days = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isInteger(days) || days < 0 || days > MAX_CONTACT_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'days_invalid' });
      return z.NEVER;
    }
    return { days };
  });

export type ContactRuleForm = z.output<typeof contactRuleSchema>;

/**
 * The wait a campaign applies: the workspace's rule at least; a campaign may
 * wait longer for itself, never shorter (docs/decisions/0032-contact-rules-across-campaigns.md).
 */
export function effectiveContactDays(workspaceDays: number, campaignDays: number | null): number {
  return Math.max(workspaceDays, campaignDays ?? 0);
}
