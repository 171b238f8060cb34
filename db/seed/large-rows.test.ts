import { describe, expect, it } from 'vitest';
import { customerChunks, LARGE_PERIODS, LARGE_VISIBLE_PERIOD, largeCustomers, surveyChunks, tierAssignmentChunks, type LargeIds } from './large-rows';

const ids: LargeIds = {
  workspaceId: '00000000-0000-4000-8000-000000000000',
  tierIds: { A: 'tier-a', B: 'tier-b', C: 'tier-c' },
  campaignIds: LARGE_PERIODS.map((period) => `campaign-${period}`),
};

const lines = (chunks: Iterable<string>) => [...chunks].join('').split('\n').filter(Boolean).map((line) => line.split('\t'));

// A tenth of the real size keeps the test fast and the shares stable to about ±2 points.
const customers = largeCustomers(20_000);
const tierRows = lines(tierAssignmentChunks(ids, customers));
const survey = [...surveyChunks(ids, customers, 100_000)];
const invitationRows = lines(survey.filter((chunk) => chunk.kind === 'invitations').map((chunk) => chunk.text));
const responseRows = lines(survey.filter((chunk) => chunk.kind === 'responses').map((chunk) => chunk.text));
const tierOf = new Map(tierRows.map((row) => [`${row[1]}/${row[2]}`, row[3]!.slice(-1).toUpperCase()]));

function scope(period: string, tier: string) {
  const rows = responseRows.filter((row) => row[4] === period && tierOf.get(`${row[3]}/${period}`) === tier);
  const answered = rows.filter((row) => row[11] !== 'na');
  const pti = rows.map((row) => (Number(row[12]) + Number(row[13]) + Number(row[14]) + Number(row[15])) / 4);
  return {
    very: answered.filter((row) => row[11] === 'very').length / answered.length,
    pti: pti.reduce((sum, value) => sum + value, 0) / pti.length,
  };
}

describe('the large data set', () => {
  it('has one row per customer, one tier per customer and quarter, and the asked number of responses', () => {
    expect(lines(customerChunks(ids, customers))).toHaveLength(20_000);
    expect(tierRows).toHaveLength(20_000 * 12);
    expect(responseRows).toHaveLength(100_000);
    // The latest campaign holds a tenth of the responses.
    expect(responseRows.filter((row) => row[4] === '2026-Q4').length).toBeGreaterThan(9_900);
    // Every response answers an invitation of its own customer, at most once.
    const invitedCustomer = new Map(invitationRows.map((row) => [row[0], row[3]]));
    expect(responseRows.every((row) => invitedCustomer.get(row[2]) === row[3])).toBe(true);
    expect(new Set(responseRows.map((row) => row[2])).size).toBe(responseRows.length);
  });

  it('tiers by the ABC analysis: few A customers, most customers C', () => {
    const period = tierRows.filter((row) => row[2] === '2025-Q1');
    const share = (tier: string) => period.filter((row) => row[3] === `tier-${tier.toLowerCase()}`).length / period.length;
    expect(share('A')).toBeLessThan(0.25);
    expect(share('C')).toBeGreaterThan(0.45);
  });

  it('keeps the demo patterns: A misses more than C, C feels worse treated in one quarter, B erodes at the end', () => {
    for (const period of LARGE_PERIODS) expect(scope(period, 'A').very - scope(period, 'C').very).toBeGreaterThan(0.2);
    expect(scope(LARGE_VISIBLE_PERIOD, 'C').pti).toBeLessThan(scope('2025-Q2', 'C').pti - 0.7);
    expect(scope('2025-Q2', 'C').pti).toBeGreaterThan(scope('2025-Q2', 'A').pti - 0.1);
    expect(scope('2026-Q4', 'B').very).toBeLessThan(scope('2025-Q2', 'B').very - 0.08);
  });

  it('writes values COPY reads as they are: no tabs or line breaks inside a value', () => {
    expect(responseRows.every((row) => row.length === 22)).toBe(true);
    expect(invitationRows.every((row) => row.length === 8 && /^[0-9a-f]{64}$/.test(row[4]!))).toBe(true);
  });
});
