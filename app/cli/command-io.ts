import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Database } from '../../db/client.server';

/**
 * The files a command reads. On the command line they are the files on disk;
 * when the running app carries out the command, they are the copies the
 * command line read and sent, so the app never opens a path given to it.
 */
export interface InputFiles {
  /** Rejects like `fs.stat` when the file cannot be read. */
  stat(path: string): Promise<{ size: number; isFile: boolean }>;
  open(path: string): AsyncIterable<Uint8Array>;
}

export const diskFiles: InputFiles = {
  async stat(path) {
    const info = await stat(path);
    return { size: info.size, isFile: info.isFile() };
  },
  open: (path) => createReadStream(path, { highWaterMark: 256 * 1024 }),
};

/** Where a database command writes, reads and finds its database. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** The database; without it the command opens the configured one itself and closes it when done. */
  openDatabase?: () => Promise<{ db: Database; close(): Promise<void> }>;
  /** The files named in the arguments; the disk without it. */
  files?: InputFiles;
}

/**
 * A command that needs only a database handle, output streams and the files
 * named in its arguments. Such a command can run in the CLI process or, while
 * the app holds the embedded database, inside the app (decision 0023). A
 * command that needs the app stopped (restore, transfer) is no such command.
 */
export interface DatabaseCommand {
  /** The paths among the arguments that the command reads; the CLI reads them and sends them to the app. */
  inputFiles?(argv: string[]): string[];
  /** The most bytes of input files the app accepts for one run (a file over it is described, not sent). */
  maxInputBytes?: number;
  /** Resolves to the exit code; validates its arguments itself, as on the command line. */
  run(argv: string[], io: CommandIo): Promise<number>;
}
