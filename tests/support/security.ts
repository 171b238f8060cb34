import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { selectRows, type Database } from '../../db/client.server';

// Shared tools of the security tests (tests/integration/security-*.test.ts):
// the route list of the build, digests of stored data, a seeded random
// source, and the header and leak checks.

interface BuildRoute {
  id: string;
  path?: string;
  index?: boolean;
  parentId?: string;
  module: { action?: unknown; loader?: unknown; default?: unknown };
}

export interface AppRoute {
  id: string;
  /** The full path pattern, e.g. `/app/customers/:customerId`. */
  path: string;
  hasAction: boolean;
  hasLoader: boolean;
  /** An index route: a form posts to it with `?index`, or the post goes to its layout. */
  isIndex: boolean;
  /** A resource route (no component): CSV downloads, the API, webhooks. */
  isResource: boolean;
}

/** Every route of the current build with its full path, so a new route shows up in the tests by itself. */
export async function buildRoutes(): Promise<AppRoute[]> {
  const build = (await import(pathToFileURL(path.resolve('build/index.js')).href)) as { routes: Record<string, BuildRoute> };
  const fullPath = (route: BuildRoute) => {
    const parts: string[] = [];
    for (let current: BuildRoute | undefined = route; current; current = current.parentId ? build.routes[current.parentId] : undefined) {
      if (current.path) parts.unshift(current.path);
    }
    return `/${parts.join('/')}`;
  };
  return Object.values(build.routes)
    .filter((route) => route.id !== 'root')
    .map((route) => ({
      id: route.id,
      path: fullPath(route),
      hasAction: typeof route.module.action === 'function',
      hasLoader: typeof route.module.loader === 'function',
      isIndex: route.index === true,
      isResource: typeof route.module.default !== 'function',
    }))
    .sort((a, b) => a.path.localeCompare(b.path) || a.id.localeCompare(b.id));
}

/** Where a form of the route posts to: its path, with `?index` for an index route. */
export function actionUrl(route: Pick<AppRoute, 'path' | 'isIndex'>, values: Record<string, string>): string {
  return fillPath(route.path, values) + (route.isIndex ? '?index' : '');
}

/** Fills `:param` segments from `values`; fails loudly when a value is missing, so a new parameter needs a case. */
export function fillPath(pattern: string, values: Record<string, string>): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`No test value for the route parameter :${name} of ${pattern}`);
    return encodeURIComponent(value);
  });
}

/**
 * Tables whose rows legitimately change on a refused request: counters of
 * failed attempts, and the last-seen time of a session.
 */
const BOOKKEEPING_TABLES = new Set(['rate_limits', 'sessions', '__drizzle_migrations']);

/** Columns that record use, not data: an API key's last use is stamped on every authenticated call, refused or not. */
const BOOKKEEPING_COLUMNS: Record<string, string[]> = { api_keys: ['last_used_at'] };

/** Rows that record use, not data: every login adds a sign-in to the audit log (the members list shows the last one). */
const BOOKKEEPING_ROWS: Record<string, string> = { audit_log: `t.action <> 'member.signed_in'` };

/** A row of `table` as text for a digest, without its bookkeeping columns. */
function rowText(table: string): string {
  const skipped = BOOKKEEPING_COLUMNS[table];
  return skipped ? `(to_jsonb(t) - array[${skipped.map((column) => `'${column}'`).join(', ')}])::text` : 't::text';
}

/** The condition that leaves a table's bookkeeping rows out of its digest. */
const rowFilter = (table: string) => BOOKKEEPING_ROWS[table] ?? 'true';

/** The application's tables (public schema), without bookkeeping. */
export async function dataTables(db: Database): Promise<string[]> {
  const rows = await selectRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  return rows.map((row) => row.name).filter((name) => !BOOKKEEPING_TABLES.has(name));
}

/**
 * One md5 per table over every row's text, in one statement; equal digests
 * mean no row was added, removed or changed.
 */
export async function tableDigests(db: Database, tables: string[]): Promise<Record<string, string>> {
  const parts = tables.map(
    (table) => `select '${table}' as name, md5(coalesce(string_agg(${rowText(table)}, '|' order by ${rowText(table)}), '')) as digest from "${table}" t where ${rowFilter(table)}`,
  );
  const rows = await selectRows<{ name: string; digest: string }>(db, sql.raw(parts.join(' union all ')));
  return Object.fromEntries(rows.map((row) => [row.name, row.digest]));
}

