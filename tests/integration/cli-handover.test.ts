import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandSocketPaths } from '../../app/ops/command-socket/paths.server';
import { encodeFrame, FRAME, FrameReader, PROTOCOL_VERSION } from '../../app/ops/command-socket/protocol';
import { processStartTime } from '../../db/data-dir-lock.server';
import { workspaces } from '../../db/schema';
import { FIXTURES, generatedCsv } from '../support/customer-fixtures';
import { testDriver } from '../support/db';
import { createWorkspaceWithOwner } from '../support/fixtures';
import { createSharedDatabase, killLeftoverServers, startServerProcess, type ServerProcess, type SharedDatabase } from '../support/server-process';
import { createSurveyWorkspace, inviteCustomer } from '../support/survey-fixtures';

// `npm run cli` while the app runs (decision 0023). On PGlite the app holds
// the data folder and carries out database commands that the command line
// hands it over a socket; on PostgreSQL the command line opens the database
// itself. Either way a command prints what it prints without the app.

let shared: SharedDatabase;
let folder: string;
let server: ServerProcess | undefined;
const slugs: string[] = [];
const tokens: string[] = [];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run cli -- …` as an operator runs it, pointed at the shared database. */
function cli(argv: string[], options: { onStderr?: () => void } = {}): Promise<Run> {
  const { DATABASE_URL: _url, DATA_DIR: _dir, ...inherited } = process.env;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', ...argv], {
      env: { ...inherited, ...shared.env, LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      options.onStderr?.();
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Every line of `expected` appears in `actual`, in the same order. */
function expectInOrder(actual: string, expected: string): void {
  const lines = actual.split('\n');
  let at = 0;
  for (const line of expected.trim().split('\n')) {
    const found = lines.indexOf(line, at);
    expect(found, line).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

/** Standard error without the timings, which differ from run to run. */
const untimed = (text: string) => text.replace(/\d+\.\d s\b/g, 'N s');

beforeAll(async () => {
  shared = await createSharedDatabase();
  folder = await mkdtemp(path.join(tmpdir(), 'wouldmiss-handover-'));
  const handle = await shared.open();
  // Sign-up puts a confirmation email in the outbox, so `outbox` has something to list.
  for (const name of ['Ohne App GmbH', 'Mit App GmbH', 'Lang GmbH']) {
    const owner = await createWorkspaceWithOwner(handle.db, name);
    const [row] = await handle.db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, owner.workspaceId));
    slugs.push(row!.slug);
  }
  const survey = await createSurveyWorkspace(handle.db);
  for (let i = 0; i < 200; i++) tokens.push((await inviteCustomer(handle.db, survey)).token);
  await handle.close();
}, 120_000);

afterAll(async () => {
  killLeftoverServers();
  await shared?.dispose();
  await rm(folder, { recursive: true, force: true });
});

// Handing over is for the embedded database only: on PostgreSQL both processes connect to the server, and the command line's own tests cover it.
describe.runIf(testDriver === 'pglite')('npm run cli while the app runs', () => {
  const before: Record<string, Run> = {};

  it('prints outbox, import and analyze results without the app', { timeout: 600_000 }, async () => {
    before.outbox = await cli(['outbox', '--json', '--limit', '50']);
    before.outboxText = await cli(['outbox', '--limit', '50']);
    before.import = await cli(['import:customers', path.join(FIXTURES, 'german-excel.csv'), '--workspace', slugs[0]!, '--period', '2026-Q4', '--json']);
    before.analyze = await cli(['analyze', '--input', path.join('tests/fixtures/analysis', 'separated-tiers.csv'), '--period', '2026-Q2']);
    expect(before.outbox!.code, before.outbox!.stderr).toBe(0);
    expect(before.outbox!.stdout.trim().split('\n').map((line) => JSON.parse(line).kind)).toContain('email_verification');
    expect(before.import!.code, before.import!.stderr).toBe(0);
    expect(JSON.parse(before.import!.stdout)).toMatchObject({ rows: 4, created: 4, imported: true });
  });

  it('prints the same with the app running, which carries the commands out on PGlite', { timeout: 600_000 }, async () => {
    server = await startServerProcess({ ...shared.env, LOG_LEVEL: 'info' });
    const outbox = await cli(['outbox', '--json', '--limit', '50']);
    expect(outbox.code, outbox.stderr).toBe(0);
    // The running app may queue email of its own meanwhile (its flag evaluator sends due quarterly
    // reports): every message listed before is listed again, word for word and in the same order.
    expect(outbox.stderr).toBe(before.outbox!.stderr);
    expectInOrder(outbox.stdout, before.outbox!.stdout);
    const outboxText = await cli(['outbox', '--limit', '50']);
    expect(outboxText.code).toBe(0);
    expectInOrder(outboxText.stdout, before.outboxText!.stdout);

    // The same file into the second workspace: the same summary and the same lines on standard error.
    const imported = await cli(['import:customers', path.join(FIXTURES, 'german-excel.csv'), '--workspace', slugs[1]!, '--period', '2026-Q4', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toBe(before.import!.stdout);
    expect(untimed(imported.stderr)).toBe(untimed(before.import!.stderr));

    const analyzed = await cli(['analyze', '--input', path.join('tests/fixtures/analysis', 'separated-tiers.csv'), '--period', '2026-Q2']);
    expect(analyzed.code, analyzed.stderr).toBe(0);
    expect(analyzed.stdout).toBe(before.analyze!.stdout);

    // Bad arguments and unreadable files get the command line's own messages.
    const badLimit = await cli(['outbox', '--limit', 'many']);
    expect(badLimit).toMatchObject({ code: 2, stdout: '', stderr: '--limit takes a whole number from 1 to 10000\n' });
    const missing = await cli(['import:customers', path.join(folder, 'none.csv'), '--workspace', slugs[1]!, '--period', '2026-Q4']);
    expect(missing).toMatchObject({ code: 2, stderr: `import:customers: cannot read ${path.join(folder, 'none.csv')}\n` });
    const unknownOption = await cli(['outbox', '--everything']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("Unknown option '--everything'");

    // On PGlite the app carried the commands out; PostgreSQL serves both processes, so there the command line connected itself.
    if (testDriver === 'pglite') expect(server.output()).toContain('command from the command line');
    else expect(server.output()).not.toContain('command from the command line');
  });

  /** Customers opening their surveys, two at a time, while a command runs; the views from its first output to its end. */
  async function surveysDuring(argv: string[]): Promise<{ result: Run; during: { start: number; end: number; status: number }[] }> {
    const views: { start: number; end: number; status: number }[] = [];
    let loading = true;
    const lane = async (offset: number) => {
      for (let i = offset; loading; i += 2) {
        const start = Date.now();
        const response = await fetch(`${server!.base}/s/${tokens[i % tokens.length]}`).catch(() => null);
        await response?.arrayBuffer();
        views.push({ start, end: Date.now(), status: response?.status ?? 0 });
      }
    };
    const lanes = [lane(0), lane(1)];
    const started = Date.now();
    let working = Infinity;
    const result = await cli(argv, { onStderr: () => (working = Math.min(working, Date.now())) });
    const finished = Date.now();
    loading = false;
    await Promise.all(lanes);
    expect(views.filter((view) => view.status !== 200)).toEqual([]);
    return { result, during: views.filter((view) => view.start >= Math.min(working, started) && view.end <= finished) };
  }

  it('keeps survey pages answering during a long import', { timeout: 180_000 }, async () => {
    const file = path.join(folder, 'long.csv');
    await writeFile(file, generatedCsv(8_000, { prefix: 'long' }));
    const { result, during } = await surveysDuring(['import:customers', file, '--workspace', slugs[2]!, '--period', '2026-Q4', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: 8_000, created: 8_000, imported: true });
    expect(during.length).toBeGreaterThan(0);
  });

  it('writes a backup made by the app to the command line’s file, and never over an existing one', { timeout: 240_000 }, async () => {
    const file = path.join(folder, 'handed-over.sql.gz');
    const { result, during } = await surveysDuring(['backup', file]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${file}\n`);
    // The long import above is in it: its 8,000 customers and the other workspaces' few.
    const customers = Number(/(\d+) customers/.exec(result.stderr)?.[1]);
    expect(result.stderr).toMatch(/^Backup written: \d+\.\d+ MB, \d+ customers, \d+ responses, \d+ emails/);
    expect(customers).toBeGreaterThanOrEqual(8_000);
    const sqlText = gunzipSync(fs.readFileSync(file)).toString('utf8');
    expect(sqlText).toContain('-- PostgreSQL database dump complete');
    expect(sqlText.match(/^INSERT INTO public\.customers /gm)?.length).toBeGreaterThanOrEqual(8);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    expect(server!.output()).toContain('"command":"backup"');
    expect(during.length).toBeGreaterThan(0);

    const size = fs.statSync(file).size;
    const again = await cli(['backup', file]);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toContain('exists already; choose another name');
    expect(fs.statSync(file).size).toBe(size);
    const noFolder = await cli(['backup', path.join(folder, 'missing', 'b.sql.gz')]);
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toBe(`${path.join(folder, 'missing', 'b.sql.gz')} cannot be written (ENOENT).\n`);
  });
});

