import { accessSync, constants, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the Chromium binary, or '' when none was found (the tests then skip). */
    chromiumPath: string;
  }
}

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
export default function setup({ provide }: TestProject) {
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
}
