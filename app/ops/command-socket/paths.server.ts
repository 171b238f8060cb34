import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the app listens for commands while it holds a PGlite data folder:
 * a folder beside the data folder's lock file (`.data.control` next to
 * `.data.lock`), 0700, holding the socket (0600) and a token file (0600).
 * It lives beside the data folder rather than in it because PGlite owns the
 * data folder's contents (a dump of the folder must not carry a socket).
 */
export function commandSocketPaths(dataDir: string): { folder: string; socket: string; token: string } {
  const resolved = path.resolve(dataDir);
  const folder = path.join(resolved, '..', `.${path.basename(resolved)}.control`);
  return { folder, socket: path.join(folder, 'cli.sock'), token: path.join(folder, 'token') };
}

/** Unix socket paths are limited to 107 bytes on Linux (108 with the closing zero). */
export const MAX_SOCKET_PATH_BYTES = 107;

/**
 * Why the folder may not be trusted, or null when it may: it must be a real
 * folder (no symlink) of this process's user that nobody else can enter.
 */
export function untrustedFolderReason(folder: string): string | null {
  let info: fs.Stats;
  try {
    info = fs.lstatSync(folder);
  } catch (error) {
    return `it cannot be read (${(error as NodeJS.ErrnoException).code})`;
  }
  if (info.isSymbolicLink() || !info.isDirectory()) return 'it is not a folder';
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) return `it belongs to user ${info.uid}, not to you (${uid})`;
  if ((info.mode & 0o077) !== 0) return `other users may enter it (mode ${(info.mode & 0o777).toString(8)})`;
  return null;
}
