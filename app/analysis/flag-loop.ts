/**
 * How well the flag loop works, per tier and quarter (DESIGN.md, "Flags on
 * customers"): flags raised, the share contacted within the service level,
 * the median days to close, and recovery — of the customers whose flag was
 * resolved, the share whose next completed response meets no flag rule, and
 * how their treatment index moved. Pure. The app counts per quarter and
 * tier in the database (app/reports/flag-loop.server.ts) and turns the counts
 * into figures with `loopFigures`; `flagLoopFigures` counts the same from
 * single flags, and is the definition the database's counting is tested
 * against. Withdrawn flags are not counted: the customer took the answer
 * back before anyone acted.
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

/** What the figures of one period and tier are made of, counted flag by flag or by the database. */
export interface LoopCounts {
  period: string;
  tier: string | null;
  raised: number;
  due: number;
  contactedInTime: number;
  closed: number;
  /** Median calendar days from raising to closing over all closed flags; null when none is closed. */
  medianDaysToClose: number | null;
  resolved: number;
  answeredAgain: number;
  recovered: number;
  /** Resolved flags answered again whose both responses have a treatment index. */
  ptiChanges: number;
  /** Their mean change of the treatment index, in points; null when there is none. */
  meanPtiChange: number | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Loop figures per period (newest first) and tier (in `tiers` order, untiered last), from the counts of each. */
export function loopFigures(counts: readonly LoopCounts[], tiers: readonly string[]): LoopFigures[] {
  const tierRank = (tier: string | null) => (tier === null ? tiers.length : Math.max(0, tiers.indexOf(tier)));
  return counts
    .map((count) => ({
      period: count.period,
      tier: count.tier,
      raised: count.raised,
      due: count.due,
      contactedInTime: count.contactedInTime,
      inTimeShare: count.due >= MIN_N ? count.contactedInTime / count.due : null,
      closed: count.closed,
      medianDaysToClose: count.closed >= MIN_N ? count.medianDaysToClose : null,
      resolved: count.resolved,
      answeredAgain: count.answeredAgain,
      recovered: count.recovered,
      recoveryShare: count.answeredAgain >= MIN_N ? count.recovered / count.answeredAgain : null,
      meanPtiChange: count.ptiChanges >= MIN_N ? count.meanPtiChange : null,
    }))
    .sort((a, b) => (a.period === b.period ? tierRank(a.tier) - tierRank(b.tier) : a.period < b.period ? 1 : -1));
}

/** Loop figures per period and tier, counted from single flags at instant `now`. */
export function flagLoopFigures(flags: readonly LoopFlag[], tiers: readonly string[], now: number): LoopFigures[] {
  const groups = new Map<string, LoopFlag[]>();
  for (const flag of flags) {
    const key = `${flag.period}\u0000${flag.tier ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(flag);
    else groups.set(key, [flag]);
  }
  return loopFigures([...groups.values()].map((group) => loopCountsOf(group, now)), tiers);
}

function loopCountsOf(group: readonly LoopFlag[], now: number): LoopCounts {
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
    closed: closed.length,
    medianDaysToClose: closed.length > 0 ? median(closed.map((flag) => (flag.closedAt! - flag.raisedAt) / DAY_MS)) : null,
    resolved: resolved.length,
    answeredAgain: answeredAgain.length,
    recovered: recovered.length,
    ptiChanges: ptiChanges.length,
    meanPtiChange: ptiChanges.length > 0 ? ptiChanges.reduce((sum, change) => sum + change, 0) / ptiChanges.length : null,
  };
}
