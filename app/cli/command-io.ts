import fs, { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
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

/** A file a command writes: complete under its name only once committed. */
export interface OutputFile {
  stream: Writable;
  /** Gives the file its name (after the stream has finished); resolves to the name to print. */
  commit(): Promise<string>;
  /** Leaves no file behind. */
  abort(): Promise<void>;
}

/**
 * The files a command writes. On the command line they are files on disk;
 * when the running app carries out the command, the bytes stream back to the
 * command line, which writes the file where it was asked to (decision 0023).
 */
export interface OutputFiles {
  /** Throws an error with code EEXIST when the file (or a FILE.partial) exists, and never overwrites one. */
  create(path: string): Promise<OutputFile>;
}

/**
 * Writes FILE as FILE.partial (opened exclusively) and renames it when
 * committed, so a failed or interrupted command never leaves a file that
 * looks complete.
 */
export const diskOutputs: OutputFiles = {
  async create(file) {
    const target = path.resolve(file);
    const partial = `${target}.partial`;
    if (fs.existsSync(target)) throw Object.assign(new Error(`${target} exists already.`), { code: 'EEXIST' });
    // Another command may be writing the same name: its .partial is not ours to remove.
    const fd = fs.openSync(partial, 'wx');
    return {
      stream: fs.createWriteStream(partial, { fd }),
      commit: async () => {
        fs.renameSync(partial, target);
        return target;
      },
      abort: async () => fs.rmSync(partial, { force: true }),
    };
  },
};

/** Where a database command writes, reads and finds its database. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** The database; without it the command opens the configured one itself and closes it when done. */
  openDatabase?: () => Promise<{ db: Database; close(): Promise<void> }>;
  /** The files named in the arguments; the disk without it. */
  files?: InputFiles;
  /** The files the command writes; the disk without it. */
  outputs?: OutputFiles;
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
  /** The paths among the arguments that the command writes; the CLI writes them from what the app sends back. */
  outputFiles?(argv: string[]): string[];
  /** The arguments with defaults the command line must know before handing over (the name of the file a backup writes). */
  completeArgv?(argv: string[]): string[];
  /** The most bytes of input files the app accepts for one run (a file over it is described, not sent). */
  maxInputBytes?: number;
  /** Resolves to the exit code; validates its arguments itself, as on the command line. */
  run(argv: string[], io: CommandIo): Promise<number>;
}
