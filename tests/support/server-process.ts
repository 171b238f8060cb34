import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../db/client.server';
import { pgliteTypeOptions } from '../../db/pglite-types';
import { createNamedPostgresDatabase } from './campaign-fixtures';
import { testDriver } from './db';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A database that both the test and real server processes open in turn: a
 * PGlite data folder (made from the migrated template; only one process may
 * have it open, so the test closes its handle before a server starts) or a
 * PostgreSQL database of its own on the run's server.
 */
export interface SharedDatabase {
  /** The variables that point a server process at this database. */
  env: Record<string, string>;
  /** The folder holding a PGlite data folder and its lock, or null on PostgreSQL. */
  folder: string | null;
  /** Opens the database in the test process (again). */
  open(): Promise<DatabaseHandle>;
  dispose(): Promise<void>;
}

export async function createSharedDatabase(): Promise<SharedDatabase> {
  if (testDriver === 'postgres') {
    const database = await createNamedPostgresDatabase();
    return {
      env: { DATABASE_URL: database.url },
      folder: null,
      // The test keeps one pool open beside the server's.
      open: async () => ({ ...database, close: async () => {} }),
      dispose: () => database.dispose(),
    };
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'wouldmiss-server-'));
  const dataDir = path.join(folder, 'data');
  const template = await readFile(inject('pgliteTemplate'));
  const client = new PGlite(dataDir, { loadDataDir: new Blob([template]), ...pgliteTypeOptions });
  await client.waitReady;
  await client.close();
  return {
    env: { DATA_DIR: dataDir },
    folder,
    open: () => openDatabase({ driver: 'pglite', dataDir }, { migrate: false }),
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
}

export interface ServerProcess {
  base: string;
  child: ChildProcess;
  output: () => string;
  /** Sends a signal to the server's process group, as a process manager does. */
  signal(signal: NodeJS.Signals): void;
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ServerProcess>();

/** Kills what a failed test left running. */
export function killLeftoverServers(): void {
  for (const server of running) server.signal('SIGKILL');
}

/**
 * Starts the real server as `npm start` does (`node --import tsx
 * app/server.ts`, built app included) in a process group of its own, and
 * resolves once it listens.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const { DATABASE_URL: _url, DATA_DIR: _dir, DEMO_SEED: _demo, APP_URL: _app, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/server.ts'], {
    cwd: root,
    env: { ...inherited, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', APP_URL: `http://127.0.0.1:${port}`, DEMO_SEED: 'false', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const server: ServerProcess = {
    base: `http://127.0.0.1:${port}`,
    child,
    output: () => output,
    signal: (signal) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // Already gone.
      }
    },
    exited,
  };
  running.add(server);
  void exited.then(() => running.delete(server));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Wouldmiss is ready')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then(({ code, signal }) => {
      clearInterval(timer);
      reject(new Error(`The server stopped (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  return server;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
