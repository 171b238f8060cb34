import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, id, ts } from './columns';
import { workspaces } from './workspaces';

export const roles = ['owner', 'marketing'] as const;
export type Role = (typeof roles)[number];

/**
 * How a member hears of flags: each high-severity flag assigned to them at
 * once, a daily digest, or not at all. Null follows the role's default
 * (app/flags/alerts.ts).
 */
export const flagAlertModes = ['immediate', 'digest', 'off'] as const;
export type FlagAlertMode = (typeof flagAlertModes)[number];

/** A staff person. Emails are stored lower-cased, so the unique index is case-insensitive. */
export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    /** The member's interface language; null follows the browser. */
    locale: text('locale', { enum: ['de', 'en'] }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(t.email)],
);

export const memberships = pgTable(
  'memberships',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: roles }).notNull(),
    flagAlerts: text('flag_alerts', { enum: flagAlertModes }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('memberships_workspace_user_key').on(t.workspaceId, t.userId),
    index('memberships_user_idx').on(t.userId),
  ],
);

/** An owner's invitation of a team member; the emailed token is stored only as a hash. */
export const memberInvitations = pgTable(
  'member_invitations',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: roles }).notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: ts('expires_at').notNull(),
    acceptedAt: ts('accepted_at'),
    revokedAt: ts('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('member_invitations_token_key').on(t.tokenHash),
    index('member_invitations_workspace_idx').on(t.workspaceId),
  ],
);

/**
 * An operator's invitation to create a new workspace (SIGNUP=invite), made
 * with `npm run cli -- invite-workspace EMAIL`; only the link token's hash is
 * stored, and the link works once.
 */
export const workspaceInvitations = pgTable(
  'workspace_invitations',
  {
    id: id(),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('workspace_invitations_token_key').on(t.tokenHash)],
);

/** A login session. The cookie holds a random token; only its hash is stored, so a leaked table opens no session. */
export const sessions = pgTable(
  'sessions',
  {
    id: id(),
    tokenHash: text('token_hash').notNull(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('sessions_token_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

/**
 * A "forgot your password" link: single use, short-lived, and only the hash
 * of its token is stored, so a leaked table resets no password.
 */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: id(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    /** Set when the link was used, or when a newer link or a password change made it void. */
    usedAt: ts('used_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('password_resets_token_key').on(t.tokenHash), index('password_resets_user_idx').on(t.userId)],
);

/**
 * Fixed-window counters for rate limits. They live in the database, not in a
 * process, so every app process counts against the same limit.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStartedAt: ts('window_started_at').notNull().defaultNow(),
  count: integer('count').notNull().default(0),
});

/** API keys for CRM sync: shown once, stored as a hash, revocable. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters of the key, shown so owners can tell keys apart. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    /**
     * What the key may do (app/api/scopes.ts). Keys made before scopes
     * existed get `customers:write`, all they could do then.
     */
    scopes: text('scopes').array().notNull().default(sql`'{customers:write}'::text[]`),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_key').on(t.keyHash), index('api_keys_workspace_idx').on(t.workspaceId)],
);

/** Who did what, for privacy requests and member management. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: id(),
    workspaceId: uuid('workspace_id').notNull().references(() => workspaces.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index('audit_log_workspace_idx').on(t.workspaceId, t.createdAt)],
);
