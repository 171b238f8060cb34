import type { Database, DatabaseHandle } from '../db/client.server';

// The server entry (app/server.ts) and the Remix build are loaded as separate
// module graphs; a global is the one place both see, so there is exactly one
// database handle per process (one PGlite instance per data folder).
declare global {
  // eslint-disable-next-line no-var
  var __wouldmissDatabase: DatabaseHandle | undefined;
}

/** Makes the opened database the process's database. Called once at start. */
export function setDatabase(handle: DatabaseHandle | undefined): void {
  globalThis.__wouldmissDatabase = handle;
}

export function databaseHandle(): DatabaseHandle {
  const handle = globalThis.__wouldmissDatabase;
  if (!handle) throw new Error('The database is not open: start the app with `npm start`.');
  return handle;
}

/** The process's database, for loaders and actions. */
export function db(): Database {
  return databaseHandle().db;
}