/** The tables whose digest differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(after).filter((table) => before[table] !== after[table]);
}

// The fuzzing's PRNG: the same seed gives the same requests, so a failure is
// reproduced with `SECURITY_SEED=<seed>`.
export { seededRandom, type Random } from '../../db/seed/random';

/** The seed of this run: `SECURITY_SEED` or a fresh one, printed so a failure can be replayed. */
export function runSeed(label: string): number {
  const seed = process.env.SECURITY_SEED ? Number(process.env.SECURITY_SEED) : Math.floor(Math.random() * 2 ** 31);
  console.info(`[${label}] seed ${seed} (replay with SECURITY_SEED=${seed})`);
  return seed;
}

/** The headers every response of the app must carry, whatever its kind. */
export function expectSecurityHeaders(response: Response, what: string) {
  const csp = response.headers.get('Content-Security-Policy') ?? '';
  expect(csp, `${what}: Content-Security-Policy`).toMatch(/default-src 'self'/);
  expect(csp, `${what}: frame-ancestors`).toContain("frame-ancestors 'none'");
  // Browsers use the last policy they know of a comma-separated list (Referrer Policy spec, section 8.1).
  const referrerPolicy = (response.headers.get('Referrer-Policy') ?? '').split(',').at(-1)!.trim();
  expect(referrerPolicy, `${what}: Referrer-Policy`).toMatch(/^(same-origin|no-referrer|strict-origin|strict-origin-when-cross-origin)$/);
  expect(response.headers.get('X-Content-Type-Options'), `${what}: X-Content-Type-Options`).toBe('nosniff');
  expect(response.headers.get('X-Powered-By'), `${what}: X-Powered-By`).toBeNull();
}

/**
 * Each secret a customer must never see, with the forms it may be written in.
 * Numbers are searched as written in German and English, with and without
 * thousands separators.
 */
export function secretForms(secrets: Record<string, string | number>): Array<{ name: string; form: string }> {
  const forms: Array<{ name: string; form: string }> = [];
  for (const [name, value] of Object.entries(secrets)) {
    if (typeof value === 'number') {
      const variants = new Set([
        String(value),
        value.toFixed(2),
        new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(value),
        new Intl.NumberFormat('de-DE', { maximumFractionDigits: 2 }).format(value),
        new Intl.NumberFormat('de-DE', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value),
        new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value),
        new Intl.NumberFormat('de-CH', { maximumFractionDigits: 2 }).format(value),
        String(Math.round(value)),
      ]);
      for (const form of variants) forms.push({ name, form });
    } else {
      const variants = new Set([value, value.toLowerCase(), encodeURIComponent(value), escapeForHtml(value)]);
      for (const form of variants) forms.push({ name, form });
    }
  }
  return forms;
}

function escapeForHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;');
}

/** The names of the secrets found in `text` (case-insensitive). */
export function leaksIn(text: string, forms: Array<{ name: string; form: string }>): string[] {
  const haystack = text.toLowerCase();
  return [...new Set(forms.filter(({ form }) => haystack.includes(form.toLowerCase())).map(({ name }) => name))];
}

/** A response as one text: status, every header (with Location and Set-Cookie) and the body. */
export async function responseAsText(response: Response): Promise<string> {
  const headers = [...response.headers.entries()].map(([name, value]) => `${name}: ${value}`).join('\n');
  return `${response.status}\n${headers}\n\n${await response.text()}`;
}

/**
 * One md5 per table over the rows of one workspace (tables with a
 * `workspace_id` column), to prove another workspace's requests left it alone.
 */
export async function workspaceDigests(db: Database, workspaceId: string): Promise<Record<string, string>> {
  const rows = await selectRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.columns where table_schema = 'public' and column_name = 'workspace_id' order by table_name`,
  );
  const tables = rows.map((row) => row.name).filter((name) => !BOOKKEEPING_TABLES.has(name));
  if (!/^[0-9a-f-]{36}$/.test(workspaceId)) throw new Error(`Not a workspace id: ${workspaceId}`);
  const parts = tables.map(
    (table) =>
      `select '${table}' as name, md5(coalesce(string_agg(${rowText(table)}, '|' order by ${rowText(table)}), '')) as digest from "${table}" t where t.workspace_id = '${workspaceId}' and ${rowFilter(table)}`,
  );
  const digests = await selectRows<{ name: string; digest: string }>(db, sql.raw(parts.join(' union all ')));
  return Object.fromEntries(digests.map((row) => [row.name, row.digest]));
}
