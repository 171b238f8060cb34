/**
 * Theme counts of a period kept by difference (decision 0038), beside the
 * frequency tables of decision 0031: `period_theme_counted` holds what each
 * counted customer's free texts contribute (their coding), and
 * `period_rollups.themes` the period's sums, valid for the coding named by
 * `period_rollups.themes_coding`. Only the rollup reader changes them, in its
 * transaction under the period's row lock (`currentPeriodTables` in
 * app/reports/rollups.server.ts): the queued customers' old contributions
 * are taken back and their new ones added, or the period is coded afresh, or
 * its counts are dropped for the next theme reader to code afresh.
 */
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { selectRows, type Database } from '../../db/client.server';
import { compareLabels } from '../analysis/response-row';
import { isBlank } from '../analysis/theme-trends';
import { THEME_CODING_VERSION, THEME_FIELDS, ThemeMatcher, type ThemeField } from '../analysis/themes';
import { listThemes, themeDefinitions } from './themes.server';

/** A matcher and the name of its coding: the coding rule's version and the theme list it codes with. */
export interface ThemeCoding {
  matcher: ThemeMatcher;
  key: string;
}

export function themeCodingOf(matcher: ThemeMatcher): ThemeCoding {
  return { matcher, key: createHash('sha256').update(JSON.stringify([THEME_CODING_VERSION, matcher.themes])).digest('base64url') };
}

/** Matchers by the theme list they code with: a drain of a few customers does not build one (some milliseconds) each time. */
const codings = new Map<string, ThemeCoding>();
const CODINGS_KEPT = 64;

/** The workspace's coding now; the same matcher for the same theme list. */
export async function workspaceThemeCoding(db: Database, workspaceId: string): Promise<ThemeCoding> {
  const definitions = themeDefinitions(await listThemes(db, workspaceId));
  const id = JSON.stringify(definitions);
  let coding = codings.get(id);
  if (coding === undefined) {
    coding = themeCodingOf(new ThemeMatcher(definitions));
    codings.set(id, coding);
    while (codings.size > CODINGS_KEPT) codings.delete(codings.keys().next().value!);
  }
  return coding;
}

/** Counts of one tier and item of a period: answers, and answers naming each theme (by position). */
export interface StoredThemeRow {
  tier: string;
  field: ThemeField;
  answered: number;
  named: number[];
}

/** Per item of THEME_FIELDS: null (not answered), or the positions of the themes the text names (a position once per count). */
export type CodedTexts = (number[] | null)[];

export interface CountedTextsRow {
  customer_id: string;
  tier: string;
  miss_most: string | null;
  alternative: string | null;
  improve: string | null;
}

/**
 * A customer's texts coded as the full coding counts them
 * (`ThemeTablesAccumulator`): a blank text is not an answer, an answered one
 * adds what `countThemesIn` counts. Null when no item is answered.
 */
export function codeTexts(matcher: ThemeMatcher, row: Pick<CountedTextsRow, 'miss_most' | 'alternative' | 'improve'>): CodedTexts | null {
  const texts: Record<ThemeField, string | null> = { missMost: row.miss_most, alternative: row.alternative, improve: row.improve };
  let answered = false;
  const counts = new Array<number>(matcher.themes.length).fill(0);
  const coded = THEME_FIELDS.map((field) => {
    const text = texts[field];
    if (text == null || isBlank(text)) return null;
    answered = true;
    counts.fill(0);
    matcher.countThemesIn(text, field, counts, 1);
    const positions: number[] = [];
    counts.forEach((count, position) => {
      for (let n = 0; n < count; n += 1) positions.push(position);
    });
    return positions;
  });
  return answered ? coded : null;
}

/**
 * `rows` − `removed` + `added` for a list of `themeCount` themes; rows left
 * without answers are dropped (as a full coding never has them), in one
 * canonical order (tier, then item). Null when a count would go below zero
 * or a contribution does not fit the list: the stored counts drifted.
 */
export function applyThemeDelta(
  rows: readonly StoredThemeRow[],
  themeCount: number,
  removed: readonly { tier: string; coded: CodedTexts }[],
  added: readonly { tier: string; coded: CodedTexts }[],
): StoredThemeRow[] | null {
  const cells = new Map<string, StoredThemeRow>();
  const cellOf = (tier: string, field: ThemeField) => {
    const key = `${tier}\u0000${field}`;
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = { tier, field, answered: 0, named: new Array<number>(themeCount).fill(0) };
      cells.set(key, cell);
    }
    return cell;
  };
  for (const row of rows) {
    if (row.named.length !== themeCount) return null;
    const cell = cellOf(row.tier, row.field);
    cell.answered += row.answered;
    row.named.forEach((count, position) => (cell.named[position]! += count));
  }
  const apply = (contribution: { tier: string; coded: CodedTexts }, step: 1 | -1): boolean => {
    if (!Array.isArray(contribution.coded) || contribution.coded.length !== THEME_FIELDS.length) return false;
    for (let index = 0; index < THEME_FIELDS.length; index += 1) {
      const positions = contribution.coded[index];
      if (positions == null) continue;
      const cell = cellOf(contribution.tier, THEME_FIELDS[index]!);
      cell.answered += step;
      for (const position of positions) {
        if (!Number.isInteger(position) || position < 0 || position >= themeCount) return false;
        cell.named[position]! += step;
      }
    }
    return true;
  };
  for (const contribution of removed) if (!apply(contribution, -1)) return null;
  for (const contribution of added) if (!apply(contribution, 1)) return null;
  const result: StoredThemeRow[] = [];
  for (const cell of cells.values()) {
    if (cell.answered < 0 || cell.named.some((count) => count < 0)) return null;
    if (cell.answered === 0) {
      if (cell.named.some((count) => count !== 0)) return null;
      continue;
    }
    result.push(cell);
  }
  return sortThemeRows(result);
}

