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

/** When a flag raised at `raisedAt` must have been answered. */
export function flagDueAt(raisedAt: Date, severity: 'high' | 'medium', level: ServiceLevel): Date {
  return addWorkingDays(raisedAt, severity === 'high' ? level.highDays : level.mediumDays);
}

/** An open flag (nobody has contacted the customer yet) past its due time. */
export function isOverdue(flag: { status: string; severity: 'high' | 'medium'; createdAt: Date }, level: ServiceLevel, now: Date): boolean {
  return flag.status === 'open' && flagDueAt(flag.createdAt, flag.severity, level).getTime() < now.getTime();
}
