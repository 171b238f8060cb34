import { z } from 'zod';

// The campaign draft form, validated with the same schema in the browser and
// on the server (Conform). Error messages are keys under `campaigns.errors.`.

/** Schedules and close dates are entered and shown in German time. */
export const CAMPAIGN_TIME_ZONE = 'Europe/Berlin';

function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** The instant a wall-clock time in the time zone stands for (`2026-12-01T09:00`). */
export function zonedTimeToUtc(local: string, timeZone = CAMPAIGN_TIME_ZONE): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(local);
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(wall);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59) return null;
  let utc = wall - zoneOffsetMs(wall, timeZone);
  const corrected = wall - zoneOffsetMs(utc, timeZone);
  if (corrected !== utc) utc = corrected;
  return new Date(utc);
}

/** `YYYY-MM-DDTHH:mm` in the time zone, for a datetime-local field. */
export function utcToZonedInput(date: Date, timeZone = CAMPAIGN_TIME_ZONE): string {
  const shifted = new Date(date.getTime() + zoneOffsetMs(date.getTime(), timeZone));
  return shifted.toISOString().slice(0, 16);
}

/** The end of a calendar day (`YYYY-MM-DD`) in the time zone: the moment a campaign closes. */
export function endOfZonedDay(day: string, timeZone = CAMPAIGN_TIME_ZONE): Date | null {
  const start = zonedTimeToUtc(`${day}T23:59:59`, timeZone);
  return start ? new Date(start.getTime() + 999) : null;
}

const wholeNumber = (min: number, max: number, range: string) =>
  z.number({ error: 'number_invalid' }).int('number_invalid').min(min, range).max(max, range);

export const campaignDraftSchema = z
  .object({
    name: z.string({ error: 'required' }).trim().min(1, 'name_short').max(120, 'too_long'),
    surveyVersionId: z.uuid({ error: 'survey_invalid' }),
    period: z.string({ error: 'period_invalid' }).regex(/^\d{4}-Q[1-4]$/, 'period_invalid'),
    audience: z.enum(['all', 'tiers'], { error: 'audience_invalid' }),
    tierIds: z.array(z.uuid({ error: 'tier_invalid' })).default([]),
    scheduledAt: z.string().optional(),
    closesOn: z.string({ error: 'required' }),
    reminderDelayDays: wholeNumber(1, 60, 'reminder_delay_range'),
    maxReminders: wholeNumber(0, 5, 'max_reminders_range'),
    cooldownDays: wholeNumber(0, 365, 'cooldown_range').optional(),
    senderName: z.string().trim().max(80, 'too_long').optional(),
  })
  .superRefine((value, ctx) => {
    if (value.audience === 'tiers' && value.tierIds.length === 0) ctx.addIssue({ code: 'custom', path: ['tierIds'], message: 'tiers_required' });
    const now = Date.now();
    let start = now;
    if (value.scheduledAt) {
      const at = zonedTimeToUtc(value.scheduledAt);
      if (!at) ctx.addIssue({ code: 'custom', path: ['scheduledAt'], message: 'datetime_invalid' });
      else if (at.getTime() < now - 60_000) ctx.addIssue({ code: 'custom', path: ['scheduledAt'], message: 'schedule_past' });
      else start = at.getTime();
    }
    const closes = endOfZonedDay(value.closesOn);
    if (!closes) ctx.addIssue({ code: 'custom', path: ['closesOn'], message: 'date_invalid' });
    else if (closes.getTime() <= now) ctx.addIssue({ code: 'custom', path: ['closesOn'], message: 'closes_past' });
    else if (closes.getTime() <= start) ctx.addIssue({ code: 'custom', path: ['closesOn'], message: 'closes_before_schedule' });
  });

export type CampaignDraftForm = z.infer<typeof campaignDraftSchema>;

/** What the database stores for a draft, from a valid form. */
export interface CampaignDraft {
  name: string;
  surveyVersionId: string;
  period: string;
  audienceTierIds: string[] | null;
  scheduledAt: Date | null;
  closesAt: Date;
  reminderDelayDays: number;
  maxReminders: number;
  cooldownDays: number | null;
  senderName: string | null;
}

export function draftFromForm(form: CampaignDraftForm): CampaignDraft {
  return {
    name: form.name,
    surveyVersionId: form.surveyVersionId,
    period: form.period,
    audienceTierIds: form.audience === 'all' ? null : [...new Set(form.tierIds)],
    scheduledAt: form.scheduledAt ? zonedTimeToUtc(form.scheduledAt) : null,
    closesAt: endOfZonedDay(form.closesOn)!,
    reminderDelayDays: form.reminderDelayDays,
    maxReminders: form.maxReminders,
    cooldownDays: form.cooldownDays ?? null,
    senderName: form.senderName ? form.senderName : null,
  };
}

/** The draft form's fields as the browser sends them. */
export interface CampaignFormValues {
  name: string;
  surveyVersionId: string;
  period: string;
  audience: string;
  tierIds: string[];
  scheduledAt: string;
  closesOn: string;
  reminderDelayDays: string;
  maxReminders: string;
  cooldownDays: string;
  senderName: string;
}

/** The form's values for an existing draft (edit page). */
export function formFromDraft(draft: Omit<CampaignDraft, 'closesAt'> & { closesAt: Date | null }): CampaignFormValues {
  return {
    name: draft.name,
    surveyVersionId: draft.surveyVersionId,
    period: draft.period,
    audience: draft.audienceTierIds ? 'tiers' : 'all',
    tierIds: draft.audienceTierIds ?? [],
    scheduledAt: draft.scheduledAt ? utcToZonedInput(draft.scheduledAt) : '',
    closesOn: draft.closesAt ? utcToZonedInput(draft.closesAt).slice(0, 10) : '',
    reminderDelayDays: String(draft.reminderDelayDays),
    maxReminders: String(draft.maxReminders),
    cooldownDays: draft.cooldownDays === null ? '' : String(draft.cooldownDays),
    senderName: draft.senderName ?? '',
  };
}

/** The quarter a date falls in, e.g. `2026-Q4`. */
export function periodOf(date: Date): string {
  return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}
