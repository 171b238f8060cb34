/**
 * `cli themes --workspace ID|SLUG`: prints a workspace's theme list as JSON,
 * in the form `cli analyze --themes FILE` reads (app/themes/theme-file.ts).
 * A database command: while the app holds the embedded database, the app
 * carries it out (decision 0023). `analyze --workspace` reads the list
 * through it.
 */
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { eq, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../../db/client.server';
import { workspaces } from '../../db/schema';
import type { ThemeDefinition } from '../analysis/themes';
import { parseThemeFile, themeFileOf } from '../themes/theme-file';
import { listThemes, themeDefinitions } from '../themes/themes.server';
import type { CommandIo, DatabaseCommand } from './command-io';

export const THEMES_USAGE = 'themes --workspace ID|SLUG';

const workspaceArgument = z.string({ error: '--workspace is required' }).trim().min(1, '--workspace is required').max(200, '--workspace is too long');

/** The theme list of the workspace with this id or slug; null when there is none. */
export async function workspaceThemeList(db: Database, workspace: string): Promise<ThemeDefinition[] | null> {
  const byId = z.uuid().safeParse(workspace).success;
  const [found] = await db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(byId ? or(eq(workspaces.id, workspace), eq(workspaces.slug, workspace)) : eq(workspaces.slug, workspace));
  if (!found) return null;
  return themeDefinitions(await listThemes(db, found.id));
}

export async function runThemes(argv: string[], io: CommandIo): Promise<number> {
  let workspace: string;
  try {
    const { values } = parseArgs({ args: argv, options: { workspace: { type: 'string' } }, strict: true, allowPositionals: false });
    const parsed = workspaceArgument.safeParse(values.workspace);
    if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join('; '));
    workspace = parsed.data;
  } catch (error) {
    io.stderr.write(`themes: ${(error as Error).message}\nusage: npm run cli -- ${THEMES_USAGE}\n`);
    return 2;
  }
  const handle = await (io.openDatabase ?? openConfigured)();
  try {
    const themes = await workspaceThemeList(handle.db, workspace);
    if (themes === null) {
      io.stderr.write(`themes: no workspace with the id or slug "${workspace}"\n`);
      return 2;
    }
    io.stdout.write(`${JSON.stringify(themeFileOf(themes), null, 2)}\n`);
    return 0;
  } finally {
    await handle.close();
  }
}

/**
 * The theme list of a workspace for `analyze --workspace`: from `io`'s
 * database when it has one, else by the `themes` command, which the running
 * app carries out when it holds the embedded database. Problems are written
 * to `stderr`; null then.
 */
export async function fetchWorkspaceThemes(
  workspace: string,
  io: Pick<CommandIo, 'stderr' | 'openDatabase'>,
  command: DatabaseCommand,
): Promise<ThemeDefinition[] | null> {
  const chunks: string[] = [];
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const argv = ['--workspace', workspace];
  const code = io.openDatabase ? await runThemes(argv, { stdout, stderr: io.stderr, openDatabase: io.openDatabase }) : await runHere(argv, stdout, io.stderr, command);
  if (code !== 0) return null;
  const parsed = parseThemeFile(chunks.join(''));
  if (!parsed.ok) {
    io.stderr.write(`the theme list of workspace "${workspace}" could not be read: ${parsed.problems.join('; ')}\n`);
    return null;
  }
  return parsed.themes;
}

/** As run-database-command.ts does, with the output kept here. */
async function runHere(argv: string[], stdout: Writable, stderr: NodeJS.WritableStream, command: DatabaseCommand): Promise<number> {
  const [{ env: loadEnv }, { dataDirHolder }, { handOverCommand }] = await Promise.all([
    import('../config/env.server'),
    import('../../db/data-dir-lock.server'),
    import('../ops/command-socket/client.server'),
  ]);
  const env = loadEnv();
  if (!env.DATABASE_URL) {
    const holder = dataDirHolder(env.DATA_DIR);
    if (holder !== null) return handOverCommand({ dataDir: env.DATA_DIR, holder }, 'themes', command, argv, { stdout, stderr });
  }
  return command.run(argv, { stdout, stderr });
}

async function openConfigured() {
  const [{ env }, { openConfiguredDatabase }] = await Promise.all([import('../config/env.server'), import('../config/database.server')]);
  return openConfiguredDatabase(env());
}
