import { randomBytes, randomUUID } from 'node:crypto';
import { abcTiers, type AbcTier } from '../../app/customers/abc';
import { seededRandom } from './random';

/**
 * The rows of the large benchmark data set, generated in memory as COPY text
 * (db/seed/large.server.ts loads them). Pure apart from the random ids and
 * link tokens, so the patterns can be checked without a database.
 *
 * The patterns are the demo's: A customers would miss the business more than
 * C customers, C feels treated worse in one quarter (VISIBLE), and B erodes
 * over the last quarters (fewer "very" from 2025-Q4 on).
 */
export const LARGE = { slug: 'large-demo', name: 'Large Demo AG', customers: 200_000, responses: 1_000_000 };
export const LARGE_PERIODS = Array.from({ length: 12 }, (_, i) => `${2024 + Math.floor(i / 4)}-Q${(i % 4) + 1}`);
export const LARGE_VISIBLE_PERIOD = '2025-Q3';
const TIER_LABELS: AbcTier[] = ['A', 'B', 'C'];

const FEELING = { very: 0.35, somewhat: 0, not: -0.5, na: 0 };
const RECOMMEND_BASE = { very: 9, somewhat: 7.2, not: 4.5, na: 7 };
const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, Math.round(value)));

export interface LargeIds {
  workspaceId: string;
  /** Tier ids by label A, B, C. */
  tierIds: Record<AbcTier, string>;
  /** One campaign per period, in LARGE_PERIODS order. */
  campaignIds: string[];
}

/** Customers with their revenue per period and the resulting ABC tier (index into A, B, C). */
export interface LargeCustomers {
  ids: string[];
  warmth: Float64Array;
  revenues: Float64Array[];
  tiers: Uint8Array[];
}

export function largeCustomers(count: number): LargeCustomers {
  const rng = seededRandom(424242);
  const ids = Array.from({ length: count }, () => randomUUID());
  const baseRevenue = Float64Array.from({ length: count }, () => Math.exp(10 + 1.7 * rng.normal()));
  const warmth = Float64Array.from({ length: count }, () => 0.35 * rng.normal());
  const revenues: Float64Array[] = [];
  const tiers: Uint8Array[] = [];
  for (let p = 0; p < LARGE_PERIODS.length; p++) {
    const revenue = baseRevenue.map((base) => Math.round(base * Math.exp(0.18 * rng.normal()) * 100) / 100);
    revenues.push(revenue);
    tiers.push(Uint8Array.from(abcTiers(Array.from(revenue)), (tier) => TIER_LABELS.indexOf(tier)));
  }
  return { ids, warmth, revenues, tiers };
}

