import { and, asc, count, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { lexiconPhrases, memberships, workspaces, type FlagAlertMode } from '../../db/schema';
import { lexiconPhrasesIn, normalizeForLexicon } from '../analysis/lexicon';
import { recordAudit } from '../auth/audit.server';
import { MAX_PHRASES } from './forms';
import type { ServiceLevel } from './service-level';

/** What the flag settings page shows: the member's alerts, the workspace's service level and phrases. */
export async function getFlagSettings(db: Database, workspaceId: string, userId: string) {
  const [[membership], [workspace], phrases] = await Promise.all([
    db
      .select({ mode: memberships.flagAlerts, role: memberships.role })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId))),
    db
      .select({ highDays: workspaces.flagSlaHighDays, mediumDays: workspaces.flagSlaMediumDays })
      .from(workspaces)
      .where(eq(workspaces.id, workspaceId)),
    listPhrases(db, workspaceId),
  ]);
  return { alertMode: membership?.mode ?? null, role: membership!.role, serviceLevel: workspace as ServiceLevel, phrases };
}

export function listPhrases(db: Database, workspaceId: string) {
  return db
    .select({ id: lexiconPhrases.id, phrase: lexiconPhrases.phrase })
    .from(lexiconPhrases)
    .where(eq(lexiconPhrases.workspaceId, workspaceId))
    .orderBy(asc(lexiconPhrases.normalized));
}

/** The workspace's service level on flags. */
export async function serviceLevelOf(db: Database, workspaceId: string): Promise<ServiceLevel> {
  const [row] = await db
    .select({ highDays: workspaces.flagSlaHighDays, mediumDays: workspaces.flagSlaMediumDays })
    .from(workspaces)
    .where(eq(workspaces.id, workspaceId));
  return row!;
}

export async function setAlertMode(db: Database, workspaceId: string, userId: string, mode: FlagAlertMode | null): Promise<void> {
  await db.update(memberships).set({ flagAlerts: mode }).where(and(eq(memberships.workspaceId, workspaceId), eq(memberships.userId, userId)));
}

export async function setServiceLevel(db: Database, workspaceId: string, actorUserId: string, level: ServiceLevel): Promise<void> {
  await db.update(workspaces).set({ flagSlaHighDays: level.highDays, flagSlaMediumDays: level.mediumDays }).where(eq(workspaces.id, workspaceId));
  await recordAudit(db, { workspaceId, actorUserId, action: 'flags.service_level_set', subjectType: 'workspace', subjectId: workspaceId, details: { ...level } });
}

/**
 * How a candidate phrase would judge sample sentences (one per line): for
 * each, whether the phrase matches (by the lexicon's rule, negations
 * included) and which built-in phrases already match.
 */
export function tryPhrase(phrase: string, samples: string) {
  return samples
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, 20)
    .map((sentence) => ({
      sentence,
      matches: lexiconPhrasesIn(sentence, [phrase]).includes(phrase),
      builtIn: lexiconPhrasesIn(sentence),
    }));
}

export type AddPhraseResult = { ok: true } | { ok: false; error: 'phrase_empty' | 'phrase_exists' | 'phrase_limit' };

export async function addPhrase(db: Database, workspaceId: string, actorUserId: string, phrase: string): Promise<AddPhraseResult> {
  const normalized = normalizeForLexicon(phrase);
  if (normalized === '') return { ok: false, error: 'phrase_empty' };
  const [{ n } = { n: 0 }] = await db.select({ n: count() }).from(lexiconPhrases).where(eq(lexiconPhrases.workspaceId, workspaceId));
  if (n >= MAX_PHRASES) return { ok: false, error: 'phrase_limit' };
  const inserted = await db
    .insert(lexiconPhrases)
    .values({ workspaceId, phrase, normalized, createdBy: actorUserId })
    .onConflictDoNothing()
    .returning({ id: lexiconPhrases.id });
  if (inserted.length === 0) return { ok: false, error: 'phrase_exists' };
  await recordAudit(db, { workspaceId, actorUserId, action: 'flags.phrase_added', subjectType: 'lexicon_phrase', subjectId: inserted[0]!.id, details: { phrase } });
  return { ok: true };
}

export async function removePhrase(db: Database, workspaceId: string, actorUserId: string, phraseId: string): Promise<boolean> {
  const removed = await db
    .delete(lexiconPhrases)
    .where(and(eq(lexiconPhrases.id, phraseId), eq(lexiconPhrases.workspaceId, workspaceId)))
    .returning({ phrase: lexiconPhrases.phrase });
  if (removed.length === 0) return false;
  await recordAudit(db, { workspaceId, actorUserId, action: 'flags.phrase_removed', subjectType: 'lexicon_phrase', subjectId: phraseId, details: { phrase: removed[0]!.phrase } });
  return true;
}
