/** Periods are calendar quarters written `2026-Q4` (DESIGN.md). */
const PERIOD = /^(\d{4})-Q([1-4])$/;

export function isPeriod(value: unknown): value is string {
  return typeof value === 'string' && PERIOD.test(value);
}

/** The quarter a date falls in (UTC). */
export function periodOf(date: Date): string {
  return `${date.getUTCFullYear()}-Q${Math.floor(date.getUTCMonth() / 3) + 1}`;
}

/** The quarter before `period`: `2026-Q1` → `2025-Q4`. */
export function previousPeriod(period: string): string {
  const match = PERIOD.exec(period);
  if (!match) throw new Error(`Not a period: ${period}`);
  const [year, quarter] = [Number(match[1]), Number(match[2])];
  return quarter === 1 ? `${year - 1}-Q4` : `${year}-Q${quarter - 1}`;
}

/** The quarter after `period`. */
export function nextPeriod(period: string): string {
  const match = PERIOD.exec(period);
  if (!match) throw new Error(`Not a period: ${period}`);
  const [year, quarter] = [Number(match[1]), Number(match[2])];
  return quarter === 4 ? `${year + 1}-Q1` : `${year}-Q${quarter + 1}`;
}
