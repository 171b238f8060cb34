import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import postgres from 'postgres';
import { abcTiers } from '../../app/customers/abc';

/**
 * The large data set for benchmarks: 200,000 customers, 12 quarters of tiers
 * and 1,000,000 completed responses in one workspace (`large-demo`), with the
 * demo's patterns (A misses more than C, one quarter where C feels treated
 * worse, a falling tier). Written with COPY on PostgreSQL; deterministic
 * apart from the random ids and link tokens.
 */
export const LARGE = { slug: 'large-demo', name: 'Large Demo AG', customers: 200_000, responses: 1_000_000 };
export const LARGE_PERIODS = Array.from({ length: 12 }, (_, i) => `${2024 + Math.floor(i / 4)}-Q${(i % 4) + 1}`);
const VISIBLE = '2025-Q3';

function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal };
}

/** Escapes a value for COPY's text format. */
function copyValue(value: string | number | null): string {
  if (value === null) return '\\N';
  return String(value).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);
}

/** Writes rows to a COPY stream in chunks, respecting back-pressure. */
async function copyRows(stream: Writable, rows: Iterable<Array<string | number | null>>): Promise<number> {
  let buffer = '';
  let count = 0;
  for (const row of rows) {
    buffer += `${row.map(copyValue).join('\t')}\n`;
    count++;
    if (buffer.length > 1 << 20) {
      if (!stream.write(buffer)) await once(stream, 'drain');
      buffer = '';
    }
  }
  if (buffer) stream.write(buffer);
  stream.end();
  await once(stream, 'finish');
  return count;
}

const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, Math.round(value)));

/**
 * Creates the large workspace, replacing an earlier one of the same slug.
 * Returns the figures for the log. `log` receives progress lines.
 */
