import { describe, expect, it } from 'vitest';
import { computeFit } from '~/analysis/fit';
import { translator } from '~/i18n';
import { fitMapConfig, fitMapY, tierShapes } from './fit-chart-config';
import { fitHeadlineSentences, formatMoney } from './fit-text';

const fit = computeFit({
  period: '2026-Q4',
  tiers: ['A', 'B'],
  customers: [
    { customerId: 'a1', tier: 'A', missUs: 'not', ptiTwelfths: 48, flagged: false, revenue: 180000, margin: 40000 },
    { customerId: 'a2', tier: 'A', missUs: 'very', ptiTwelfths: 60, flagged: false, revenue: 120000, margin: 40000 },
    { customerId: 'b1', tier: 'B', missUs: 'not', ptiTwelfths: null, flagged: false, revenue: null, margin: null },
  ],
});

describe('revenue at risk in words', () => {
  it('formats euros in the reader’s language', () => {
    expect(formatMoney(180000, 'en')).toBe('€180,000');
    expect(formatMoney(180000.4, 'de')).toMatch(/^180\.000\s€$/);
  });

  it('writes the headline per tier with revenue, and leaves out tiers without', () => {
    expect(fitHeadlineSentences(fit, translator('en'), 'en')).toEqual([
      '€180,000 of A-tier revenue would not miss us: 60% of the tier’s €300,000 in 2026-Q4; margin €40,000 (50%); 1 of 2 customers who answered.',
    ]);
    expect(fitHeadlineSentences(fit, translator('de'), 'de')[0]).toMatch(/^180\.000\s€ Umsatz der Stufe A kommen von Kunden, die uns nicht vermissen würden: 60\s% der 300\.000\s€/);
    expect(fitHeadlineSentences({ ...fit, byTier: fit.byTier.slice(1) }, translator('en'), 'en')).toEqual([]);
  });
});

describe('fit map configuration', () => {
  it('places answers in bands, higher PTI higher within its band', () => {
    expect(fitMapY('not', 1)).toBeCloseTo(0.1);
    expect(fitMapY('not', 5)).toBeCloseTo(0.9);
    expect(fitMapY('very', 3)).toBeCloseTo(2.5);
    expect(fitMapY('na', null)).toBeCloseTo(-0.5);
  });

  it('gives every tier its own point shape and draws the median line', () => {
    expect(new Set(tierShapes).size).toBe(tierShapes.length);
    const config = fitMapConfig(
      {
        tiers: ['A', 'B'],
        median: 150000,
        points: [
          { id: 'a1', tier: 'A', revenue: 180000, missUs: 'not', pti: 4, flagged: true, label: 'a1' },
          { id: 'b1', tier: 'B', revenue: 0, missUs: 'very', pti: 4, flagged: false, label: 'b1' },
        ],
        labels: { x: 'x', y: 'y', median: 'Median', bands: { none: 'n', not: 'no', somewhat: 's', very: 'v' } },
        formatMoney: String,
      },
      { responsive: false },
    );
    const datasets = config.data.datasets as Array<{ label?: string; pointStyle?: unknown; data: unknown }>;
    expect(datasets.map((d) => d.label)).toEqual(['A', 'B', 'Median']);
    expect(datasets[0]!.pointStyle).not.toBe(datasets[1]!.pointStyle);
    expect(datasets[2]!.data).toEqual([{ x: 150000, y: 0 }, { x: 150000, y: 3 }]);
    // A revenue of 0 cannot sit on a logarithmic axis.
    expect((config.options!.scales!.x as { type: string }).type).toBe('linear');
  });
});
