import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { campaigns, surveys, surveyVersions } from '../../db/schema';
import { isUuid } from '../customers/customers.server';
import { nextQuestionKey, parseSurveyDefinition, type DefinitionEdit, type SurveyDefinition } from './definition';

/** Active surveys of a workspace with their latest version. */
export async function listSurveys(db: Database, workspaceId: string) {
  const rows = await db
    .selectDistinctOn([surveys.id], {
      id: surveys.id,
      name: surveys.name,
      createdAt: surveys.createdAt,
      version: surveyVersions.version,
      definition: surveyVersions.definition,
      frozenAt: surveyVersions.frozenAt,
    })
    .from(surveys)
    .innerJoin(surveyVersions, eq(surveyVersions.surveyId, surveys.id))
    .where(and(eq(surveys.workspaceId, workspaceId), isNull(surveys.archivedAt)))
    .orderBy(surveys.id, desc(surveyVersions.version));
  return rows
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map((row) => ({
      id: row.id,
      name: row.name,
      version: row.version,
      customQuestions: row.definition.questions.length,
      frozen: row.frozenAt !== null,
    }));
}

// Qualified by hand: drizzle leaves column names unqualified in single-table selects.
const campaignCount = sql<number>`(select count(*) from ${campaigns} where ${campaigns}.survey_version_id = ${surveyVersions}.id)::int`;

/**
 * One survey of the workspace with all its versions, newest first, or null
 * (also for another workspace's id). A version is locked when it is frozen
 * or any campaign uses it: editing it then creates a new version.
 */
export async function getSurvey(db: Database, workspaceId: string, surveyId: string) {
  if (!isUuid(surveyId)) return null;
  const [survey] = await db
    .select({ id: surveys.id, name: surveys.name })
    .from(surveys)
    .where(and(eq(surveys.id, surveyId), eq(surveys.workspaceId, workspaceId), isNull(surveys.archivedAt)));
  if (!survey) return null;
  const rows = await db
    .select({
      id: surveyVersions.id,
      version: surveyVersions.version,
      definition: surveyVersions.definition,
      frozenAt: surveyVersions.frozenAt,
      createdAt: surveyVersions.createdAt,
      campaigns: campaignCount,
    })
    .from(surveyVersions)
    .where(eq(surveyVersions.surveyId, survey.id))
    .orderBy(desc(surveyVersions.version));
  const versions = rows.map((row) => ({
    id: row.id,
    version: row.version,
    definition: parseSurveyDefinition(row.definition),
    createdAt: row.createdAt,
    campaigns: row.campaigns,
    locked: row.frozenAt !== null || row.campaigns > 0,
  }));
  return { ...survey, versions, latest: versions[0]! };
}

/** A new survey with the core items and no custom questions yet. */
export async function createSurvey(db: Database, workspaceId: string, name: string): Promise<string> {
  return db.transaction(async (tx) => {
    const [survey] = await tx.insert(surveys).values({ workspaceId, name }).returning({ id: surveys.id });
    await tx.insert(surveyVersions).values({ workspaceId, surveyId: survey!.id, version: 1, definition: { questions: [] } });
    return survey!.id;
  });
}

export type SurveyChange = { ok: true; version: number } | { ok: false; error: 'not_found' | 'too_many_questions' };

/**
 * Applies an edit to a survey's latest version. A locked version (frozen, or
 * used by a campaign) is never changed: the edit becomes a new version. The
 * survey row is locked for the transaction, so two editors cannot both
 * create "the next" version.
 */
export async function changeSurvey(
  db: Database,
  workspaceId: string,
  surveyId: string,
  edit: (definition: SurveyDefinition, context: { nextQuestionKey: string }) => DefinitionEdit,
): Promise<SurveyChange> {
  if (!isUuid(surveyId)) return { ok: false, error: 'not_found' };
  return db.transaction(async (tx) => {
    const [survey] = await tx
      .select({ id: surveys.id })
      .from(surveys)
      .where(and(eq(surveys.id, surveyId), eq(surveys.workspaceId, workspaceId), isNull(surveys.archivedAt)))
      .for('update');
    if (!survey) return { ok: false, error: 'not_found' } as const;
    const versions = await tx
      .select({ id: surveyVersions.id, version: surveyVersions.version, definition: surveyVersions.definition, frozenAt: surveyVersions.frozenAt, campaigns: campaignCount })
      .from(surveyVersions)
      .where(eq(surveyVersions.surveyId, survey.id))
      .orderBy(asc(surveyVersions.version));
    const latest = versions[versions.length - 1]!;
    const definitions = versions.map((version) => parseSurveyDefinition(version.definition));
    const result = edit(definitions[definitions.length - 1]!, { nextQuestionKey: nextQuestionKey(definitions) });
    if (!result.ok) return result;
    const definition = parseSurveyDefinition(result.definition);
    if (latest.frozenAt !== null || latest.campaigns > 0) {
      await tx.insert(surveyVersions).values({ workspaceId, surveyId: survey.id, version: latest.version + 1, definition });
      return { ok: true, version: latest.version + 1 } as const;
    }
    await tx.update(surveyVersions).set({ definition }).where(eq(surveyVersions.id, latest.id));
    return { ok: true, version: latest.version } as const;
  });
}

/**
 * Freezes a survey version, e.g. when a campaign starts using it. Idempotent;
 * the campaigns code calls it (editing already treats any version that a
 * campaign references as frozen).
 */
export async function freezeSurveyVersion(db: Database, versionId: string): Promise<void> {
  await db.update(surveyVersions).set({ frozenAt: sql`now()` }).where(and(eq(surveyVersions.id, versionId), isNull(surveyVersions.frozenAt)));
}

/** The latest version of a survey, the one a new campaign should use. */
export async function latestSurveyVersion(db: Database, workspaceId: string, surveyId: string) {
  if (!isUuid(surveyId)) return null;
  const [row] = await db
    .select({ id: surveyVersions.id, version: surveyVersions.version })
    .from(surveyVersions)
    .where(and(eq(surveyVersions.surveyId, surveyId), eq(surveyVersions.workspaceId, workspaceId)))
    .orderBy(desc(surveyVersions.version))
    .limit(1);
  return row ?? null;
}
