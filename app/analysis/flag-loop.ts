/**
 * How well the flag loop works, per tier and quarter (DESIGN.md, "Flags on
 * customers"): flags raised, the share contacted within the service level,
 * the median days to close, and recovery — of the customers whose flag was
 * resolved, the share whose next completed response meets no flag rule, and
 * how their treatment index moved. Pure; the rows come from
 * app/reports/flag-loop.server.ts. Withdrawn flags are not counted: the
 * customer took the answer back before anyone acted.
 */

/** Below this many flags a share, median or mean is "too few", as every figure of the product (DESIGN.md). */
export const MIN_N = 10;

export interface LoopFlag {
  period: string;
  tier: string | null;
  status: 'open' | 'contacted' | 'resolved' | 'dismissed';
  raisedAt: number;
  /** When the service level ran out (app/flags/service-level.ts). */
  dueAt: number;
  /** First contact, resolution or dismissal by a member; null while untouched. */
  firstActionAt: number | null;
  /** Resolution or dismissal; null while open or contacted. */
  closedAt: number | null;
  /** For a resolved flag: the customer's next completed response after the flagged one, if any. */
  next: { meetsNoRule: boolean; ptiChange: number | null } | null;
}

export interface LoopFigures {
  period: string;
  tier: string | null;
  raised: number;
  /** Flags whose service level has run out or that were acted on: the denominator of the in-time share. */
  due: number;
  contactedInTime: number;
  /** Share of `due` contacted in time; null below MIN_N. */
  inTimeShare: number | null;
  closed: number;
  /** Median calendar days from raising to closing; null below MIN_N. */
  medianDaysToClose: number | null;
  resolved: number;
  /** Resolved flags whose customer has answered again since. */
  answeredAgain: number;
  recovered: number;
  /** Share of `answeredAgain` that meets no flag rule; null below MIN_N. */
  recoveryShare: number | null;
  /** Mean change of the treatment index (points) from the flagged to the next response; null below MIN_N. */
  meanPtiChange: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Loop figures per period (newest first) and tier (in `tiers` order, untiered last), at instant `now`. */
export function flagLoopFigures(flags: readonly LoopFlag[], tiers: readonly string[], now: number): LoopFigures[] {
  const groups = new Map<string, LoopFlag[]>();
  for (const flag of flags) {
    const key = `${flag.period}\u0000${flag.tier ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(flag);
    else groups.set(key, [flag]);
  }
  const tierRank = (tier: string | null) => (tier === null ? tiers.length : Math.max(0, tiers.indexOf(tier)));
  const figures = [...groups.values()].map((group) => loopFiguresOf(group, now));
  return figures.sort((a, b) => (a.period === b.period ? tierRank(a.tier) - tierRank(b.tier) : a.period < b.period ? 1 : -1));
}

function loopFiguresOf(group: readonly LoopFlag[], now: number): LoopFigures {
  const { period, tier } = group[0]!;
  const due = group.filter((flag) => flag.firstActionAt !== null || flag.dueAt <= now);
  const inTime = due.filter((flag) => flag.firstActionAt !== null && flag.firstActionAt <= flag.dueAt);
  const closed = group.filter((flag) => flag.closedAt !== null);
  const resolved = group.filter((flag) => flag.status === 'resolved');
  const answeredAgain = resolved.filter((flag) => flag.next !== null);
  const recovered = answeredAgain.filter((flag) => flag.next!.meetsNoRule);
  const ptiChanges = answeredAgain.map((flag) => flag.next!.ptiChange).filter((change): change is number => change !== null);
  return {
    period,
    tier,
    raised: group.length,
    due: due.length,
    contactedInTime: inTime.length,
    inTimeShare: due.length >= MIN_N ? inTime.length / due.length : null,
    closed: closed.length,
    medianDaysToClose: closed.length >= MIN_N ? median(closed.map((flag) => (flag.closedAt! - flag.raisedAt) / DAY_MS)) : null,
    resolved: resolved.length,
    answeredAgain: answeredAgain.length,
    recovered: recovered.length,
    recoveryShare: answeredAgain.length >= MIN_N ? recovered.length / answeredAgain.length : null,
    meanPtiChange: ptiChanges.length >= MIN_N ? ptiChanges.reduce((sum, change) => sum + change, 0) / ptiChanges.length : null,
  };
}
