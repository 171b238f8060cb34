/**
 * The product/market-fit engine (Rahul Vohra's method) for one scope (a tier
 * or all tiers) and one quarter, from the counted responses of that quarter:
 *
 * 1. Who would miss us most (the high-expectation customer): for every value
 *    of every customer attribute (industry, size band, region, years as
 *    customer, account owner, tier), the share "very disappointed" among
 *    those with the value against those with another known value, with the
 *    Wilson interval, Newcombe's interval for the difference and Fisher's
 *    exact test; Benjamini–Hochberg over all values tested in the scope.
 * 2. What they love: the top `miss_most` themes among the very disappointed.
 * 3. What holds the others back: among the "somewhat disappointed" whose
 *    `benefit` answer equals the most common `benefit` answer of the very
 *    disappointed, the top `improve` themes.
 *
 * The plan is the two columns "double down" (2) and "remove the obstacle"
 * (3), each point with the ids of the answers behind it. Pure: plain rows in,
 * plain data out (docs/pmf-engine.md gives the exact fields).
 */
import { fisherExactP } from './exact-tests';
import { benjaminiHochberg } from './multiple-comparisons';
import { newcombeDifference, wilsonInterval, type Interval } from './proportions';
import type { MissUsAnswer } from './tables';
import type { ThemeField, ThemeMatcher } from './themes';

/** Customer attributes the engine looks at, in the order they are shown. */
export const PMF_ATTRIBUTES = ['industry', 'size', 'region', 'tenure', 'accountOwner', 'tier'] as const;
export type PmfAttribute = (typeof PMF_ATTRIBUTES)[number];

/** Years-as-customer bands, shortest first. */
export const TENURE_BANDS = ['<1', '1-2', '3-5', '6-10', '>10'] as const;
export type TenureBand = (typeof TENURE_BANDS)[number];

/** Answers a value (and the rest it is compared with) needs before it is tested. */
export const MIN_GROUP_SIZE = 10;
/** Adjusted p below which a value counts as raising (or lowering) the share. */
export const PMF_ALPHA = 0.05;
/** Themes per column of the plan. */
export const PLAN_THEMES = 3;
/** Answer ids kept per point (the count says how many there are in all). */
export const MAX_LINKED_ANSWERS = 25;

/** One counted response with what the engine needs of it. */
export interface PmfResponse {
  /** The answer's id (a response id in the app, the customer id in the `analyze` command). */
  id: string;
  tier: string;
  missUs: MissUsAnswer | null;
  benefit: number | null;
  missMost: string | null;
  improve: string | null;
  /** Attribute values; null or absent when unknown. `tenure` is a band (see `tenureBand`). */
  attributes: Partial<Record<PmfAttribute, string | null>>;
}

/** One tested attribute value against the rest of the scope with a known value. */
export interface AttributeFinding {
  attribute: PmfAttribute;
  value: string;
  n: number;
  very: number;
  share: number;
  interval: Interval;
  rest: { n: number; very: number; share: number };
  /** Share minus the rest's share, with Newcombe's 95 % interval. */
  difference: number;
  differenceInterval: Interval;
  p: number;
  /** Benjamini–Hochberg over every value tested in the scope. */
  adjustedP: number;
  /** Adjusted p < PMF_ALPHA and the share higher than the rest's. */
  raises: boolean;
  /** Adjusted p < PMF_ALPHA and the share lower than the rest's. */
  lowers: boolean;
}

/** A value with too few answers to be tested (shown with its n only). */
export interface UntestedValue {
  attribute: PmfAttribute;
  value: string;
  n: number;
}

/** One point of the plan: a theme and the answers that name it. */
export interface PlanPoint {
  theme: string;
  /** Answers naming the theme. */
  count: number;
  /** Of `base` (the group's answers with a text). */
  share: number;
  /** Up to MAX_LINKED_ANSWERS answer ids, in input order. */
  answerIds: string[];
}

export interface PmfResult {
  /** Answers to `miss_us` other than "does not apply". */
  n: number;
  very: number;
  somewhat: number;
  /** Share "very disappointed" of `n` (null below MIN_GROUP_SIZE). */
  share: number | null;
  interval: Interval | null;
  /** Whether there are enough answers for any finding. */
  enough: boolean;
  /** Tested values, raising first (largest difference first), then the others by adjusted p. */
  findings: AttributeFinding[];
  untested: UntestedValue[];
  /** The most common `benefit` answer (1–5) of the very disappointed; ties go to the higher. */
  mainBenefit: number | null;
  doubleDown: { base: number; points: PlanPoint[] };
  removeObstacle: { base: number; points: PlanPoint[] };
}

/**
 * Full years from `since` (YYYY-MM-DD) to the last day of `period`
 * (`2026-Q4`), as a band; null when unknown or later than the quarter.
 */
export function tenureBand(since: string | null | undefined, period: string): TenureBand | null {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  const start = since ? /^(\d{4})-(\d{2})-(\d{2})/.exec(since) : null;
  if (!quarter || !start) return null;
  const end = `${quarter[1]}-${QUARTER_END[Number(quarter[2]) - 1]}`;
  if (since!.slice(0, 10) > end) return null;
  const years = Number(quarter[1]) - Number(start[1]) - (end.slice(5) < since!.slice(5, 10) ? 1 : 0);
  if (years < 1) return '<1';
  if (years <= 2) return '1-2';
  if (years <= 5) return '3-5';
  if (years <= 10) return '6-10';
  return '>10';
}

const QUARTER_END = ['03-31', '06-30', '09-30', '12-31'] as const;

interface Group {
  n: number;
  very: number;
}

