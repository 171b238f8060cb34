import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO } from '../../db/seed/demo.server';
import { TestClient } from '../support/app';
import { testDriver } from '../support/db';

// `npm start` on an empty database: the demo (logins with a published
// password) starts by itself only when APP_URL is a localhost address, and
// the start log says so in one line. The real server process, on its own
// embedded database folder.

const children = new Set<ChildProcess>();
const folders: string[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts app/server.ts and resolves with its log once it listens. */
async function startServer(env: Record<string, string>): Promise<{ log: () => string; base: string; stop: () => void }> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'wouldmiss-demo-start-'));
  folders.push(dataDir);
  const { DEMO_SEED: _ignored, APP_URL: _alsoIgnored, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/server.ts'], {
    env: { ...inherited, DATABASE_URL: '', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', RUN_WORKER: 'false', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Wouldmiss is ready')) {
        clearInterval(timer);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`The server stopped (${code}):\n${output}`));
    });
  });
  return { log: () => output, base: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

describe.runIf(testDriver === 'pglite')('the demo at start', () => {
  it('does not start on a public APP_URL, and the log says how to start it', { timeout: 180_000 }, async () => {
    const server = await startServer({ APP_URL: 'https://surveys.example.com' });
    try {
      const lines = server.log().split('\n');
      expect(lines).toContain('Demo: off, because APP_URL (https://surveys.example.com) is not a localhost address; DEMO_SEED=true starts it anyway.');
      expect(server.log()).not.toContain('Demo logins');
      const client = new TestClient(server.base);
      const login = await client.post('/login', { email: DEMO.members[0]!.email, password: DEMO.password });
      expect(login.status).toBe(400);
    } finally {
      server.stop();
    }
  });

  it('starts on localhost, marks its accounts as demo, and the log says how to turn it off', { timeout: 300_000 }, async () => {
    const server = await startServer({});
    try {
      expect(server.log().split('\n')).toContain('Demo: on, because APP_URL is a localhost address; set DEMO_SEED=false to start without it.');
      expect(server.log()).toContain('Demo logins');
      const client = new TestClient(server.base);
      expect((await client.post('/login', { email: DEMO.members[0]!.email, password: DEMO.password })).status).toBe(302);
      // The demo's members speak German.
      const page = await (await client.get('/app')).text();
      expect(page).toContain('Demo-Zugang: Beispieldaten und ein öffentlich bekanntes Passwort.');
    } finally {
      server.stop();
    }
  });
});
