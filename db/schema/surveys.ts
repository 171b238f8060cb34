import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns';
import { workspaces } from './workspaces';

export const surveys = pgTable(
  'surveys',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
    archivedAt: ts('archived_at'),
  },
  (t) => [index('surveys_workspace_idx').on(t.workspaceId)],
);

/**
 * One version of a survey. The core items are always present and not stored
 * here; `definition` holds the custom questions and their order. A version
 * used by a campaign is frozen (`frozenAt`); editing creates a new version.
 */
export const surveyVersions = pgTable(
  'survey_versions',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    surveyId: uuid('survey_id').notNull().references(() => surveys.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<SurveyDefinition>().notNull(),
    frozenAt: ts('frozen_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('survey_versions_survey_version_key').on(t.surveyId, t.version)],
);

/** Stored shape of a survey version's custom part; parsed with zod in app/surveys. */
export interface SurveyDefinition {
  questions: Array<{
    key: string;
    kind: 'single' | 'multiple' | 'scale5' | 'scale10' | 'text';
    required: boolean;
    text: { de: string; en: string };
    options?: Array<{ key: string; text: { de: string; en: string } }>;
  }>;
}
