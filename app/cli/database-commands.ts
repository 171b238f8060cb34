import { parseArgs } from 'node:util';
import { MAX_IMPORT_BYTES } from '../customers/import-read';
import type { DatabaseCommand } from './command-io';
import { IMPORT_OPTIONS } from './import-customers';
import { backupFileName } from '../ops/backup/backup.server';

/** The positional arguments of `backup [FILE]`, or null when they do not parse (the command says why). */
function backupPositionals(argv: string[]): string[] | null {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: {} }).positionals;
  } catch {
    return null;
  }
}

/**
 * The commands that the running app may carry out for the command line
 * (decision 0023). Each takes its database from `io.openDatabase` and its
 * files from `io.files`. Add a command here only if it is safe while the app
 * serves customers: it must yield to the event loop between chunks of work
 * and must not need the app stopped (restore and transfer do).
 */
export const databaseCommands: Record<string, DatabaseCommand> = {
  backup: {
    // The file is named here, so the command line can write it when the app makes the backup. The dump
    // does not yield: on PGlite the app answers nothing else until it is done (decision 0033).
    completeArgv: (argv) => (backupPositionals(argv)?.length === 0 ? [...argv, backupFileName()] : argv),
    outputFiles: (argv) => backupPositionals(argv)?.slice(0, 1) ?? [],
    run: async (argv, io) => (await import('./backup')).runBackup(argv, io),
  },
  outbox: {
    run: async (argv, io) => (await import('./outbox')).runOutbox(argv, io),
  },
  themes: {
    run: async (argv, io) => (await import('./themes')).runThemes(argv, io),
  },
  'rollups:rebuild': {
    run: async (argv, io) => (await import('./rollups')).runRollupsRebuild(argv, io),
  },
  'import:customers': {
    inputFiles: (argv) => {
      try {
        return parseArgs({ args: argv, options: IMPORT_OPTIONS, allowPositionals: true, strict: true }).positionals.slice(0, 1);
      } catch {
        return []; // The command itself explains what is wrong with the arguments.
      }
    },
    // A larger file is only described: the import itself reports it as too large.
    maxInputBytes: MAX_IMPORT_BYTES,
    run: async (argv, io) => (await import('./import-customers')).runImportCustomers(argv, io),
  },
};
