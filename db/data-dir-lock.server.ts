import fs from 'node:fs';
import path from 'node:path';

/** Thrown when another live process holds the PGlite data folder. */
export class DataDirLockedError extends Error {}

/**
 * PGlite allows one process per data folder and does not guard against a
 * second one itself. A lock file holding the owner's pid makes a second
 * process fail at once; a lock left by a dead process is taken over, so the
 * app starts again by itself after a crash or `kill -9`. Where the system
 * tells (Linux), the lock also holds when its process started: after a
 * restart (a container's, typically) the old pid may belong to another
 * process by now, and a lock whose pid lives with another start time is
 * just as stale.
 */
export async function acquireDataDirLock(dataDir: string): Promise<() => void> {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = lockPathOf(dataDir);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const own = lockContent(process.pid);
      fs.writeFileSync(lockPath, own, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(lockPath, 'utf8') === own) fs.unlinkSync(lockPath);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const [ownerText = '', startedText] = fs.readFileSync(lockPath, 'utf8').trim().split(' ');
      const owner = Number(ownerText);
      const sameProcess = startedText === undefined || processStartTime(owner) === null || processStartTime(owner) === startedText;
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner) && sameProcess) {
        throw new DataDirLockedError(
          `The data folder ${dataDir} is in use by another Wouldmiss process (pid ${owner}). ` +
            'PGlite allows one process at a time: stop that process first, or use PostgreSQL (DATABASE_URL) to run several.',
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new DataDirLockedError(`Could not lock the data folder ${dataDir}.`);
}

/**
 * The pid of the live process that holds the data folder, or null when no
 * other process does (no lock, or a stale one). Reads only; takes nothing.
 */
export function dataDirHolder(dataDir: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(lockPathOf(dataDir), 'utf8');
  } catch {
    return null;
  }
  const [ownerText = '', startedText] = text.trim().split(' ');
  const owner = Number(ownerText);
  if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || !isAlive(owner)) return null;
  const started = processStartTime(owner);
  return startedText === undefined || started === null || started === startedText ? owner : null;
}

function lockPathOf(dataDir: string): string {
  return path.join(path.resolve(dataDir), '..', `.${path.basename(path.resolve(dataDir))}.lock`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `pid` or `pid start-time`, the start time where the system tells it. */
function lockContent(pid: number): string {
  const started = processStartTime(pid);
  return started === null ? String(pid) : `${pid} ${started}`;
}

/** When a process started, in clock ticks since boot (Linux's /proc/<pid>/stat, field 22); null elsewhere. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
