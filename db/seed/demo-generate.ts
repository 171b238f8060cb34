import { abcTiers, type AbcTier } from '../../app/customers/abc';
import type { MissUsAnswer } from '../schema/responses';
import { alternatives, companyForms, companyWords, firstNames, improvements, lastNames, missMost, reachabilityMissMost, secondClassVerbatims } from './demo-data';
import { seededRandom, type Random } from './random';

/**
 * The demo workspace's data as plain values, made by a seeded generator so
 * every fresh start shows the same numbers. The patterns it is built with:
 *   - A customers would miss the company more than C customers;
 *   - in VISIBLE_PERIOD, C customers rate their treatment clearly worse
 *     (the segmentation has become visible);
 *   - the miss-us score of tier B falls over the last quarters;
 *   - a handful of customers feel second-class and say so, in German or English;
 *   - customers who are mostly "very disappointed" are often machine builders
 *     (the high-expectation customer of the product/market-fit plan).
 */
export const DEMO_PERIODS = ['2025-Q3', '2025-Q4', '2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4'] as const;
export const VISIBLE_PERIOD = '2026-Q2';
export const ERODING_TIER = 'B';
const CUSTOMER_COUNT = 600;

export interface DemoCustomer {
  externalId: string;
  name: string;
  company: string;
  email: string;
  locale: 'de' | 'en';
  /** Attributes of the product/market-fit plan (docs/pmf-engine.md). */
  industry?: string;
  size?: string;
  region?: string;
  /** YYYY-MM-DD */
  customerSince?: string;
}

export interface DemoTier {
  customerIndex: number;
  period: string;
  tier: AbcTier;
  revenue: number;
  margin: number;
}

export interface DemoResponse {
  customerIndex: number;
  period: string;
  completed: boolean;
  /** Minutes after the campaign was sent. */
  minutesAfterSend: number;
  missUs: MissUsAnswer | null;
  missMost: string | null;
  alternative: string | null;
  treatValued: number | null;
  treatResponsive: number | null;
  treatEqual: number | null;
  treatPromise: number | null;
  benefit: number | null;
  csat: number | null;
  recommend: number | null;
  improve: string | null;
}

export interface DemoData {
  customers: DemoCustomer[];
  tiers: DemoTier[];
  /** Every customer is invited in every period; these are the ones who answered (or started). */
  responses: DemoResponse[];
}

const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, Math.round(value)));

