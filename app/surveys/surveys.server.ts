import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { surveys, surveyVersions } from '../../db/schema';

/** Active surveys of a workspace with their latest version. */
export async function listSurveys(db: Database, workspaceId: string) {
  const rows = await db
    .selectDistinctOn([surveys.id], {
      id: surveys.id,
      name: surveys.name,
      version: surveyVersions.version,
      definition: surveyVersions.definition,
      frozenAt: surveyVersions.frozenAt,
    })
    .from(surveys)
    .innerJoin(surveyVersions, eq(surveyVersions.surveyId, surveys.id))
    .where(and(eq(surveys.workspaceId, workspaceId), isNull(surveys.archivedAt)))
    .orderBy(surveys.id, desc(surveyVersions.version));
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    version: row.version,
    customQuestions: row.definition.questions.length,
    frozen: row.frozenAt !== null,
  }));
}
