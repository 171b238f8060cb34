import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from './data-dir-lock.server';

const dirs: string[] = [];
function tempDataDir() {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'wouldmiss-lock-'));
  dirs.push(parent);
  return path.join(parent, 'data');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('acquireDataDirLock', () => {
  it('refuses a folder held by another live process, naming it', async () => {
    const dataDir = tempDataDir();
    fs.mkdirSync(dataDir);
    // The parent process (vitest's runner) is certainly alive.
    fs.writeFileSync(path.join(path.dirname(dataDir), '.data.lock'), String(process.ppid));
    await expect(acquireDataDirLock(dataDir)).rejects.toThrow(DataDirLockedError);
    await expect(acquireDataDirLock(dataDir)).rejects.toThrow(`pid ${process.ppid}`);
  });

  it('takes over a lock left by a process that is gone, and releases it', async () => {
    const dataDir = tempDataDir();
    fs.mkdirSync(dataDir);
    const lockFile = path.join(path.dirname(dataDir), '.data.lock');
    fs.writeFileSync(lockFile, '999999999');
    const release = await acquireDataDirLock(dataDir);
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});
