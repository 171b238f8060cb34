/**
 * A workspace's theme list: read (with the starter set on first read), edit,
 * and code answers with it. The coding itself is pure (app/analysis/themes.ts).
 */
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { themes, workspaces } from '../../db/schema';
import { STARTER_THEMES } from '../analysis/theme-starter';
import { ThemeMatcher, type ThemeDefinition } from '../analysis/themes';
import { recordAudit } from '../auth/audit.server';
import { MAX_THEMES } from './forms';

export interface StoredTheme {
  id: string;
  position: number;
  nameDe: string;
  nameEn: string;
  keywordsDe: string[];
  keywordsEn: string[];
}

export interface ThemeInput {
  nameDe: string;
  nameEn: string;
  keywordsDe: string[];
  keywordsEn: string[];
}

/**
 * The workspace's themes in order. A workspace whose list was never started
 * gets the starter set here, once (the flag is taken in the same statement
 * that decides, so two first readers do not both insert); every workspace,
 * signed up, invited, made by the command line or the demo, gets it this way.
 */
export async function listThemes(db: Database, workspaceId: string): Promise<StoredTheme[]> {
  await startThemes(db, workspaceId);
  return db
    .select({
      id: themes.id,
      position: themes.position,
      nameDe: themes.nameDe,
      nameEn: themes.nameEn,
      keywordsDe: themes.keywordsDe,
      keywordsEn: themes.keywordsEn,
    })
    .from(themes)
    .where(eq(themes.workspaceId, workspaceId))
    .orderBy(asc(themes.position));
}

async function startThemes(db: Database, workspaceId: string): Promise<void> {
  const [workspace] = await db.select({ startedAt: workspaces.themesStartedAt }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (workspace === undefined || workspace.startedAt !== null) return;
  await db.transaction(async (tx) => {
    const claimed = await tx
      .update(workspaces)
      .set({ themesStartedAt: sql`now()` })
      .where(and(eq(workspaces.id, workspaceId), isNull(workspaces.themesStartedAt)))
      .returning({ id: workspaces.id });
    if (claimed.length === 0) return;
    await tx.insert(themes).values(
      STARTER_THEMES.map((theme, index) => ({
        workspaceId,
        position: index + 1,
        nameDe: theme.name.de,
        nameEn: theme.name.en,
        keywordsDe: [...theme.keywords.de],
        keywordsEn: [...theme.keywords.en],
      })),
    );
  });
}

/** Stored themes as the coding takes them; the key is the theme's id. */
export function themeDefinitions(list: readonly StoredTheme[]): ThemeDefinition[] {
  return list.map((theme) => ({
    key: theme.id,
    name: { de: theme.nameDe, en: theme.nameEn },
    keywords: { de: theme.keywordsDe, en: theme.keywordsEn },
  }));
}

/** The workspace's matcher, ready to code answers. */
export async function workspaceThemeMatcher(db: Database, workspaceId: string): Promise<ThemeMatcher> {
  return new ThemeMatcher(themeDefinitions(await listThemes(db, workspaceId)));
}

export type ThemeChange = { ok: true } | { ok: false; error: 'too_many' | 'not_found' };

export async function addTheme(db: Database, workspaceId: string, actorUserId: string, input: ThemeInput): Promise<ThemeChange> {
  const list = await listThemes(db, workspaceId);
  if (list.length >= MAX_THEMES) return { ok: false, error: 'too_many' };
  // After the last one; once removals have used up the positions at the end, the first free one.
  const used = new Set(list.map((theme) => theme.position));
  const after = (list[list.length - 1]?.position ?? 0) + 1;
  const position = after <= MAX_THEMES ? after : [...Array(MAX_THEMES).keys()].map((n) => n + 1).find((n) => !used.has(n))!;
  await db.insert(themes).values({ workspaceId, position, ...input });
  await recordAudit(db, { workspaceId, actorUserId, action: 'themes.added', subjectType: 'workspace', subjectId: workspaceId, details: { name: input.nameEn } });
  return { ok: true };
}

export async function saveTheme(db: Database, workspaceId: string, actorUserId: string, themeId: string, input: ThemeInput): Promise<ThemeChange> {
  const updated = await db
    .update(themes)
    .set({ ...input, updatedAt: sql`now()` })
    .where(and(eq(themes.id, themeId), eq(themes.workspaceId, workspaceId)))
    .returning({ id: themes.id });
  if (updated.length === 0) return { ok: false, error: 'not_found' };
  await recordAudit(db, { workspaceId, actorUserId, action: 'themes.changed', subjectType: 'workspace', subjectId: workspaceId, details: { themeId, name: input.nameEn } });
  return { ok: true };
}

export async function removeTheme(db: Database, workspaceId: string, actorUserId: string, themeId: string): Promise<ThemeChange> {
  const removed = await db.delete(themes).where(and(eq(themes.id, themeId), eq(themes.workspaceId, workspaceId))).returning({ id: themes.id });
  if (removed.length === 0) return { ok: false, error: 'not_found' };
  await recordAudit(db, { workspaceId, actorUserId, action: 'themes.removed', subjectType: 'workspace', subjectId: workspaceId, details: { themeId } });
  return { ok: true };
}

/**
 * What candidate key words would code in sample answers (one per line): for
 * each sample, whether the key words match it, and the ids of the
 * workspace's themes it names already.
 */
export function previewKeywords(list: readonly StoredTheme[], keywords: { de: string[]; en: string[] }, samples: string) {
  const candidate = new ThemeMatcher([{ key: 'candidate', name: { de: '', en: '' }, keywords }]);
  const existing = new ThemeMatcher(themeDefinitions(list));
  return samples
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, 50)
    .map((sample) => ({ sample, matches: candidate.themesIn(sample).length > 0, themeIds: existing.themesIn(sample) }));
}