/** Tier (as labels sort elsewhere), then item in THEME_FIELDS order. */
export function sortThemeRows<Row extends { tier: string; field: ThemeField }>(rows: Row[]): Row[] {
  return rows.sort((a, b) => compareLabels(a.tier, b.tier) || THEME_FIELDS.indexOf(a.field) - THEME_FIELDS.indexOf(b.field));
}

/**
 * The free texts of the counted responses of a period (the latest completed
 * one per customer, with the tier it counts under, as `countedResponsesSql`
 * selects the answers), of `customerIds` (a JSON array) only when given.
 */
export function countedTextsSql(workspaceId: string, period: string, customerIds?: string): SQL {
  return sql`select distinct on (r.customer_id) r.customer_id, wt.label as tier, r.miss_most, r.alternative, r.improve
      from responses r
      join tier_assignments ta on ta.workspace_id = r.workspace_id and ta.period = r.period and ta.customer_id = r.customer_id
      join workspace_tiers wt on wt.id = ta.tier_id
      where r.workspace_id = ${workspaceId} and r.period = ${period} and r.status = 'completed'
        ${customerIds !== undefined ? sql`and r.customer_id in (select json_array_elements_text(${customerIds}::json)::uuid)` : sql``}
      order by r.customer_id, r.completed_at desc, r.id desc`;
}

/** Stored counts as this module writes them, or null (not kept, or of another shape). */
export function storedThemeRows(value: unknown): StoredThemeRow[] | null {
  if (!Array.isArray(value)) return null;
  const fields: readonly string[] = THEME_FIELDS;
  const valid = value.every(
    (row) =>
      row !== null &&
      typeof row === 'object' &&
      typeof row.tier === 'string' &&
      fields.includes(row.field) &&
      typeof row.answered === 'number' &&
      Array.isArray(row.named),
  );
  return valid ? (value as StoredThemeRow[]) : null;
}

/** Codes `rows` and writes their contributions (customers with an answered text only); returns them. */
async function insertCoded(tx: Database, workspaceId: string, period: string, matcher: ThemeMatcher, rows: readonly CountedTextsRow[]) {
  const coded: { customer_id: string; tier: string; coded: CodedTexts }[] = [];
  for (const row of rows) {
    const texts = codeTexts(matcher, row);
    if (texts !== null) coded.push({ customer_id: row.customer_id, tier: row.tier, coded: texts });
  }
  // In slices, so no single parameter grows with the quarter (some megabytes of JSON for 100,000 customers).
  for (let start = 0; start < coded.length; start += 20_000) {
    const slice = JSON.stringify(coded.slice(start, start + 20_000));
    await tx.execute(sql`insert into period_theme_counted (workspace_id, period, customer_id, tier, coded)
      select ${workspaceId}::uuid, ${period}, x.customer_id, x.tier, x.coded
      from json_to_recordset(${slice}::json) as x(customer_id uuid, tier text, coded jsonb)`);
  }
  return coded;
}

async function storeThemes(tx: Database, workspaceId: string, period: string, rows: StoredThemeRow[] | null, coding: string | null): Promise<void> {
  await tx.execute(sql`update period_rollups set themes = ${rows === null ? null : JSON.stringify(rows)}::jsonb, themes_coding = ${coding}
    where workspace_id = ${workspaceId} and period = ${period}`);
}

/**
 * Codes the period afresh: every counted customer's texts, the counts stored
 * with the coding. The period's rows are brought to the new coding by
 * writing only those that differ (after a theme edit or a recount most
 * customers' contributions are what they were; writing all of them again
 * cost most of the time), and rows of customers who no longer count are
 * deleted.
 */
