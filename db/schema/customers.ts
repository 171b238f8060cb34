import { sql } from 'drizzle-orm';
import { check, date, index, numeric, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './accounts';
import { createdAt, id, periodCheck, ts } from './columns';
import { workspaces, workspaceTiers } from './workspaces';

/**
 * A surveyed person or company. Erasure blanks the personal columns and sets
 * `erasedAt`; the row stays so anonymous answers keep their tier in the aggregates.
 */
export const customers = pgTable(
  'customers',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    email: text('email'),
    name: text('name'),
    company: text('company'),
    locale: text('locale', { enum: ['de', 'en'] }).notNull().default('de'),
    /** The member who looks after this customer; new flags are assigned to them. */
    accountOwnerId: uuid('account_owner_id').references(() => users.id, { onDelete: 'set null' }),
    /** Attributes from the import for the product/market-fit engine (docs/pmf-engine.md); all optional. */
    industry: text('industry'),
    /** Employee band (`1-9`, `10-49`, `50-249`, `250-999`, `1000+`); a count in the import is stored as its band. */
    size: text('size'),
    region: text('region'),
    /** The date the customer relationship began; years as customer are counted from it. */
    customerSince: date('customer_since'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    erasedAt: ts('erased_at'),
  },
  (t) => [
    uniqueIndex('customers_external_id_key').on(t.workspaceId, t.externalId),
    index('customers_email_idx').on(t.workspaceId, t.email),
    index('customers_name_idx').on(t.workspaceId, t.name, t.id),
    index('customers_account_owner_idx').on(t.workspaceId, t.accountOwnerId),
    // The overview counts the customers not erased on every view: an index-only count instead of reading the table.
    index('customers_active_idx').on(t.workspaceId).where(sql`erased_at is null`),
  ],
);

export const tierSources = ['import', 'abc', 'api', 'manual'] as const;

/** The tier a customer had in one period; history is kept, one row per customer and period. */
export const tierAssignments = pgTable(
  'tier_assignments',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id').notNull().references(() => customers.id, { onDelete: 'cascade' }),
    period: text('period').notNull(),
    tierId: uuid('tier_id').notNull().references(() => workspaceTiers.id, { onDelete: 'restrict' }),
    revenue: numeric('revenue', { precision: 16, scale: 2 }),
    margin: numeric('margin', { precision: 16, scale: 2 }),
    source: text('source', { enum: tierSources }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('tier_assignments_customer_period_key').on(t.customerId, t.period),
    // Covers the join of a period's responses to their tiers as an index-only scan.
    index('tier_assignments_period_idx').on(t.workspaceId, t.period, t.customerId, t.tierId),
    check('tier_assignments_period_format', periodCheck('period')),
    check('tier_assignments_revenue_positive', sql`${t.revenue} is null or ${t.revenue} >= 0`),
  ],
);

export const suppressionReasons = ['unsubscribed', 'bounced', 'complained', 'manual'] as const;

/** Addresses never written to again. Emails stored lower-cased. */
export const suppressions = pgTable(
  'suppressions',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    reason: text('reason', { enum: suppressionReasons }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('suppressions_email_key').on(t.workspaceId, t.email)],
);
