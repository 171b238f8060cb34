import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.server';
import { apiKeys, users } from '../../db/schema';
import { recordAudit } from '../auth/audit.server';
import { randomToken, tokenHash } from '../auth/tokens.server';
import { legacyScopes, type ApiScope } from '../api/scopes';
import { isUuid } from './customers.server';

/** Keys start with this, so that secret scanners and people recognise them. */
const KEY_PREFIX = 'wm_';
/** Last use is written at most this often per key, so that busy integrations do not write on every call. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/**
 * Creates an API key for one workspace. The key is returned once and never
 * stored: the database keeps its SHA-256 and its first characters.
 */
export async function createApiKey(db: Database, input: { workspaceId: string; name: string; createdBy: string; scopes?: readonly ApiScope[] }) {
  const scopes = input.scopes ?? legacyScopes;
  const key = `${KEY_PREFIX}${randomToken(32)}`;
  const prefix = key.slice(0, KEY_PREFIX.length + 6);
  const [row] = await db
    .insert(apiKeys)
    .values({ workspaceId: input.workspaceId, name: input.name, prefix, keyHash: tokenHash(key), scopes: [...scopes], createdBy: input.createdBy })
    .returning({ id: apiKeys.id });
  await recordAudit(db, { workspaceId: input.workspaceId, actorUserId: input.createdBy, action: 'api_key.created', subjectType: 'api_key', subjectId: row!.id, details: { name: input.name, prefix, scopes: scopes.join(' ') } });
  return { id: row!.id, key, prefix };
}

/** The workspace's keys, newest first, revoked ones included. */
export async function listApiKeys(db: Database, workspaceId: string) {
  return db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      createdAt: apiKeys.createdAt,
      createdByName: users.name,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.workspaceId, workspaceId))
    .orderBy(desc(apiKeys.createdAt));
}

/** Revokes a key of the workspace at once; false when there is no such active key. */
export async function revokeApiKey(db: Database, workspaceId: string, keyId: string, actorUserId: string): Promise<boolean> {
  if (!isUuid(keyId)) return false;
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id, name: apiKeys.name });
  if (!row) return false;
  await recordAudit(db, { workspaceId, actorUserId, action: 'api_key.revoked', subjectType: 'api_key', subjectId: row.id, details: { name: row.name } });
  return true;
}

export interface ApiKeyIdentity {
  keyId: string;
  workspaceId: string;
  /** Shown in histories where the key acted, since a key has no member behind it. */
  name: string;
  scopes: string[];
}

/** The workspace an active key belongs to, recording its use; null for unknown or revoked keys. */
export async function authenticateApiKey(db: Database, key: string): Promise<ApiKeyIdentity | null> {
  if (!key.startsWith(KEY_PREFIX) || key.length > 200) return null;
  const [row] = await db
    .select({ id: apiKeys.id, workspaceId: apiKeys.workspaceId, name: apiKeys.name, scopes: apiKeys.scopes, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, tokenHash(key)), isNull(apiKeys.revokedAt)));
  if (!row) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_SECONDS * 1000) {
    await db.update(apiKeys).set({ lastUsedAt: sql`now()` }).where(eq(apiKeys.id, row.id));
  }
  return { keyId: row.id, workspaceId: row.workspaceId, name: row.name, scopes: row.scopes };
}