// Only the embedded database has a command socket: with PostgreSQL nothing is handed over.
if (testDriver === 'pglite') describe('the command socket', () => {
  const paths = () => commandSocketPaths(shared.env.DATA_DIR!);

  /** Speaks the protocol directly: one request frame, then the app's answer. */
  function rawRequest(payload: Buffer | string, extra?: Buffer): Promise<{ stderr: string; code: number | null }> {
    return new Promise((resolve) => {
      let stderr = '';
      let code: number | null = null;
      const socket = net.createConnection(paths().socket);
      const reader = new FrameReader((type, body) => {
        if (type === FRAME.stderr) stderr += body.toString('utf8');
        if (type === FRAME.exit) code = (JSON.parse(body.toString('utf8')) as { code: number }).code;
      });
      socket.on('connect', () => {
        socket.write(typeof payload === 'string' ? encodeFrame(FRAME.request, payload) : payload);
        if (extra) socket.write(extra);
      });
      socket.on('data', (chunk: Buffer) => reader.push(chunk));
      socket.on('error', () => {});
      socket.on('close', () => resolve({ stderr, code }));
    });
  }

  it('is reachable only by the app’s user and refuses what it does not know', { timeout: 60_000 }, async () => {
    const { folder: control, socket, token: tokenFile } = paths();
    expect(fs.statSync(control).mode & 0o777).toBe(0o700);
    expect(fs.statSync(socket).mode & 0o777).toBe(0o600);
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = fs.readFileSync(tokenFile, 'utf8');
    const request = (fields: Record<string, unknown>) => JSON.stringify({ version: PROTOCOL_VERSION, token, command: 'outbox', argv: [], files: [], ...fields });

    expect(await rawRequest(request({ token: 'f'.repeat(64) }))).toMatchObject({ code: 2, stderr: expect.stringContaining('the token is wrong') });
    // Commands that need the app stopped, or that are not database commands, are never carried out by the app.
    for (const command of ['restore', 'seed', 'worker', 'migrate', '__proto__', 'constructor']) {
      expect(await rawRequest(request({ command }))).toMatchObject({ code: 2, stderr: expect.stringContaining('is not a command the running app carries out') });
    }
    expect(await rawRequest(request({ argv: ['--x'], sneaky: true }))).toMatchObject({ code: 2, stderr: expect.stringContaining('not understood') });
    expect(await rawRequest('not json')).toMatchObject({ code: 2, stderr: expect.stringContaining('not JSON') });
    // A file the arguments do not name, or more bytes than announced.
    expect(await rawRequest(request({ files: [{ path: '/etc/passwd', size: 3, sent: true }] }), encodeFrame(FRAME.data, 'abc'))).toMatchObject({ code: 2, stderr: expect.stringContaining('do not name') });
    const importArgs = ['/tmp/x.csv', '--workspace', slugs[1]!, '--period', '2026-Q4'];
    const overSent = await rawRequest(request({ command: 'import:customers', argv: importArgs, files: [{ path: '/tmp/x.csv', size: 2, sent: true }] }), encodeFrame(FRAME.data, 'abcdef'));
    expect(overSent).toMatchObject({ code: 2, stderr: expect.stringContaining('more file data than announced') });
    // A frame header announcing 2 GB is refused before anything is buffered.
    const huge = Buffer.alloc(5);
    huge.writeUInt8(FRAME.request, 0);
    huge.writeUInt32BE(2 ** 31, 1);
    expect(await rawRequest(huge)).toMatchObject({ code: 2, stderr: expect.stringContaining('over the limit') });

    if (process.getuid?.() === 0) {
      // Another user cannot even reach the socket: the folder is the app user's alone.
      const script = `require('net').createConnection(${JSON.stringify(socket)}).on('error', (e) => { console.log(e.code); }).on('connect', () => { console.log('connected'); process.exit(0); })`;
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { uid: 65534, gid: 65534 });
      expect(stdout.trim()).toBe('EACCES');
    }

    // A control folder others may enter is not trusted by the command line.
    fs.chmodSync(control, 0o755);
    const refused = await cli(['outbox']);
    fs.chmodSync(control, 0o700);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is refused: other users may enter it (mode 755)');
    expect(refused.stdout).toBe('');
  });

  it('fails clearly when neither the app nor the data folder can be reached', { timeout: 180_000 }, async () => {
    // The app stops while its worker dumps the copy for a backup: the dump is cut off, the command line says so, and no file is left.
    const file = path.join(folder, 'cut-off.sql.gz');
    const copies = () => server!.output().split('the copy is dumped in a worker thread').length;
    const earlier = copies();
    const backup = cli(['backup', file]);
    while (copies() === earlier) await new Promise((resolve) => setTimeout(resolve, 20));
    server!.signal('SIGTERM');
    const cutOff = await backup;
    expect(cutOff).toMatchObject({ code: 1, stdout: '' });
    expect(cutOff.stderr).toBe('Backup failed, no file written: The app is stopping; the backup was cut off. Start it again when the app is running.\n');
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(`${file}.partial`)).toBe(false);
    expect((await server!.exited).code).toBe(0);
    expect(fs.existsSync(paths().socket)).toBe(false);
    // Another process (this test) holds the data folder and takes no commands.
    const lockPath = path.join(path.dirname(shared.env.DATA_DIR!), '.data.lock');
    fs.writeFileSync(lockPath, `${process.pid} ${processStartTime(process.pid)}`);
    try {
      const noSocket = await cli(['outbox']);
      expect(noSocket.code).toBe(1);
      expect(noSocket.stderr).toContain(`is in use by another Wouldmiss process (pid ${process.pid}), and its command socket cannot be used (ENOENT)`);
      // A socket file that nobody listens on, as an app killed with SIGKILL leaves it.
      fs.writeFileSync(paths().token, 'a'.repeat(64), { mode: 0o600 });
      const listener = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(paths().socket)}, () => console.log('up'))`]);
      await new Promise((resolve) => listener.stdout.once('data', resolve));
      listener.kill('SIGKILL');
      await new Promise((resolve) => listener.once('exit', resolve));
      expect(fs.lstatSync(paths().socket).isSocket()).toBe(true);
      const silent = await cli(['outbox']);
      expect(silent.code).toBe(1);
      expect(silent.stderr).toContain('does not answer on its command socket (ECONNREFUSED)');
    } finally {
      fs.rmSync(lockPath, { force: true });
    }
    // With nobody holding the folder, the command line opens it itself again.
    const alone = await cli(['outbox', '--json', '--limit', '1']);
    expect(alone.code, alone.stderr).toBe(0);
  });
});