async function recodeThemes(tx: Database, workspaceId: string, period: string, coding: ThemeCoding): Promise<StoredThemeRow[]> {
  const [texts, kept] = [
    await selectRows<CountedTextsRow>(tx, countedTextsSql(workspaceId, period)),
    await selectRows<{ customer_id: string }>(tx, sql`select customer_id from period_theme_counted where workspace_id = ${workspaceId} and period = ${period}`),
  ];
  const coded: { customer_id: string; tier: string; coded: CodedTexts }[] = [];
  for (const row of texts) {
    const contribution = codeTexts(coding.matcher, row);
    if (contribution !== null) coded.push({ customer_id: row.customer_id, tier: row.tier, coded: contribution });
  }
  const counting = new Set(coded.map((row) => row.customer_id));
  const stale = kept.map((row) => row.customer_id).filter((id) => !counting.has(id));
  for (let start = 0; start < stale.length; start += 20_000) {
    const ids = JSON.stringify(stale.slice(start, start + 20_000));
    await tx.execute(sql`delete from period_theme_counted where workspace_id = ${workspaceId} and period = ${period}
      and customer_id in (select json_array_elements_text(${ids}::json)::uuid)`);
  }
  // In slices, so no single parameter grows with the quarter (some megabytes of JSON for 100,000 customers).
  for (let start = 0; start < coded.length; start += 20_000) {
    const slice = JSON.stringify(coded.slice(start, start + 20_000));
    // One statement: both writes see the rows as they were before it, and touch disjoint customers.
    await tx.execute(sql`with fresh as materialized (
        select x.customer_id, x.tier, x.coded from json_to_recordset(${slice}::json) as x(customer_id uuid, tier text, coded jsonb)
      ), changed as (
        update period_theme_counted t set tier = f.tier, coded = f.coded from fresh f
        where t.workspace_id = ${workspaceId} and t.period = ${period} and t.customer_id = f.customer_id
          and (t.tier, t.coded) is distinct from (f.tier, f.coded)
      )
      insert into period_theme_counted (workspace_id, period, customer_id, tier, coded)
      select ${workspaceId}::uuid, ${period}, f.customer_id, f.tier, f.coded from fresh f
      where not exists (select 1 from period_theme_counted t where t.workspace_id = ${workspaceId} and t.period = ${period} and t.customer_id = f.customer_id)`);
  }
  const rows = applyThemeDelta([], coding.matcher.themes.length, [], coded)!;
  await storeThemes(tx, workspaceId, period, rows, coding.key);
  return rows;
}

/**
 * Drops the period's counts: the next theme reader codes it afresh. The
 * rows stay, unused until then, so that coding writes only those that
 * changed.
 */
async function forgetThemes(tx: Database, workspaceId: string, period: string): Promise<void> {
  await storeThemes(tx, workspaceId, period, null, null);
}

/**
 * The theme part of a rollup drain, in the reader's transaction under the
 * period's row lock, after the frequency tables' part: `customers` were taken
 * off the queue (their texts may have changed), `recounted` says the tables
 * were counted afresh (which codes or drops the themes too). With `coding`
 * (a theme reader), the themes end up kept for that coding, coded afresh if
 * need be; without (a reader of the tables only), counts that would need a
 * full coding are dropped instead, so the tables' readers never pay for one.
 */
export async function drainThemes(
  tx: Database,
  workspaceId: string,
  period: string,
  change: { customers: readonly string[]; recounted: boolean; coding?: ThemeCoding },
): Promise<void> {
  const [state] = await selectRows<{ themes: unknown; coding: string | null }>(
    tx,
    sql`select themes, themes_coding as coding from period_rollups where workspace_id = ${workspaceId} and period = ${period}`,
  );
  const stored = state?.coding == null ? null : storedThemeRows(state.themes);
  const wanted = change.coding;
  const codeAfresh = async () => {
    if (wanted !== undefined) await recodeThemes(tx, workspaceId, period, wanted);
    else if (state?.coding != null) await forgetThemes(tx, workspaceId, period);
  };
  if (change.recounted || stored === null) return codeAfresh();
  if (wanted !== undefined && wanted.key !== state!.coding) return codeAfresh();
  if (change.customers.length === 0) return;
  // The workspace's coding now, read in this transaction (the theme list may have changed since the counts were stored).
  const coding = wanted ?? (await workspaceThemeCoding(tx, workspaceId));
  if (coding.key !== state!.coding) return codeAfresh();
  const ids = JSON.stringify(change.customers);
  const removed = await selectRows<{ tier: string; coded: CodedTexts }>(
    tx,
    sql`delete from period_theme_counted where workspace_id = ${workspaceId} and period = ${period}
          and customer_id in (select json_array_elements_text(${ids}::json)::uuid)
        returning tier, coded`,
  );
  const texts = await selectRows<CountedTextsRow>(tx, countedTextsSql(workspaceId, period, ids));
  const added = await insertCoded(tx, workspaceId, period, coding.matcher, texts);
  const rows = applyThemeDelta(stored, coding.matcher.themes.length, removed, added);
  // Counts that drifted from the rows: coded afresh (or dropped for the next theme reader).
  if (rows === null) return codeAfresh();
  await storeThemes(tx, workspaceId, period, rows, coding.key);
}