/** COPY text of `customers (id, workspace_id, external_id, email, name, company, locale)`, in chunks. */
export function* customerChunks(ids: LargeIds, customers: LargeCustomers): Generator<string> {
  const ws = ids.workspaceId;
  let lines: string[] = [];
  for (let i = 0; i < customers.ids.length; i++) {
    lines.push(`${customers.ids[i]}\t${ws}\tL-${i + 1}\tkunde${i + 1}@large.example\tKunde ${i + 1}\tFirma ${i % 5000}\t${i % 5 === 0 ? 'en' : 'de'}\n`);
    if (i % 5000 === 4999) {
      yield lines.join('');
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('');
}

/** COPY text of `tier_assignments (workspace_id, customer_id, period, tier_id, revenue, margin, source)`. */
export function* tierAssignmentChunks(ids: LargeIds, customers: LargeCustomers): Generator<string> {
  const ws = ids.workspaceId;
  const tierIds = TIER_LABELS.map((label) => ids.tierIds[label]);
  for (const [p, period] of LARGE_PERIODS.entries()) {
    const revenue = customers.revenues[p]!;
    const tiers = customers.tiers[p]!;
    let lines: string[] = [];
    for (let i = 0; i < customers.ids.length; i++) {
      lines.push(`${ws}\t${customers.ids[i]}\t${period}\t${tierIds[tiers[i]!]}\t${revenue[i]!.toFixed(2)}\t${(revenue[i]! * 0.3).toFixed(2)}\tabc\n`);
      if (i % 5000 === 4999) {
        yield lines.join('');
        lines = [];
      }
    }
    if (lines.length > 0) yield lines.join('');
  }
}

export function periodSentAt(period: string): Date {
  const [year, quarter] = [Number(period.slice(0, 4)), Number(period.slice(6))];
  return new Date(Date.UTC(year, (quarter - 1) * 3, 15, 9));
}

/**
 * Invitations and responses per period. Each quarter invites a share of the
 * customers; about 46 % of the invited complete. The latest quarter is the
 * largest campaign (a tenth of all responses), so the flag benchmark has a
 * campaign of 100,000 responses. Yields, per period, the invitations' and the
 * responses' COPY text (`kind` says which) in chunks.
 */
export function* surveyChunks(
  ids: LargeIds,
  customers: LargeCustomers,
  responseTarget: number,
): Generator<{ kind: 'invitations' | 'responses'; period: string; text: string; rows: number }> {
  const rng = seededRandom(4242);
  const ws = ids.workspaceId;
  const count = customers.ids.length;
  const latestShare = Math.ceil(responseTarget / 10);
  const targetOf = (index: number) =>
    index === LARGE_PERIODS.length - 1 ? latestShare : Math.ceil((responseTarget - latestShare) / (LARGE_PERIODS.length - 1));
  let responseCount = 0;
  for (const [p, period] of LARGE_PERIODS.entries()) {
    const campaignId = ids.campaignIds[p]!;
    const sentAt = periodSentAt(period);
    const sent = sentAt.toISOString();
    const perPeriod = targetOf(p);
    const invitedCount = Math.min(count, Math.ceil(perPeriod / 0.46));
    const offset = Math.floor(rng.next() * count);
    const invitationIds = Array.from({ length: invitedCount }, () => randomUUID());
    const tokens = randomBytes(32 * invitedCount).toString('hex');
    let lines: string[] = [];
    let rows = 0;
    for (let k = 0; k < invitedCount; k++) {
      const customer = (offset + k) % count;
      lines.push(`${invitationIds[k]}\t${ws}\t${campaignId}\t${customers.ids[customer]}\t${tokens.slice(64 * k, 64 * k + 64)}\tdelivered\t${sent}\t${sent}\n`);
      if (++rows === 5000) {
        yield { kind: 'invitations', period, text: lines.join(''), rows };
        lines = [];
        rows = 0;
      }
    }
    if (lines.length > 0) yield { kind: 'invitations', period, text: lines.join(''), rows };

    const bVery = 0.5 - 0.03 * Math.max(0, p - 7);
    const acceptance = Math.min(1, (1.04 * perPeriod) / invitedCount);
    const tiers = customers.tiers[p]!;
    lines = [];
    rows = 0;
    let periodResponses = 0;
    for (let k = 0; k < invitedCount && periodResponses < perPeriod && responseCount < responseTarget; k++) {
      const customer = (offset + k) % count;
      const tier = TIER_LABELS[tiers[customer]!]!;
      if (rng.next() > acceptance) continue;
      const shares = tier === 'A' ? [0.56, 0.3, 0.1] : tier === 'B' ? [bVery, 0.84 - bVery, 0.12] : [0.27, 0.41, 0.27];
      const u = rng.next();
      const missUs = u < shares[0]! ? 'very' : u < shares[0]! + shares[1]! ? 'somewhat' : u < shares[0]! + shares[1]! + shares[2]! ? 'not' : 'na';
      const feeling = FEELING[missUs];
      const mean = (tier === 'A' ? 3.86 : tier === 'B' ? 3.9 : period === LARGE_VISIBLE_PERIOD ? 3.05 : 4.03) + customers.warmth[customer]! + feeling;
      const item = () => clamp(mean + 0.7 * rng.normal(), 1, 5);
      const treat = [item(), item(), item(), item()];
      const pti = (treat[0]! + treat[1]! + treat[2]! + treat[3]!) / 4;
      const benefit = clamp(mean + 0.7 * rng.normal(), 1, 5);
      const csat = clamp(pti + 0.5 * rng.normal(), 1, 5);
      const recommend = clamp(RECOMMEND_BASE[missUs] + (pti - 4) + 1.3 * rng.normal(), 0, 10);
      const completedAt = new Date(sentAt.getTime() + Math.floor(rng.next() * 20 * 86_400_000)).toISOString();
      // Only the free texts may be null; none of the values needs COPY escaping.
      const missMost = rng.next() < 0.2 ? 'Die persönliche Betreuung' : '\\N';
      const alternative = rng.next() < 0.15 ? 'Ein anderer Anbieter' : '\\N';
      const improve = rng.next() < 0.01 ? 'Wir fühlen uns vernachlässigt.' : rng.next() < 0.2 ? 'Schnellere Rückrufe' : '\\N';
      lines.push(
        `${ws}\t${campaignId}\t${invitationIds[k]}\t${customers.ids[customer]}\t${period}\t${customer % 5 === 0 ? 'en' : 'de'}\tcompleted\t11\t` +
        `${completedAt}\t${completedAt}\t${completedAt}\t${missUs}\t${treat[0]}\t${treat[1]}\t${treat[2]}\t${treat[3]}\t${benefit}\t${csat}\t${recommend}\t` +
        `${missMost}\t${alternative}\t${improve}\n`);
      periodResponses++;
      responseCount++;
      if (++rows === 5000) {
        yield { kind: 'responses', period, text: lines.join(''), rows };
        lines = [];
        rows = 0;
      }
    }
    if (lines.length > 0) yield { kind: 'responses', period, text: lines.join(''), rows };
  }
}

/** The columns `surveyChunks` writes for responses, in order. */
export const RESPONSE_COLUMNS =
  'workspace_id, campaign_id, invitation_id, customer_id, period, locale, status, step, started_at, completed_at, updated_at, ' +
  'miss_us, treat_valued, treat_responsive, treat_equal, treat_promise, benefit, csat, recommend, miss_most, alternative, improve';
export const INVITATION_COLUMNS = 'id, workspace_id, campaign_id, customer_id, token_hash, status, sent_at, delivered_at';
