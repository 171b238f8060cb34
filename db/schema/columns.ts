import { sql } from 'drizzle-orm';
import { timestamp, uuid } from 'drizzle-orm/pg-core';

/** Primary key for rows that appear in URLs: random, so ids reveal no counts. */
export const id = () => uuid('id').primaryKey().defaultRandom();

/** Timestamps are stored with time zone and read as JS Dates on both drivers. */
export const createdAt = () =>
  timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A calendar quarter such as `2026-Q4`; checked in the database too. */
export const periodCheck = (column: string) => sql.raw(`${column} ~ '^[0-9]{4}-Q[1-4]$'`);
