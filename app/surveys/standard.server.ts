import type { Database } from '../../db/client.server';
import { surveys, surveyVersions } from '../../db/schema';
import type { Locale } from '../i18n';

const standardName = { de: 'Standardumfrage', en: 'Standard survey' } as const;

/** The survey every new workspace starts with: the core items and no custom questions. */
export async function createStandardSurvey(db: Database, workspaceId: string, locale: Locale) {
  const [survey] = await db.insert(surveys).values({ workspaceId, name: standardName[locale] }).returning();
  const [version] = await db
    .insert(surveyVersions)
    .values({ workspaceId, surveyId: survey!.id, version: 1, definition: { questions: [] } })
    .returning();
  return { survey: survey!, version: version! };
}
