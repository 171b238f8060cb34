/**
 * The verbatims page's theme filter. Which answers name a theme is decided by
 * the coding in app/analysis/themes.ts, not by SQL, so the answers the other
 * filters select are read and coded here; the review links to a theme with
 * its quarter and tier, a few thousand answers at most. Pages are counted
 * in matches (`after` is the number already shown).
 */
import type { Database } from '../../db/client.server';
import { listVerbatims, type Verbatim, type VerbatimCampaign, type VerbatimFilters } from '../reports/verbatims.server';
import type { ThemeField } from '../analysis/themes';
import { workspaceThemeMatcher } from './themes.server';

/** The coding's name of each verbatim item: negated mentions count by the item's rule (docs/themes.md). */
const FIELD_OF_ITEM: Record<Verbatim['item'], ThemeField> = { miss_most: 'missMost', alternative: 'alternative', improve: 'improve' };

/** Answers read for one theme filter; beyond this the page says the count is a lower bound. */
export const THEME_SCAN_LIMIT = 20_000;

export interface ThemeVerbatims {
  rows: Verbatim[];
  next: string | null;
  total: number;
  /** The other filters selected more answers than were read. */
  truncated: boolean;
}

/** The answers the filters select that name `themeId` (an unknown id selects none). */
export async function themeVerbatims(
  db: Database,
  workspaceId: string,
  campaignId: VerbatimCampaign,
  filters: VerbatimFilters,
  themeId: string,
  options: { limit: number; after?: string | null },
): Promise<ThemeVerbatims> {
  const matcher = await workspaceThemeMatcher(db, workspaceId);
  if (!matcher.themes.some((theme) => theme.key === themeId)) return { rows: [], next: null, total: 0, truncated: false };
  const read = await listVerbatims(db, workspaceId, campaignId, filters, THEME_SCAN_LIMIT + 1);
  const truncated = read.length > THEME_SCAN_LIMIT;
  const matching = read.slice(0, THEME_SCAN_LIMIT).filter((verbatim) => matcher.themesIn(verbatim.text, FIELD_OF_ITEM[verbatim.item]).includes(themeId));
  const start = Math.min(Number.parseInt(options.after ?? '0', 10) || 0, matching.length);
  const end = start + options.limit;
  return { rows: matching.slice(start, end), next: end < matching.length ? String(end) : null, total: matching.length, truncated };
}
