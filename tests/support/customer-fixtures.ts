import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { hashPassword } from '../../app/auth/password.server';
import { importCustomers, previewImport, type ImportTarget, type SourceOpener } from '../../app/customers/import.server';
import type { Database } from '../../db/client.server';
import { customers, memberships, tierAssignments, users, workspaceTiers } from '../../db/schema';
import type { TestClient } from './app';
import { PASSWORD } from './fixtures';

export const FIXTURES = path.resolve('tests/fixtures/customers');

export function fixture(name: string): Promise<Buffer> {
  return readFile(path.join(FIXTURES, name));
}

/** A file in memory, handed out in small pieces so that chunk boundaries fall everywhere. */
export function memorySource(content: string | Uint8Array, pieceSize = 4096): SourceOpener {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  return () =>
    async function* () {
      for (let i = 0; i < bytes.length; i += pieceSize) yield bytes.subarray(i, i + pieceSize);
    };
}

/** Text as Windows-1252 bytes (for the letters used in tests, the same as Latin-1). */
export function windows1252(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'latin1'));
}

export function importCsv(db: Database, workspaceId: string, content: string | Uint8Array, target: Partial<Omit<ImportTarget, 'workspaceId'>> = {}) {
  return importCustomers(db, { workspaceId, period: '2026-Q4', tiersBy: 'auto', ...target }, memorySource(content));
}

export function previewCsv(db: Database, workspaceId: string, content: string | Uint8Array, target: Partial<Omit<ImportTarget, 'workspaceId'>> = {}) {
  return previewImport(db, { workspaceId, period: '2026-Q4', tiersBy: 'auto', ...target }, memorySource(content));
}

/** `n` customers as CSV with a tier column: `P-0001,p1@example.com,Person 1,A,…`. */
export function generatedCsv(n: number, options: { prefix?: string; tier?: (i: number) => string } = {}): string {
  const prefix = options.prefix ?? 'P';
  const lines = ['external_id,email,name,tier,revenue'];
  for (let i = 1; i <= n; i++) lines.push(`${prefix}-${String(i).padStart(5, '0')},${prefix.toLowerCase()}${i}@example.com,Person ${i},${options.tier?.(i) ?? 'B'},${i * 10}`);
  return `${lines.join('\n')}\n`;
}

export async function customerCount(db: Database, workspaceId: string): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(customers).where(eq(customers.workspaceId, workspaceId));
  return row!.n;
}

/** Tier labels by external id in a period. */
export async function tiersIn(db: Database, workspaceId: string, period: string): Promise<Record<string, string>> {
  const rows = await db
    .select({ externalId: customers.externalId, label: workspaceTiers.label })
    .from(tierAssignments)
    .innerJoin(customers, eq(customers.id, tierAssignments.customerId))
    .innerJoin(workspaceTiers, eq(workspaceTiers.id, tierAssignments.tierId))
    .where(and(eq(tierAssignments.workspaceId, workspaceId), eq(tierAssignments.period, period)));
  return Object.fromEntries(rows.map((row) => [row.externalId, row.label]));
}

/** A marketing member of the workspace, logged in on a new client. */
export async function marketingClient(db: Database, client: TestClient, workspaceId: string): Promise<TestClient> {
  const email = `marketing-${randomUUID().slice(0, 8)}@example.com`;
  const [user] = await db.insert(users).values({ email, name: 'Mia Marketing', passwordHash: await hashPassword(PASSWORD), locale: 'en' }).returning();
  await db.insert(memberships).values({ workspaceId, userId: user!.id, role: 'marketing' });
  const response = await client.login(email, PASSWORD);
  if (response.status !== 302) throw new Error(`Marketing login failed: ${response.status}`);
  return client;
}

/**
 * Imports a CSV file as an owner does in the browser: the upload form
 * (multipart, same origin), then the confirmation of its preview.
 */
export async function importThroughForm(client: TestClient, csv: string, fields: Record<string, string> = { period: '2026-Q4', tiersBy: 'auto' }): Promise<void> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.set(key, value);
  form.set('file', new Blob([csv], { type: 'text/csv' }), 'customers.csv');
  const uploaded = await client.request('/app/customers/import?index', { method: 'POST', body: form, headers: { Origin: client.base } });
  const jobId = /\/app\/customers\/import\/([0-9a-f-]{36})$/.exec(uploaded.headers.get('Location') ?? '')?.[1];
  if (!jobId) throw new Error(`the upload answered ${uploaded.status}`);
  const confirmed = await client.request('/app/customers/import/run', { method: 'POST', body: new URLSearchParams({ jobId }), headers: { Origin: client.base } });
  if (confirmed.status !== 302) throw new Error(`confirming the import answered ${confirmed.status}`);
}
