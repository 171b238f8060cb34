import { describe, expect, it } from 'vitest';
import { computeFlags, flagCandidateOf, flagsForResponse, secondClassReasons } from './flags';
import type { FlaggableResponse } from './flags';
import { ptiTwelfthsOf } from './response-row';
import type { ResponseRow } from './response-row';

function response(overrides: Partial<FlaggableResponse>): FlaggableResponse {
  return {
    customerId: 'C1',
    tier: 'B',
    completedAt: 0,
    missUs: 'somewhat',
    treatEqual: 4,
    ptiTwelfths: 48,
    earlierPtiTwelfths: null,
    mentionsSecondClass: false,
    ...overrides,
  };
}

const items = (treatValued: number | null, treatResponsive: number | null, treatEqual: number | null, treatPromise: number | null) => ({
  treatValued,
  treatResponsive,
  treatEqual,
  treatPromise,
});

describe('PTI in twelfths', () => {
  it('is exact for 3 and 4 answered items and absent below 3', () => {
    expect(ptiTwelfthsOf(items(2, 2, 3, 3))).toBe(30); // 2.5
    expect(ptiTwelfthsOf(items(2, 3, null, 3))).toBe(32); // 8/3
    expect(ptiTwelfthsOf(items(5, null, null, 4))).toBeNull();
    expect(ptiTwelfthsOf(items(null, null, null, null))).toBeNull();
  });
});

describe('second-class rules', () => {
  it('treats PTI exactly 2.5 as low and 8/3 as not low', () => {
    expect(secondClassReasons(response({ ptiTwelfths: 30 }))).toEqual(['pti_low']);
    expect(secondClassReasons(response({ ptiTwelfths: 32 }))).toEqual([]);
  });

  it('counts a drop of exactly 1.0, not less', () => {
    expect(secondClassReasons(response({ ptiTwelfths: 36, earlierPtiTwelfths: 48 }))).toEqual(['pti_drop']);
    expect(secondClassReasons(response({ ptiTwelfths: 40, earlierPtiTwelfths: 51 }))).toEqual([]);
    expect(secondClassReasons(response({ ptiTwelfths: null, earlierPtiTwelfths: 60 }))).toEqual([]);
  });

  it('lists reasons in rule order', () => {
    const all = response({ treatEqual: 2, ptiTwelfths: 24, earlierPtiTwelfths: 48, mentionsSecondClass: true });
    expect(secondClassReasons(all)).toEqual(['treat_equal_low', 'pti_low', 'pti_drop', 'lexicon']);
    expect(secondClassReasons(response({ treatEqual: 3 }))).toEqual([]);
  });
});

describe('flags', () => {
  it('grades severity by tier and by rules 1 and 2 together', () => {
    expect(flagsForResponse(response({ treatEqual: 2 }), 'A')[0]!.severity).toBe('medium');
    expect(flagsForResponse(response({ treatEqual: 2, tier: 'A' }), 'A')[0]!.severity).toBe('high');
    expect(flagsForResponse(response({ treatEqual: 1, ptiTwelfths: 30 }), 'A')[0]!.severity).toBe('high');
  });

  it('raises at-risk only in the top tier', () => {
    expect(flagsForResponse(response({ tier: 'A', missUs: 'not' }), 'A')).toEqual([
      { customerId: 'C1', kind: 'at_risk', severity: 'high', reasons: ['would_not_miss'] },
    ]);
    expect(flagsForResponse(response({ tier: 'B', missUs: 'not' }), 'A')).toEqual([]);
    expect(flagsForResponse(response({ tier: 'A', missUs: 'na' }), 'A')).toEqual([]);
  });

  it('sorts by customer id, then kind, then completion time', () => {
    const flags = computeFlags(
      [
        response({ customerId: 'C2', tier: 'A', missUs: 'not', treatEqual: 1, completedAt: 5 }),
        response({ customerId: 'C1', treatEqual: 1, completedAt: 9 }),
        response({ customerId: 'C1', mentionsSecondClass: true, completedAt: 3 }),
      ],
      ['A', 'B'],
    );
    expect(flags.map(({ customerId, kind, reasons }) => `${customerId} ${kind} ${reasons.join('+')}`)).toEqual([
      'C1 second_class lexicon',
      'C1 second_class treat_equal_low',
      'C2 at_risk would_not_miss',
      'C2 second_class treat_equal_low',
    ]);
  });

  it('reduces a row to what the rules need', () => {
    const row: ResponseRow = {
      customerId: 'C9',
      tier: 'A',
      period: '2026-Q3',
      completedAt: 1,
      missUs: null,
      ...items(3, 3, 3, null),
      benefit: null,
      csat: null,
      recommend: null,
      missMost: '',
      alternative: 'Abstellgleis!',
      improve: '',
    };
    expect(flagCandidateOf(row)).toEqual({
      customerId: 'C9',
      tier: 'A',
      completedAt: 1,
      missUs: null,
      treatEqual: 3,
      ptiTwelfths: 36,
      mentionsSecondClass: true,
    });
  });
});
