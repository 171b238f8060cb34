import { describe, expect, it } from 'vitest';
import { cochranArmitage } from './exact-tests';
import { computeThemeReport, ThemeTablesAccumulator } from './theme-trends';
import { STARTER_THEMES } from './theme-starter';
import { ThemeMatcher } from './themes';

const matcher = new ThemeMatcher(STARTER_THEMES);

/** `n` answers of one tier and period, the first `reach` naming reachability, the rest price. */
function addQuarter(accumulator: ThemeTablesAccumulator, period: string, tier: string, n: number, reach: number) {
  for (let index = 0; index < n; index++) {
    accumulator.add(period, tier, {
      missMost: index < reach ? 'Ihre Telefonerreichbarkeit' : 'faire Preise',
      improve: index === 0 ? 'schneller antworten' : '',
      alternative: null,
    });
  }
}

describe('theme shares and eroding strengths', () => {
  it('shares count customers who answered the item, and shares of fewer than 10 are not given', () => {
    const accumulator = new ThemeTablesAccumulator(matcher);
    addQuarter(accumulator, '2026-Q3', 'A', 20, 5);
    addQuarter(accumulator, '2026-Q3', 'B', 4, 4);
    const report = computeThemeReport('2026-Q3', accumulator.tables(), ['A', 'B']);
    const reachA = report.byScope.A!.missMost.themes.find((share) => share.theme === 'reachability')!;
    expect(report.byScope.A!.missMost.n).toBe(20);
    expect(reachA).toMatchObject({ count: 5, share: 0.25 });
    expect(report.byScope.B!.missMost.themes[0]).toMatchObject({ theme: 'reachability', count: 4, share: null });
    expect(report.byScope.overall!.missMost).toMatchObject({ n: 24 });
    expect(report.byScope.overall!.missMost.themes[0]!.share).toBeCloseTo(9 / 24, 12);
    // Only the one non-empty improve answer counts towards that item's n.
    expect(report.byScope.A!.improve.n).toBe(1);
    expect(report.byScope.A!.improve.themes.find((share) => share.theme === 'speed')!.count).toBe(1);
    expect(report.erodingStrengths).toEqual([]);
  });

  it('counts a negated mention in improve but not in miss_most, and a blank answer in neither', () => {
    const accumulator = new ThemeTablesAccumulator(matcher);
    accumulator.add('2026-Q3', 'A', { missMost: 'Man ist nie erreichbar', improve: 'Man ist nie erreichbar', alternative: ' \n ' });
    accumulator.add('2026-Q3', 'A', { missMost: 'Die Erreichbarkeit', improve: null, alternative: 'Not cheap, but fast' });
    const report = computeThemeReport('2026-Q3', accumulator.tables(), ['A']);
    const count = (field: 'missMost' | 'improve' | 'alternative', theme: string) => report.byScope.A![field].themes.find((share) => share.theme === theme)!.count;
    expect(count('missMost', 'reachability')).toBe(1);
    expect(report.byScope.A!.missMost.n).toBe(2);
    expect(count('improve', 'reachability')).toBe(1);
    expect(report.byScope.A!.alternative.n).toBe(1);
    expect([count('alternative', 'price'), count('alternative', 'speed')]).toEqual([1, 1]);
  });

  it('names a miss_most theme whose share falls significantly, with the trend test on the same counts', () => {
    const accumulator = new ThemeTablesAccumulator(matcher);
    const falling = [['2025-Q4', 41], ['2026-Q1', 35], ['2026-Q2', 29], ['2026-Q3', 23]] as const;
    for (const [period, reach] of falling) {
      addQuarter(accumulator, period, 'A', 100, reach);
      addQuarter(accumulator, period, 'B', 100, 30);
    }
    const report = computeThemeReport('2026-Q3', accumulator.tables(), ['A', 'B']);
    const expected = cochranArmitage(falling.map(([, reach], t) => ({ t, hits: reach, trials: 100 })));
    const trendA = report.trends.find((trend) => trend.scope === 'A' && trend.theme === 'reachability')!;
    expect(trendA.z).toBeCloseTo(expected.z!, 12);
    expect(trendA.falling).toBe(true);
    expect(report.trends.find((trend) => trend.scope === 'B' && trend.theme === 'reachability')!.falling).toBe(false);
    expect(report.erodingStrengths).toContainEqual({
      scope: 'A',
      theme: 'reachability',
      from: { period: '2025-Q4', share: 0.41, n: 100 },
      to: { period: '2026-Q3', share: 0.23, n: 100 },
      quarters: 4,
    });
    expect(report.erodingStrengths.every((strength) => strength.scope !== 'B')).toBe(true);
    // Every trend p of the quarter is in one family; pBH is never below p.
    for (const trend of report.trends) if (trend.p !== null) expect(trend.pBH!).toBeGreaterThanOrEqual(trend.p);
  });

  it('tests no trend over quarters with fewer than 10 answers', () => {
    const accumulator = new ThemeTablesAccumulator(matcher);
    for (const [period, reach] of [['2026-Q1', 9], ['2026-Q2', 5], ['2026-Q3', 0]] as const) addQuarter(accumulator, period, 'A', 9, reach);
    const report = computeThemeReport('2026-Q3', accumulator.tables(), ['A']);
    expect(report.trends.filter((trend) => trend.scope === 'A')).toEqual([]);
    expect(report.erodingStrengths).toEqual([]);
  });
});
