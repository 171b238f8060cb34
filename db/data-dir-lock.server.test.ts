import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError, processStartTime } from './data-dir-lock.server';

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
    expect(fs.readFileSync(lockFile, 'utf8').split(' ')[0]).toBe(String(process.pid));
    release();
    expect(fs.existsSync(lockFile)).toBe(false);
  });

  it('refuses a folder whose lock names a live process with its start time', async () => {
    const dataDir = tempDataDir();
    fs.mkdirSync(dataDir);
    const started = processStartTime(process.ppid);
    fs.writeFileSync(path.join(path.dirname(dataDir), '.data.lock'), started === null ? String(process.ppid) : `${process.ppid} ${started}`);
    await expect(acquireDataDirLock(dataDir)).rejects.toThrow(`pid ${process.ppid}`);
  });

  it('takes over a lock whose pid now belongs to another process (a restart reused it)', async () => {
    const dataDir = tempDataDir();
    fs.mkdirSync(dataDir);
    const lockFile = path.join(path.dirname(dataDir), '.data.lock');
    // The parent is alive, but did not start at tick 1: the lock was left by an earlier process with its pid.
    fs.writeFileSync(lockFile, `${process.ppid} 1`);
    const release = await acquireDataDirLock(dataDir);
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(`${process.pid} ${processStartTime(process.pid)}`);
    release();
  });
});
