import { sql } from 'drizzle-orm';
import { check, pgTable, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns';
import { workspaces } from './workspaces';

/**
 * A workspace's themes for coding free-text answers (app/analysis/themes.ts):
 * a name and key words in German and English, in the order owners set. A
 * workspace gets the starter set when its list is first read
 * (`workspaces.themes_started_at` records that), so a list emptied on
 * purpose stays empty.
 */
export const themes = pgTable(
  'themes',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    position: smallint('position').notNull(),
    nameDe: text('name_de').notNull(),
    nameEn: text('name_en').notNull(),
    keywordsDe: text('keywords_de').array().notNull().default(sql`'{}'::text[]`),
    keywordsEn: text('keywords_en').array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('themes_workspace_position_key').on(t.workspaceId, t.position),
    check('themes_position_range', sql`${t.position} between 1 and 30`),
  ],
);
