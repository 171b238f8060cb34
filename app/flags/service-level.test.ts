import { describe, expect, it } from 'vitest';
import { addWorkingDays, calendarDaysFromWeekday, flagDueAt, isOverdue } from './service-level';

const level = { highDays: 2, mediumDays: 5 };

describe('service level on flags', () => {
  it('counts working days, skipping the weekend', () => {
    // Thursday 10:00 + 2 working days = Monday 10:00.
    expect(addWorkingDays(new Date('2026-12-03T10:00:00Z'), 2).toISOString()).toBe('2026-12-07T10:00:00.000Z');
    // Saturday + 1 working day = Monday.
    expect(addWorkingDays(new Date('2026-12-05T08:00:00Z'), 1).toISOString()).toBe('2026-12-07T08:00:00.000Z');
    expect(addWorkingDays(new Date('2026-12-07T08:00:00Z'), 5).toISOString()).toBe('2026-12-14T08:00:00.000Z');
  });

  it('gives high-severity flags the shorter time', () => {
    const raised = new Date('2026-12-07T09:00:00Z');
    expect(flagDueAt(raised, 'high', level).toISOString()).toBe('2026-12-09T09:00:00.000Z');
    expect(flagDueAt(raised, 'medium', level).toISOString()).toBe('2026-12-14T09:00:00.000Z');
  });

  it('marks only open flags past their due time as overdue', () => {
    const createdAt = new Date('2026-12-07T09:00:00Z');
    const after = new Date('2026-12-09T09:00:01Z');
    expect(isOverdue({ status: 'open', severity: 'high', createdAt }, level, after)).toBe(true);
    expect(isOverdue({ status: 'open', severity: 'high', createdAt }, level, new Date('2026-12-09T08:59:59Z'))).toBe(false);
    expect(isOverdue({ status: 'contacted', severity: 'high', createdAt }, level, after)).toBe(false);
    expect(isOverdue({ status: 'open', severity: 'medium', createdAt }, level, after)).toBe(false);
  });

  it('takes the same calendar days from each weekday at any time of day', () => {
    expect(calendarDaysFromWeekday(2)).toEqual([2, 2, 2, 2, 4, 4, 3]);
    expect(calendarDaysFromWeekday(0)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 500; i++) {
      const start = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 3 * 365 * 24 * 3_600_000));
      const days = Math.floor(random() * 11);
      const expected = addWorkingDays(start, days).getTime();
      expect(start.getTime() + calendarDaysFromWeekday(days)[start.getUTCDay()]! * 24 * 3_600_000, `${start.toISOString()} + ${days}`).toBe(expected);
    }
  });
});