function slug(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** Shares of very / somewhat / not / does-not-apply per tier and period. */
function missUsShares(tier: AbcTier, periodIndex: number): [number, number, number, number] {
  if (tier === 'A') return [0.56, 0.3, 0.1, 0.04];
  if (tier === 'B') {
    // Eroding: stable first, then falling over the last quarters.
    const very = [0.52, 0.52, 0.5, 0.31, 0.28, 0.25][periodIndex]!;
    return [very, 0.84 - very, 0.12, 0.04];
  }
  return [0.27, 0.41, 0.27, 0.05];
}

function drawMissUs(rng: Random, shares: [number, number, number, number]): MissUsAnswer {
  const u = rng.next();
  const [very, somewhat, not] = shares;
  if (u < very) return 'very';
  if (u < very + somewhat) return 'somewhat';
  if (u < very + somewhat + not) return 'not';
  return 'na';
}

export function generateDemoData(seed = 20261123): DemoData {
  const rng = seededRandom(seed);
  const customers: DemoCustomer[] = [];
  const baseRevenue: number[] = [];
  const warmth: number[] = [];
  const responsiveness: number[] = [];
  for (let i = 0; i < CUSTOMER_COUNT; i++) {
    const locale = rng.next() < 0.82 ? 'de' : 'en';
    const first = rng.pick(firstNames[locale]);
    const last = rng.pick(lastNames[locale]);
    const company = `${rng.pick(lastNames[locale])} ${rng.pick(companyWords[locale])} ${rng.pick(companyForms[locale])}`;
    customers.push({
      externalId: `K-${String(10001 + i)}`,
      name: `${first} ${last}`,
      company,
      email: `${slug(first)}.${slug(last)}.${i + 1}@${slug(company.split(' ').slice(0, 2).join('-'))}.example`,
      locale,
    });
    baseRevenue.push(Math.exp(10 + 1.7 * rng.normal()));
    warmth.push(0.35 * rng.normal());
    responsiveness.push(0.75 + 0.5 * rng.next());
  }

  const tiers: DemoTier[] = [];
  const tierOf = new Map<string, AbcTier>();
  DEMO_PERIODS.forEach((period) => {
    const revenues = baseRevenue.map((base) => Math.round(base * Math.exp(0.18 * rng.normal()) * 100) / 100);
    abcTiers(revenues).forEach((tier, customerIndex) => {
      const revenue = revenues[customerIndex]!;
      tiers.push({ customerIndex, period, tier, revenue, margin: Math.round(revenue * (0.15 + 0.3 * rng.next()) * 100) / 100 });
      tierOf.set(`${customerIndex}:${period}`, tier);
    });
  });

  // The customers who will feel second-class, one verbatim each, in the later quarters.
  const secondClass = new Map<string, (typeof secondClassVerbatims)[number]>();
  const laterPeriods = ['2026-Q2', '2026-Q2', '2026-Q3', '2026-Q3', '2026-Q4', '2026-Q4', '2026-Q4'];
  secondClassVerbatims.forEach((verbatim, n) => {
    const period = laterPeriods[n]!;
    for (let tries = 0; tries < 1000; tries++) {
      const index = Math.floor(rng.next() * CUSTOMER_COUNT);
      const key = `${index}:${period}`;
      if (customers[index]!.locale === verbatim.locale && tierOf.get(key) !== 'A' && !secondClass.has(key)) {
        secondClass.set(key, verbatim);
        break;
      }
    }
  });

  // A customers who would miss us name reachability less each quarter (an
  // eroding strength). Its own sequence, so every other pattern of the demo
  // draws the same numbers as before.
  const reachRng = seededRandom(seed + 18);
  const reachabilityShare = [0.55, 0.47, 0.39, 0.3, 0.22, 0.14];
  const missMostOf = (tier: AbcTier, periodIndex: number, locale: 'de' | 'en', sentiment: 'very' | 'somewhat' | 'not', drawn: string | null) => {
    if (drawn === null || tier !== 'A' || sentiment === 'not') return drawn;
    return reachRng.next() < reachabilityShare[periodIndex]! ? reachRng.pick(reachabilityMissMost[locale]) : drawn;
  };

  const responses: DemoResponse[] = [];
  DEMO_PERIODS.forEach((period, periodIndex) => {
    for (let index = 0; index < CUSTOMER_COUNT; index++) {
      const tier = tierOf.get(`${index}:${period}`)!;
      const verbatim = secondClass.get(`${index}:${period}`);
      const answerRate = { A: 0.52, B: 0.45, C: 0.38 }[tier] * responsiveness[index]!;
      const answers = verbatim !== undefined || rng.next() < answerRate;
      const starts = answers || rng.next() < 0.06;
      if (!starts) continue;
      const locale = customers[index]!.locale;
      const missUs = verbatim ? (rng.next() < 0.5 ? 'not' : 'somewhat') : drawMissUs(rng, missUsShares(tier, periodIndex));
      if (!answers) {
        responses.push({ ...emptyResponse(index, period), missUs, minutesAfterSend: Math.floor(rng.next() * 20_000) });
        continue;
      }
      const feeling = { very: 0.35, somewhat: 0, not: -0.5, na: 0 }[missUs];
      const tierMean = tier === 'A' ? 3.86 : tier === 'B' ? 3.9 : period === VISIBLE_PERIOD ? 3.05 : 4.03;
      const mean = verbatim ? 2.2 : tierMean + warmth[index]! + feeling;
      const item = () => clamp(mean + 0.7 * rng.normal(), 1, 5);
      const treat: Array<number | null> = [item(), item(), verbatim ? clamp(1.5 + rng.next(), 1, 2) : item(), item()];
      // Now and then one treatment item is skipped: the PTI then uses the other three.
      if (rng.next() < 0.06) treat[Math.floor(rng.next() * 4)] = null;
      const answered = treat.filter((value): value is number => value !== null);
      const pti = answered.reduce((sum, value) => sum + value, 0) / answered.length;
      const sentiment = missUs === 'na' ? 'somewhat' : missUs;
      const text = (pool: { de: string[]; en: string[] }, chance: number) => (rng.next() < chance ? rng.pick(pool[locale]) || null : null);
      responses.push({
        customerIndex: index,
        period,
        completed: true,
        minutesAfterSend: Math.floor(rng.next() * 20_000),
        missUs,
        missMost: verbatim?.field === 'miss_most' ? verbatim.text : missMostOf(tier, periodIndex, locale, sentiment, text(missMost[sentiment], 0.55)),
        alternative: verbatim?.field === 'alternative' ? verbatim.text : text(alternatives[sentiment], 0.45),
        treatValued: treat[0] ?? null,
        treatResponsive: treat[1] ?? null,
        treatEqual: treat[2] ?? null,
        treatPromise: treat[3] ?? null,
        benefit: clamp(mean + 0.4 * feeling + 0.7 * rng.normal(), 1, 5),
        csat: clamp(pti + 0.5 * rng.normal(), 1, 5),
        recommend: clamp({ very: 9, somewhat: 7.2, not: 4.5, na: 7 }[missUs] + (pti - 4) + 1.3 * rng.normal(), 0, 10),
        improve: verbatim?.field === 'improve' ? verbatim.text : text(improvements, 0.4),
      });
    }
  });
  assignAttributes(customers, responses, seed + 42);
  return { customers, tiers, responses };
}

const INDUSTRIES = ['Maschinenbau', 'Handel', 'Beratung', 'Logistik', 'Bauwesen', 'IT-Dienstleistung'];
const SIZES = ['1-9', '10-49', '50-249', '250-999', '1000+'];
const REGIONS = ['Nord', 'Süd', 'West', 'Ost'];

/**
 * Industry, size, region and customer-since for every customer, from their
 * own sequence (so every other pattern draws the same numbers as before).
 * Customers whose latest answer was "very disappointed" (or, without an
 * answer in the last quarter, most of whose answers were) are machine
 * builders six times in ten, the others one time in twelve.
 */
function assignAttributes(customers: DemoCustomer[], responses: readonly DemoResponse[], seed: number): void {
  const rng = seededRandom(seed);
  const very = new Array<number>(customers.length).fill(0);
  const answered = new Array<number>(customers.length).fill(0);
  const latest = new Map<number, string>();
  const last = DEMO_PERIODS[DEMO_PERIODS.length - 1];
  for (const response of responses) {
    if (!response.completed || response.missUs === null || response.missUs === 'na') continue;
    answered[response.customerIndex]! += 1;
    if (response.missUs === 'very') very[response.customerIndex]! += 1;
    if (response.period === last) latest.set(response.customerIndex, response.missUs);
  }
  customers.forEach((customer, index) => {
    const answer = latest.get(index);
    const veryCustomer = answer !== undefined ? answer === 'very' : answered[index]! > 0 && very[index]! / answered[index]! >= 0.5;
    customer.industry = rng.next() < (veryCustomer ? 0.6 : 0.08) ? 'Maschinenbau' : rng.pick(INDUSTRIES.slice(1));
    customer.size = rng.pick(SIZES);
    customer.region = rng.pick(REGIONS);
    const year = 2008 + rng.int(18);
    customer.customerSince = `${year}-${String(1 + rng.int(12)).padStart(2, '0')}-01`;
  });
}

function emptyResponse(customerIndex: number, period: string): DemoResponse {
  return {
    customerIndex,
    period,
    completed: false,
    minutesAfterSend: 0,
    missUs: null,
    missMost: null,
    alternative: null,
    treatValued: null,
    treatResponsive: null,
    treatEqual: null,
    treatPromise: null,
    benefit: null,
    csat: null,
    recommend: null,
    improve: null,
  };
}
