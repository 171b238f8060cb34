import { describe, expect, it } from 'vitest';
import { flagLoopFigures, type LoopFlag } from './flag-loop';

const DAY = 24 * 60 * 60 * 1000;
const base = Date.UTC(2026, 9, 5);

function flag(over: Partial<LoopFlag> = {}): LoopFlag {
  return { period: '2026-Q4', tier: 'C', status: 'open', raisedAt: base, dueAt: base + 2 * DAY, firstActionAt: null, closedAt: null, next: null, ...over };
}

describe('flagLoopFigures', () => {
  it('counts flags, contacts within the service level, days to close and recovery', () => {
    const flags: LoopFlag[] = [
      // 10 resolved in time after 3 days; 8 of them answered again, 6 recovered with +1 PTI, 2 not with −0.5.
      ...Array.from({ length: 10 }, (_, i) =>
        flag({
          status: 'resolved',
          firstActionAt: base + DAY,
          closedAt: base + 3 * DAY,
          next: i < 6 ? { meetsNoRule: true, ptiChange: 1 } : i < 8 ? { meetsNoRule: false, ptiChange: -0.5 } : null,
        }),
      ),
      // Contacted late, then dismissed after 5 days.
      flag({ status: 'dismissed', firstActionAt: base + 4 * DAY, closedAt: base + 5 * DAY }),
      // Open and overdue: counts as not in time.
      flag({}),
      // Open, not yet due: not judged.
      flag({ raisedAt: base + 9 * DAY, dueAt: base + 11 * DAY }),
    ];
    const [figures] = flagLoopFigures(flags, ['A', 'B', 'C'], base + 10 * DAY);
    expect(figures).toMatchObject({ period: '2026-Q4', tier: 'C', raised: 13, due: 12, contactedInTime: 10, closed: 11, resolved: 10, answeredAgain: 8, recovered: 6 });
    expect(figures!.inTimeShare).toBeCloseTo(10 / 12, 12);
    expect(figures!.medianDaysToClose).toBe(3);
    // Eight answered again: too few for a share.
    expect(figures!.recoveryShare).toBeNull();
    expect(figures!.meanPtiChange).toBeNull();
  });

  it('says too few below 10 and orders periods newest first, tiers best first', () => {
    const rows = flagLoopFigures([flag({ tier: 'C' }), flag({ tier: 'A' }), flag({ period: '2026-Q3', tier: null }), flag({ tier: null })], ['A', 'B', 'C'], base);
    expect(rows.map((row) => `${row.period} ${row.tier}`)).toEqual(['2026-Q4 A', '2026-Q4 C', '2026-Q4 null', '2026-Q3 null']);
    expect(rows.every((row) => row.inTimeShare === null && row.medianDaysToClose === null)).toBe(true);
  });

  it('gives the recovery share and the PTI change from 10 answers again', () => {
    const flags = Array.from({ length: 10 }, (_, i) => flag({ status: 'resolved', firstActionAt: base, closedAt: base + DAY, next: { meetsNoRule: i < 7, ptiChange: i < 7 ? 1.25 : -0.25 } }));
    const [figures] = flagLoopFigures(flags, ['A', 'B', 'C'], base + DAY);
    expect(figures!.recoveryShare).toBeCloseTo(0.7, 12);
    expect(figures!.meanPtiChange).toBeCloseTo((7 * 1.25 - 3 * 0.25) / 10, 12);
  });
});
