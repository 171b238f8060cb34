/**
 * The service level on flags: a workspace promises to respond to a flag
 * within N working days (Monday to Friday) per severity. Pure, so the flag
 * queue, the digest and the loop figures count "overdue" the same way, and
 * so is shared by server and browser code.
 */

export interface ServiceLevel {
  highDays: number;
  mediumDays: number;
}

export const DEFAULT_SERVICE_LEVEL: ServiceLevel = { highDays: 2, mediumDays: 5 };

const DAY_MS = 24 * 60 * 60 * 1000;

/** `start` moved on by `days` working days (Saturdays and Sundays skipped, UTC calendar). */
export function addWorkingDays(start: Date, days: number): Date {
  let at = start.getTime();
  let left = days;
  while (left > 0) {
    at += DAY_MS;
    const weekday = new Date(at).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left--;
  }
  return new Date(at);
}

/**
 * How many calendar days `days` working days take from each UTC weekday
 * (index 0 = Sunday): addWorkingDays(t, days) is t plus the entry of t's
 * weekday, whatever the time of day. So the database can count overdue
 * flags itself (app/flags/service-level-sql.server.ts).
 */
export function calendarDaysFromWeekday(days: number): number[] {
  const sunday = Date.UTC(2026, 0, 4);
  return [0, 1, 2, 3, 4, 5, 6].map((weekday) => {
    const start = sunday + weekday * DAY_MS;
    return Math.round((addWorkingDays(new Date(start), days).getTime() - start) / DAY_MS);
  });
}

/** When a flag raised at `raisedAt` must have been answered. */
export function flagDueAt(raisedAt: Date, severity: 'high' | 'medium', level: ServiceLevel): Date {
  return addWorkingDays(raisedAt, severity === 'high' ? level.highDays : level.mediumDays);
}

/** An open flag (nobody has contacted the customer yet) past its due time. */
export function isOverdue(flag: { status: string; severity: 'high' | 'medium'; createdAt: Date }, level: ServiceLevel, now: Date): boolean {
  return flag.status === 'open' && flagDueAt(flag.createdAt, flag.severity, level).getTime() < now.getTime();
}
