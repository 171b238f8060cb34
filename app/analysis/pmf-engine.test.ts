import { describe, expect, it } from 'vitest';
import { computePmfPlan, MIN_GROUP_SIZE, tenureBand, type PmfResponse } from './pmf-engine';
import { STARTER_THEMES } from './theme-starter';
import { ThemeMatcher } from './themes';

const matcher = new ThemeMatcher(STARTER_THEMES);

let next = 0;
function response(missUs: PmfResponse['missUs'], attributes: PmfResponse['attributes'], extra: Partial<PmfResponse> = {}): PmfResponse {
  next += 1;
  return { id: `r${next}`, tier: 'A', missUs, benefit: null, missMost: null, improve: null, attributes, ...extra };
}

/** `count` responses of which `very` are very disappointed and the rest not disappointed. */
function group(count: number, very: number, attributes: PmfResponse['attributes'], extra: Partial<PmfResponse> = {}): PmfResponse[] {
  return Array.from({ length: count }, (_, index) => response(index < very ? 'very' : 'not', attributes, extra));
}

describe('who would miss us most', () => {
  it('finds an industry that clearly raises the share very disappointed, with its interval', () => {
    const responses = [
      ...group(30, 24, { industry: 'Maschinenbau' }),
      ...group(30, 6, { industry: 'Handel' }),
      ...group(30, 6, { industry: 'Beratung' }),
    ];
    const result = computePmfPlan(responses, matcher, ['industry']);
    expect(result.n).toBe(90);
    const [top] = result.findings;
    expect(top).toMatchObject({ attribute: 'industry', value: 'Maschinenbau', n: 30, very: 24, raises: true, lowers: false });
    expect(top!.share).toBeCloseTo(0.8);
    expect(top!.rest).toEqual({ n: 60, very: 12, share: 0.2 });
    expect(top!.interval.low).toBeGreaterThan(0.6);
    expect(top!.interval.high).toBeLessThan(0.92);
    expect(top!.differenceInterval.low).toBeGreaterThan(0.3);
    expect(top!.adjustedP).toBeLessThan(0.001);
    // The two others are below the rest, each on its own.
    expect(result.findings.filter((finding) => finding.raises)).toHaveLength(1);
  });

  it('does not name a noise value that only looks better before the multiple-comparison control', () => {
    // Twelve regions at 30 % very disappointed; one at 60 % of 20 is p < 0.05 alone, not among 13 tested values.
    const responses = [...group(20, 12, { region: 'Nord' })];
    for (let region = 0; region < 12; region++) responses.push(...group(20, 6, { region: `Region ${region}` }));
    const result = computePmfPlan(responses, matcher, ['region']);
    const nord = result.findings.find((finding) => finding.value === 'Nord')!;
    expect(nord.p).toBeLessThan(0.05);
    expect(nord.adjustedP).toBeGreaterThanOrEqual(0.05);
    expect(nord.raises).toBe(false);
    expect(result.findings.some((finding) => finding.raises || finding.lowers)).toBe(false);
  });

  it('leaves out values with fewer than the minimum answers, and unknown values', () => {
    const responses = [...group(MIN_GROUP_SIZE - 1, 9, { size: '1000+' }), ...group(40, 10, { size: '10-49' }), ...group(10, 10, {})];
    const result = computePmfPlan(responses, matcher, ['size']);
    expect(result.untested).toContainEqual({ attribute: 'size', value: '1000+', n: MIN_GROUP_SIZE - 1 });
    // 10-49 has only 9 others with a known size to be compared with.
    expect(result.findings).toEqual([]);
  });

  it('says there are too few answers below the minimum, and ignores "does not apply"', () => {
    const responses = [...group(5, 5, { industry: 'X' }), ...Array.from({ length: 20 }, () => response('na', { industry: 'Y' }))];
    const result = computePmfPlan(responses, matcher);
    expect(result).toMatchObject({ n: 5, enough: false, share: null, findings: [] });
  });
});

describe('the plan', () => {
  it('codes German compounds and inflections in miss_most onto the right themes, most named first', () => {
    const texts = [
      'Die Telefonerreichbarkeit ist top',
      'Ihre Erreichbarkeit, auch abends',
      'Dass man Sie immer erreicht — die Rückrufe am selben Tag',
      'Die persönliche Betreuung durch Frau Berg',
      'Ihre schnellen Antworten und die Erreichbarkeit',
      'Das Preis-Leistungs-Verhältnis',
    ];
    const responses = texts.map((missMost) => response('very', {}, { missMost, benefit: 5 }));
    const result = computePmfPlan(responses, matcher);
    expect(result.doubleDown.base).toBe(6);
    expect(result.doubleDown.points.map((point) => [point.theme, point.count])).toEqual([
      ['reachability', 4],
      ['speed', 1],
      ['personal_contact', 1],
    ]);
    const reachability = result.doubleDown.points[0]!;
    expect(reachability.answerIds).toEqual([responses[0]!.id, responses[1]!.id, responses[2]!.id, responses[4]!.id]);
    expect(reachability.share).toBeCloseTo(4 / 6);
  });

  it('takes the obstacles from the somewhat disappointed whose benefit answer matches the very disappointed', () => {
    const responses = [
      ...Array.from({ length: 6 }, () => response('very', {}, { benefit: 5, missMost: 'Kompetenz' })),
      ...Array.from({ length: 2 }, () => response('very', {}, { benefit: 4 })),
      response('somewhat', {}, { benefit: 5, improve: 'Die Preise sind zu hoch' }),
      response('somewhat', {}, { benefit: 5, improve: 'zu teuer, und die Rechnungen kommen spät' }),
      response('somewhat', {}, { benefit: 5, improve: 'Rückrufe dauern zu lange' }),
      response('somewhat', {}, { benefit: 2, improve: 'Ihr seid nie erreichbar' }),
      response('somewhat', {}, { benefit: 2, improve: 'Telefon nie besetzt, keine Erreichbarkeit' }),
    ];
    const result = computePmfPlan(responses, matcher);
    expect(result.mainBenefit).toBe(5);
    expect(result.removeObstacle.base).toBe(3);
    expect(result.removeObstacle.points.map((point) => [point.theme, point.count])).toEqual([
      ['price', 2],
      ['reachability', 1],
    ]);
    expect(result.doubleDown.points.map((point) => point.theme)).toEqual(['expertise']);
  });
});

describe('tenureBand', () => {
  it('counts full years to the end of the quarter', () => {
    expect(tenureBand('2026-10-01', '2026-Q4')).toBe('<1');
    expect(tenureBand('2025-12-31', '2026-Q4')).toBe('1-2');
    expect(tenureBand('2026-01-01', '2026-Q4')).toBe('<1');
    expect(tenureBand('2021-06-30', '2026-Q2')).toBe('3-5');
    expect(tenureBand('2021-07-01', '2026-Q2')).toBe('3-5');
    expect(tenureBand('2020-07-01', '2026-Q2')).toBe('3-5');
    expect(tenureBand('2020-06-30', '2026-Q2')).toBe('6-10');
    expect(tenureBand('2010-01-01', '2026-Q4')).toBe('>10');
    expect(tenureBand('2027-01-01', '2026-Q4')).toBeNull();
    expect(tenureBand(null, '2026-Q4')).toBeNull();
  });
});
