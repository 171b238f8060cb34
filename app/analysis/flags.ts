/**
 * Flag rules (DESIGN.md, "Flags on customers"), evaluated per response: flags
 * are about individual customers, so unlike the tier signals they cannot come
 * from frequency tables. PTIs are compared in twelfths, so a PTI of exactly
 * 2.5 and a drop of exactly 1.0 are caught without floating-point doubt.
 */
import { mentionsSecondClass } from './lexicon';
import { compareLabels, ptiTwelfthsOf } from './response-row';
import type { ResponseRow } from './response-row';
import type { MissUsAnswer } from './tables';

/** PTI ≤ 2.5 is low (2.5 × 12). */
export const LOW_PTI_TWELFTHS = 30;
/** A PTI that fell by 1.0 point or more has dropped (1.0 × 12). */
export const PTI_DROP_TWELFTHS = 12;
/** treat_equal at or below this is a second-class answer. */
export const LOW_TREAT_EQUAL = 2;

export type FlagKind = 'at_risk' | 'second_class';
export type SecondClassReason = 'treat_equal_low' | 'pti_low' | 'pti_drop' | 'lexicon';
export type FlagReason = SecondClassReason | 'would_not_miss';
export type FlagSeverity = 'high' | 'medium';

/** A flag raised on a customer by one response. */
export interface Flag {
  customerId: string;
  kind: FlagKind;
  severity: FlagSeverity;
  reasons: FlagReason[];
}

/** What the flag rules need to know about one response of the period. */
export interface FlaggableResponse {
  customerId: string;
  tier: string;
  /** Epoch milliseconds; orders two flags of one customer and kind. */
  completedAt: number;
  missUs: MissUsAnswer | null;
  treatEqual: number | null;
  ptiTwelfths: number | null;
  /**
   * PTI (in twelfths) of the customer's most recent earlier response that has
   * a PTI, by completion time and in any period; `null` when there is none.
   * See `EarlierPtiSearch`.
   */
  earlierPtiTwelfths: number | null;
  /** A free-text answer contains a lexicon phrase (see `mentionsSecondClass`). */
  mentionsSecondClass: boolean;
}

/** A response of the period before its customer's earlier PTI is known. */
export type FlagCandidate = Omit<FlaggableResponse, 'earlierPtiTwelfths'>;

/**
 * What the flag rules need from a response row; the free texts are reduced to
 * one lexicon answer, so that nothing larger than this is kept per response.
 */
export function flagCandidateOf(row: ResponseRow, ptiTwelfths: number | null = ptiTwelfthsOf(row)): FlagCandidate {
  return {
    customerId: row.customerId,
    tier: row.tier,
    completedAt: row.completedAt,
    missUs: row.missUs,
    treatEqual: row.treatEqual,
    ptiTwelfths,
    mentionsSecondClass: mentionsSecondClass([row.missMost, row.alternative, row.improve]),
  };
}

/**
 * A candidate completed with its customer's earlier PTI. Spelled out rather
 * than spread: V8 made each spread copy four times larger (430 against 110
 * bytes), which counts with a hundred thousand responses in a period.
 */
export function flaggableResponseOf(candidate: FlagCandidate, earlierPtiTwelfths: number | null): FlaggableResponse {
  return {
    customerId: candidate.customerId,
    tier: candidate.tier,
    completedAt: candidate.completedAt,
    missUs: candidate.missUs,
    treatEqual: candidate.treatEqual,
    ptiTwelfths: candidate.ptiTwelfths,
    earlierPtiTwelfths,
    mentionsSecondClass: candidate.mentionsSecondClass,
  };
}

/** The second-class rules that hold for a response, in reporting order. */
export function secondClassReasons(response: FlaggableResponse): SecondClassReason[] {
  const reasons: SecondClassReason[] = [];
  const { treatEqual, ptiTwelfths, earlierPtiTwelfths } = response;
  if (treatEqual !== null && treatEqual <= LOW_TREAT_EQUAL) reasons.push('treat_equal_low');
  if (ptiTwelfths !== null && ptiTwelfths <= LOW_PTI_TWELFTHS) reasons.push('pti_low');
  if (ptiTwelfths !== null && earlierPtiTwelfths !== null && earlierPtiTwelfths - ptiTwelfths >= PTI_DROP_TWELFTHS) {
    reasons.push('pti_drop');
  }
  if (response.mentionsSecondClass) reasons.push('lexicon');
  return reasons;
}

/** The flags one response raises; `topTier` is the first (best) tier. */
export function flagsForResponse(response: FlaggableResponse, topTier: string | undefined): Flag[] {
  const flags: Flag[] = [];
  const inTopTier = response.tier === topTier;
  if (inTopTier && response.missUs === 'not') {
    flags.push({ customerId: response.customerId, kind: 'at_risk', severity: 'high', reasons: ['would_not_miss'] });
  }
  const reasons = secondClassReasons(response);
  if (reasons.length > 0) {
    const bothLow = reasons.includes('treat_equal_low') && reasons.includes('pti_low');
    flags.push({
      customerId: response.customerId,
      kind: 'second_class',
      severity: inTopTier || bothLow ? 'high' : 'medium',
      reasons,
    });
  }
  return flags;
}

/**
 * Flags of all responses of a period, sorted by customer id and kind (and,
 * for a customer with several responses, by completion time).
 */
export function computeFlags(responses: readonly FlaggableResponse[], tiers: readonly string[]): Flag[] {
  const raised: { flag: Flag; completedAt: number }[] = [];
  for (const response of responses) {
    for (const flag of flagsForResponse(response, tiers[0])) raised.push({ flag, completedAt: response.completedAt });
  }
  raised.sort(
    (a, b) =>
      compareLabels(a.flag.customerId, b.flag.customerId) ||
      compareLabels(a.flag.kind, b.flag.kind) ||
      a.completedAt - b.completedAt,
  );
  return raised.map(({ flag }) => flag);
}