export async function createLargeWorkspace(
  url: string,
  options: { customers?: number; responses?: number; log?: (line: string) => void } = {},
): Promise<{ workspaceId: string; customers: number; responses: number; invitations: number; seconds: number }> {
  const customerCount = options.customers ?? LARGE.customers;
  const responseTarget = options.responses ?? LARGE.responses;
  const log = options.log ?? (() => {});
  const started = Date.now();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const rng = random(424242);
  try {
    // A superuser can skip the per-row foreign-key checks while loading (the
    // data is consistent by construction), which makes COPY several times faster.
    const [role] = await sql<{ super: boolean }[]>`select rolsuper as super from pg_roles where rolname = current_user`;
    if (role?.super) await sql`set session_replication_role = replica`;
    await sql`delete from workspaces where slug = ${LARGE.slug}`;
    const [workspace] = await sql<{ id: string }[]>`
      insert into workspaces (slug, name, default_locale, sender_name) values (${LARGE.slug}, ${LARGE.name}, 'de', ${LARGE.name}) returning id`;
    const workspaceId = workspace!.id;
    const tierIds: Record<string, string> = {};
    for (const [index, label] of ['A', 'B', 'C'].entries()) {
      const [tier] = await sql<{ id: string }[]>`
        insert into workspace_tiers (workspace_id, position, label) values (${workspaceId}, ${index + 1}, ${label}) returning id`;
      tierIds[label] = tier!.id;
    }
    const [survey] = await sql<{ id: string }[]>`insert into surveys (workspace_id, name) values (${workspaceId}, 'Standardumfrage') returning id`;
    const [version] = await sql<{ id: string }[]>`
      insert into survey_versions (workspace_id, survey_id, version, definition, frozen_at)
      values (${workspaceId}, ${survey!.id}, 1, ${sql.json({ questions: [] })}, now()) returning id`;

    const customerIds = Array.from({ length: customerCount }, () => randomUUID());
    const baseRevenue = customerIds.map(() => Math.exp(10 + 1.7 * rng.normal()));
    const warmth = customerIds.map(() => 0.35 * rng.normal());
    await copyRows(
      await sql`copy customers (id, workspace_id, external_id, email, name, company, locale) from stdin`.writable(),
      customerIds.map((id, i) => [id, workspaceId, `L-${i + 1}`, `kunde${i + 1}@large.example`, `Kunde ${i + 1}`, `Firma ${i % 5000}`, i % 5 === 0 ? 'en' : 'de']),
    );
    log(`customers: ${customerCount} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    const tierOf: string[][] = [];
    for (const period of LARGE_PERIODS) {
      const revenues = baseRevenue.map((base) => Math.round(base * Math.exp(0.18 * rng.normal()) * 100) / 100);
      const tiers = abcTiers(revenues);
      tierOf.push(tiers);
      await copyRows(
        await sql`copy tier_assignments (workspace_id, customer_id, period, tier_id, revenue, margin, source) from stdin`.writable(),
        customerIds.map((id, i) => [workspaceId, id, period, tierIds[tiers[i]!]!, revenues[i]!.toFixed(2), (revenues[i]! * 0.3).toFixed(2), 'abc']),
      );
    }
    log(`tier assignments: ${customerCount * LARGE_PERIODS.length} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

    // Each quarter invites a share of the customers; about 46 % of the invited
    // complete. The latest quarter is the largest campaign (a tenth of all
    // responses), so the flag benchmark has a campaign of 100,000 responses.
    const latestShare = Math.ceil(responseTarget / 10);
    const targetOf = (index: number) =>
      index === LARGE_PERIODS.length - 1 ? latestShare : Math.ceil((responseTarget - latestShare) / (LARGE_PERIODS.length - 1));
    let invitationCount = 0;
    let responseCount = 0;
    for (const [periodIndex, period] of LARGE_PERIODS.entries()) {
      const [year, quarter] = [Number(period.slice(0, 4)), Number(period.slice(6))];
      const sentAt = new Date(Date.UTC(year, (quarter - 1) * 3, 15, 9));
      const [campaign] = await sql<{ id: string }[]>`
        insert into campaigns (workspace_id, survey_version_id, name, period, status, scheduled_at, closes_at)
        values (${workspaceId}, ${version!.id}, ${`Befragung ${period}`}, ${period}, 'closed', ${sentAt}, ${new Date(sentAt.getTime() + 42 * 86_400_000)})
        returning id`;
      const perPeriod = targetOf(periodIndex);
      const invitedPerPeriod = Math.min(customerCount, Math.ceil(perPeriod / 0.46));
      const offset = Math.floor(rng.next() * customerCount);
      const invited = Array.from({ length: invitedPerPeriod }, (_, k) => (offset + k) % customerCount);
      const invitationIds = invited.map(() => randomUUID());
      invitationCount += await copyRows(
        await sql`copy invitations (id, workspace_id, campaign_id, customer_id, token_hash, status, sent_at, delivered_at) from stdin`.writable(),
        invited.map((customer, k) => [invitationIds[k]!, workspaceId, campaign!.id, customerIds[customer]!, randomBytes(32).toString('hex'), 'delivered', sentAt.toISOString(), sentAt.toISOString()]),
      );
      const bVery = 0.5 - 0.03 * Math.max(0, periodIndex - 7);
      const rows: Array<Array<string | number | null>> = [];
      const acceptance = Math.min(1, (1.04 * perPeriod) / invited.length);
      for (let k = 0; k < invited.length && rows.length < perPeriod && responseCount + rows.length < responseTarget; k++) {
        const customer = invited[k]!;
        const tier = tierOf[periodIndex]![customer]!;
        if (rng.next() > acceptance) continue;
        const shares = tier === 'A' ? [0.56, 0.3, 0.1] : tier === 'B' ? [bVery, 0.84 - bVery, 0.12] : [0.27, 0.41, 0.27];
        const u = rng.next();
        const missUs = u < shares[0]! ? 'very' : u < shares[0]! + shares[1]! ? 'somewhat' : u < shares[0]! + shares[1]! + shares[2]! ? 'not' : 'na';
        const feeling = { very: 0.35, somewhat: 0, not: -0.5, na: 0 }[missUs]!;
        const mean = (tier === 'A' ? 3.86 : tier === 'B' ? 3.9 : period === VISIBLE ? 3.05 : 4.03) + warmth[customer]! + feeling;
        const item = () => clamp(mean + 0.7 * rng.normal(), 1, 5);
        const treat = [item(), item(), item(), item()];
        const pti = (treat[0]! + treat[1]! + treat[2]! + treat[3]!) / 4;
        const completedAt = new Date(sentAt.getTime() + Math.floor(rng.next() * 20 * 86_400_000)).toISOString();
        rows.push([
          workspaceId, campaign!.id, invitationIds[k]!, customerIds[customer]!, period, customer % 5 === 0 ? 'en' : 'de', 'completed', 11,
          completedAt, completedAt, completedAt, missUs, ...treat, clamp(mean + 0.7 * rng.normal(), 1, 5), clamp(pti + 0.5 * rng.normal(), 1, 5),
          clamp({ very: 9, somewhat: 7.2, not: 4.5, na: 7 }[missUs]! + (pti - 4) + 1.3 * rng.normal(), 0, 10),
          rng.next() < 0.2 ? 'Die persönliche Betreuung' : null, rng.next() < 0.15 ? 'Ein anderer Anbieter' : null,
          rng.next() < 0.01 ? 'Wir fühlen uns vernachlässigt.' : rng.next() < 0.2 ? 'Schnellere Rückrufe' : null,
        ]);
      }
      responseCount += await copyRows(
        await sql`copy responses (workspace_id, campaign_id, invitation_id, customer_id, period, locale, status, step, started_at,
          completed_at, updated_at, miss_us, treat_valued, treat_responsive, treat_equal, treat_promise, benefit, csat, recommend,
          miss_most, alternative, improve) from stdin`.writable(),
        rows,
      );
      log(`${period}: ${invited.length} invitations, ${rows.length} responses (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    await sql`set session_replication_role = default`;
    // Rollup triggers did not fire under replica mode: count the periods as changed.
    await sql`insert into period_rollup_versions (workspace_id, period, tables_version, invitations_version)
      select ${workspaceId}, p, 1, 1 from unnest(${LARGE_PERIODS}::text[]) as p
      on conflict (workspace_id, period) do update set tables_version = period_rollup_versions.tables_version + 1,
        invitations_version = period_rollup_versions.invitations_version + 1`;
    // VACUUM also sets the visibility map, so the covering indexes serve index-only scans at once.
    await sql`vacuum analyze`;
    return { workspaceId, customers: customerCount, responses: responseCount, invitations: invitationCount, seconds: (Date.now() - started) / 1000 };
  } finally {
    await sql.end({ timeout: 5 });
  }
}
