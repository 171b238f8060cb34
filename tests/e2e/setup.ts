import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the Chromium binary, or '' when none was found (the tests then skip). */
    chromiumPath: string;
    /** Embedded data folders to copy for a server: migrated and empty, and with the demo workspace. */
    e2eDataTemplates: { empty: string; demo: string } | null;
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url));

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function isExecutable(path: string) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** CHROMIUM_PATH wins (and must exist); otherwise the usual Debian/Ubuntu places. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (!isExecutable(configured)) throw new Error(`CHROMIUM_PATH is set to ${configured}, but no executable is there.`);
    return configured;
  }
  return candidates.find(isExecutable) ?? '';
}

function runsInCi() {
  const ci = process.env.CI?.trim().toLowerCase();
  return Boolean(ci) && ci !== 'false' && ci !== '0';
}

/**
 * Global setup of the e2e project: the tests need the built app and a
 * Chromium. Without Chromium they skip locally, but fail in CI, where a
 * silently skipped browser suite would look like a green one.
 */
export default async function setup({ provide }: TestProject) {
  const buildEntry = fileURLToPath(new URL('../../build/index.js', import.meta.url));
  if (!existsSync(buildEntry)) {
    throw new Error('The e2e tests serve the built app, but build/index.js is missing: run npm run build first.');
  }

  const chromiumPath = findChromium();
  if (!chromiumPath) {
    if (runsInCi()) {
      throw new Error(
        'E2E tests cannot run in CI: no Chromium found at ' +
          `${candidates.join(', ')} (install with apt-get install chromium or set CHROMIUM_PATH).`,
      );
    }
    process.stderr.write('E2E tests skipped: no Chromium found (install with apt-get install chromium or set CHROMIUM_PATH)\n');
  }
  provide('chromiumPath', chromiumPath);
  if (!chromiumPath) {
    provide('e2eDataTemplates', null);
    return;
  }

  // Every browser file starts its own server on its own data folder. Creating the
  // database (initdb and migrations) and the demo took each server several seconds
  // of CPU; made once here by the command line's own `migrate` and `seed` (the code
  // the app runs at start), they are copied per server instead.
  const dir = await mkdtemp(path.join(tmpdir(), 'wouldmiss-e2e-templates-'));
  const templates = { empty: path.join(dir, 'empty', 'data'), demo: path.join(dir, 'demo', 'data') };
  await Promise.all([cli(['migrate'], templates.empty), cli(['seed'], templates.demo)]);
  provide('e2eDataTemplates', templates);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

/** `npm run cli -- …` on the embedded database in `dataDir`. */
async function cli(argv: string[], dataDir: string): Promise<void> {
  const { DATABASE_URL: _url, ...env } = process.env;
  try {
    await promisify(execFile)(path.join(root, 'node_modules/.bin/tsx'), ['app/cli/main.ts', ...argv], {
      cwd: root,
      env: { ...env, NODE_ENV: 'production', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`Preparing the e2e data folder with \`cli ${argv.join(' ')}\` failed:\n${stdout}${stderr}`);
  }
}
