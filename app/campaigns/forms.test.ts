import { parseWithZod } from '@conform-to/zod/v4';
import { describe, expect, it } from 'vitest';
import { campaignDraftSchema, draftFromForm, endOfZonedDay, formFromDraft, utcToZonedInput, zonedTimeToUtc } from './forms';

describe('German time', () => {
  it('turns wall-clock times into instants across daylight saving time', () => {
    expect(zonedTimeToUtc('2026-01-15T09:00')!.toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(zonedTimeToUtc('2026-07-15T09:00')!.toISOString()).toBe('2026-07-15T07:00:00.000Z');
    // 29 March 2026 02:30 does not exist in Berlin; it is read as 03:30 summer time.
    expect(zonedTimeToUtc('2026-03-29T02:30')!.toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedTimeToUtc('2026-02-30T10:00')).toBeNull();
    expect(zonedTimeToUtc('yesterday')).toBeNull();
  });

  it('closes at the end of the German day and shows times in German time', () => {
    expect(endOfZonedDay('2026-12-31')!.toISOString()).toBe('2026-12-31T22:59:59.999Z');
    expect(endOfZonedDay('2026-06-30')!.toISOString()).toBe('2026-06-30T21:59:59.999Z');
    expect(utcToZonedInput(new Date('2026-12-31T22:59:59.999Z'))).toBe('2026-12-31T23:59');
  });
});

describe('the draft form schema', () => {
  const base = {
    name: 'Autumn',
    surveyVersionId: '3f1c2f4e-8a51-4d7c-9f6e-2b1a0c9d8e7f',
    period: '2030-Q4',
    audience: 'all',
    closesOn: '2030-12-31',
    reminderDelayDays: '7',
    maxReminders: '1',
  };
  const parse = (entries: Record<string, string | string[]>) => {
    const data = new FormData();
    for (const [key, value] of Object.entries(entries)) for (const v of [value].flat()) data.append(key, v);
    return parseWithZod(data, { schema: campaignDraftSchema });
  };

  it('gives a draft with all customers, or the chosen tiers', () => {
    const all = parse(base);
    expect(all.status).toBe('success');
    if (all.status !== 'success') return;
    const draft = draftFromForm(all.value);
    expect(draft).toMatchObject({ audienceTierIds: null, scheduledAt: null, cooldownDays: null, senderName: null, reminderDelayDays: 7 });
    expect(formFromDraft(draft)).toMatchObject({ closesOn: '2030-12-31', audience: 'all', tierIds: [] });
    const tier = '0d5e7c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6';
    const tiers = parse({ ...base, audience: 'tiers', tierIds: tier, scheduledAt: '2030-11-01T09:30', cooldownDays: '0' });
    expect(tiers.status === 'success' && draftFromForm(tiers.value)).toMatchObject({ audienceTierIds: [tier], cooldownDays: 0 });
  });

  it('names the field of every mistake', () => {
    const result = parse({ ...base, audience: 'tiers', scheduledAt: '2031-01-05T10:00', maxReminders: '9', cooldownDays: '-1' });
    expect(result.status).toBe('error');
    expect(result.reply().error).toMatchObject({
      tierIds: ['tiers_required'],
      closesOn: ['closes_before_schedule'],
      maxReminders: ['max_reminders_range'],
      cooldownDays: ['cooldown_range'],
    });
  });
});