/** Per attribute and value, the counts of answered and very disappointed. */
function attributeGroups(responses: readonly PmfResponse[], attributes: readonly PmfAttribute[]) {
  const groups = new Map<PmfAttribute, Map<string, Group>>(attributes.map((attribute) => [attribute, new Map()]));
  for (const response of responses) {
    if (response.missUs === null || response.missUs === 'na') continue;
    const very = response.missUs === 'very' ? 1 : 0;
    for (const attribute of attributes) {
      const value = attribute === 'tier' ? response.tier : response.attributes[attribute];
      if (value == null || value === '') continue;
      const byValue = groups.get(attribute)!;
      const group = byValue.get(value);
      if (group === undefined) byValue.set(value, { n: 1, very });
      else {
        group.n += 1;
        group.very += very;
      }
    }
  }
  return groups;
}

function testAttributes(responses: readonly PmfResponse[], attributes: readonly PmfAttribute[]) {
  const tested: Omit<AttributeFinding, 'adjustedP' | 'raises' | 'lowers'>[] = [];
  const untested: UntestedValue[] = [];
  for (const [attribute, byValue] of attributeGroups(responses, attributes)) {
    if (byValue.size < 2) {
      for (const [value, group] of byValue) untested.push({ attribute, value, n: group.n });
      continue;
    }
    let known: Group = { n: 0, very: 0 };
    for (const group of byValue.values()) known = { n: known.n + group.n, very: known.very + group.very };
    for (const [value, group] of [...byValue].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const rest = { n: known.n - group.n, very: known.very - group.very };
      if (group.n < MIN_GROUP_SIZE || rest.n < MIN_GROUP_SIZE) {
        untested.push({ attribute, value, n: group.n });
        continue;
      }
      const difference = newcombeDifference(group.very, group.n, rest.very, rest.n);
      tested.push({
        attribute,
        value,
        n: group.n,
        very: group.very,
        share: group.very / group.n,
        interval: wilsonInterval(group.very, group.n),
        rest: { ...rest, share: rest.very / rest.n },
        difference: difference.difference,
        differenceInterval: { low: difference.low, high: difference.high },
        p: fisherExactP(group.very, group.n - group.very, rest.very, rest.n - rest.very),
      });
    }
  }
  const adjusted = benjaminiHochberg(tested.map((finding) => finding.p));
  const findings = tested.map((finding, index): AttributeFinding => {
    const adjustedP = adjusted[index]!;
    const significant = adjustedP < PMF_ALPHA;
    return { ...finding, adjustedP, raises: significant && finding.difference > 0, lowers: significant && finding.difference < 0 };
  });
  findings.sort((a, b) => Number(b.raises) - Number(a.raises) || (a.raises ? b.difference - a.difference : a.adjustedP - b.adjustedP));
  return { findings, untested };
}

/** The most frequent themes of `texts` of one item (negated mentions count by its rule), most named first (ties in theme-list order). */
function topThemes(matcher: ThemeMatcher, field: ThemeField, answers: readonly { id: string; text: string | null }[]): { base: number; points: PlanPoint[] } {
  const counts = new Map<string, { count: number; answerIds: string[]; order: number }>();
  matcher.themes.forEach((theme, order) => counts.set(theme.key, { count: 0, answerIds: [], order }));
  let base = 0;
  for (const answer of answers) {
    if (answer.text === null || answer.text.trim() === '') continue;
    base += 1;
    for (const key of matcher.themesIn(answer.text, field)) {
      const entry = counts.get(key)!;
      entry.count += 1;
      if (entry.answerIds.length < MAX_LINKED_ANSWERS) entry.answerIds.push(answer.id);
    }
  }
  const points = [...counts]
    .filter(([, entry]) => entry.count > 0)
    .sort(([, a], [, b]) => b.count - a.count || a.order - b.order)
    .slice(0, PLAN_THEMES)
    .map(([theme, entry]) => ({ theme, count: entry.count, share: entry.count / base, answerIds: entry.answerIds }));
  return { base, points };
}

function modeOf(values: readonly number[]): number | null {
  const counts = new Map<number, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: number | null = null;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && value > best)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/**
 * Runs the engine over the counted responses of one scope and quarter.
 * `attributes` defaults to all; leave out `tier` when the scope is one tier.
 */
export function computePmfPlan(responses: readonly PmfResponse[], matcher: ThemeMatcher, attributes: readonly PmfAttribute[] = PMF_ATTRIBUTES): PmfResult {
  const answered = responses.filter((response) => response.missUs !== null && response.missUs !== 'na');
  const veryDisappointed = answered.filter((response) => response.missUs === 'very');
  const somewhat = answered.filter((response) => response.missUs === 'somewhat');
  const n = answered.length;
  const enough = n >= MIN_GROUP_SIZE;
  const { findings, untested } = enough ? testAttributes(answered, attributes) : { findings: [], untested: [] };
  const mainBenefit = modeOf(veryDisappointed.flatMap((response) => (response.benefit === null ? [] : [response.benefit])));
  const matched = mainBenefit === null ? [] : somewhat.filter((response) => response.benefit === mainBenefit);
  return {
    n,
    very: veryDisappointed.length,
    somewhat: somewhat.length,
    share: enough ? veryDisappointed.length / n : null,
    interval: enough ? wilsonInterval(veryDisappointed.length, n) : null,
    enough,
    findings,
    untested,
    mainBenefit,
    doubleDown: topThemes(matcher, 'missMost', veryDisappointed.map((response) => ({ id: response.id, text: response.missMost }))),
    removeObstacle: topThemes(matcher, 'improve', matched.map((response) => ({ id: response.id, text: response.improve }))),
  };
}
