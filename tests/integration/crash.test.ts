import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { eq, like, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../app/customers/api-keys.server';
import { customers, responses, workspaces } from '../../db/schema';
import { generatedCsv } from '../support/customer-fixtures';
import { testDriver } from '../support/db';
import { selectRows } from '../../db/client.server';
import { createSharedDatabase, killLeftoverServers, startServerProcess, type SharedDatabase } from '../support/server-process';
import { createSurveyWorkspace, inviteCustomer } from '../support/survey-fixtures';
import { answerContinuously } from '../support/survey-load';

// `kill -9` of the app on the embedded database, in the middle of customers'
// answers and of customer imports: it starts again on the same folder by
// itself (the lock of the dead process is taken over), every acknowledged
// answer is there, and every import is there in full or not at all.
// PostgreSQL's own crash safety is not ours to test.

const INVITED = 24;
const IMPORT_SIZE = 400;

let shared: SharedDatabase | undefined;
let importing: SharedDatabase | undefined;
let applying: SharedDatabase | undefined;
afterAll(async () => {
  killLeftoverServers();
  await shared?.dispose();
  await importing?.dispose();
  await applying?.dispose();
});

/** Imports of IMPORT_SIZE customers each through the API, one after another, until stopped; records the acknowledged ones. */
function importContinuously(base: string, key: string) {
  const acknowledged: number[] = [];
  let started = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const batch = ++started;
      const body = { customers: Array.from({ length: IMPORT_SIZE }, (_, i) => ({ externalId: `B${batch}-${i}`, email: `b${batch}.${i}@import.example`, name: `Kunde ${i}` })) };
      try {
        const response = await fetch(`${base}/api/v1/customers`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        await response.arrayBuffer();
        if (response.status === 200) acknowledged.push(batch);
      } catch {
        return;
      }
    }
  })();
  return { acknowledged, started: () => started, done, stop: () => ((stopped = true), done) };
}

describe.runIf(testDriver === 'pglite')('kill -9 on the embedded database', () => {
  it('starts again on the same folder with every acknowledged answer and no half import', { timeout: 90_000 }, async () => {
    shared = await createSharedDatabase();
    let handle = await shared.open();
    const survey = await createSurveyWorkspace(handle.db);
    const invited = [];
    for (let i = 0; i < INVITED; i++) invited.push(await inviteCustomer(handle.db, survey));
    // Scopes are given for API keys that carry them; a key without scopes may import anyway.
    const keyInput = { workspaceId: survey.workspaceId, name: 'CRM', createdBy: survey.owner.userId, scopes: ['customers:write'] as const };
    const { key } = await createApiKey(handle.db, keyInput);
    await handle.close();

    const server = await startServerProcess({ ...shared.env, RUN_WORKER: 'false' });
    const answers = answerContinuously(server.base, invited.map((one) => one.token), 2);
    const imports = importContinuously(server.base, key);
    // Killed once answers and one import are in, with the next import on its way.
    while (answers.acknowledged.size < 5 || imports.acknowledged.length < 1 || imports.started() <= imports.acknowledged.length) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    server.signal('SIGKILL');
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await Promise.all([answers.stop(), imports.stop()]);
    const lockFile = path.join(shared.folder!, '.data.lock');
    expect(existsSync(lockFile)).toBe(true);

    // No manual steps: the same folder, the same command.
    const again = await startServerProcess({ ...shared.env, RUN_WORKER: 'false' });
    const late = answerContinuously(again.base, invited.slice(-1).map((one) => one.token), 1);
    await late.done;
    expect(late.acknowledged.size).toBe(1);
    again.signal('SIGTERM');
    expect(await again.exited, again.output()).toEqual({ code: 0, signal: null });
    expect(existsSync(lockFile)).toBe(false);

    handle = await shared.open();
    const acknowledged = new Map([...answers.acknowledged, ...late.acknowledged]);
    const byToken = new Map(invited.map((one) => [one.token, one.invitation.id]));
    for (const [token, value] of acknowledged) {
      const [row] = await handle.db.select({ missUs: responses.missUs }).from(responses).where(eq(responses.invitationId, byToken.get(token)!));
      expect(row?.missUs, token).toBe(value);
    }
    for (let batch = 1; batch <= imports.started(); batch++) {
      const [row] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(customers).where(like(customers.externalId, `B${batch}-%`));
      const count = Number(row!.n);
      if (imports.acknowledged.includes(batch)) expect(count, `import ${batch}`).toBe(IMPORT_SIZE);
      else expect([0, IMPORT_SIZE], `import ${batch}`).toContain(count);
    }
    await handle.close();
  });

  it('keeps none of a file import killed while it writes, and imports the file after the restart', { timeout: 300_000 }, async () => {
    const folder = (importing = await createSharedDatabase());
    const handle = await folder.open();
    const survey = await createSurveyWorkspace(handle.db);
    const [{ slug }] = (await handle.db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, survey.workspaceId))) as [{ slug: string }];
    await handle.close();
    const file = path.join(folder.folder!, 'crash-import.csv');
    await writeFile(file, generatedCsv(12_000, { prefix: 'crash' }));
    const importFile = (onStderr: (text: string) => void) =>
      new Promise<number | null>((resolve) => {
        const { DATABASE_URL: _url, ...inherited } = process.env;
        const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'import:customers', file, '--workspace', slug, '--period', '2026-Q4'], {
          env: { ...inherited, ...folder.env, LOG_LEVEL: 'silent' },
        });
        child.stderr.setEncoding('utf8').on('data', onStderr);
        child.on('close', resolve);
      });
    const imported = async () => {
      const db = await folder.open();
      const [row] = await db.db.select({ n: sql<number>`count(*)::int` }).from(customers).where(like(customers.externalId, 'crash-%'));
      await db.close();
      return Number(row!.n);
    };

    // The embedded database writes an import in batches into a staging table first (decision 0033): killed meanwhile, nothing is there.
    const server = await startServerProcess({ ...folder.env, RUN_WORKER: 'false' });
    let stderr = '';
    const killed = importFile((text) => {
      stderr += text;
      if (/writing: [1-9][\d,]* of 12,000/.test(stderr) && !stderr.includes('writing: 12,000')) server.signal('SIGKILL');
    });
    expect(await server.exited, stderr).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await killed).not.toBe(0);
    expect(await imported()).toBe(0);

    const again = await startServerProcess({ ...folder.env, RUN_WORKER: 'false' });
    expect(await importFile(() => {})).toBe(0);
    again.signal('SIGTERM');
    expect(await again.exited, again.output()).toEqual({ code: 0, signal: null });
    expect(await imported()).toBe(12_000);
  });

  it('undoes at the restart an import killed while its batches are applied, each committed on its own', { timeout: 300_000 }, async () => {
    const folder = (applying = await createSharedDatabase());
    const handle = await folder.open();
    const survey = await createSurveyWorkspace(handle.db);
    const [{ slug }] = (await handle.db.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, survey.workspaceId))) as [{ slug: string }];
    await handle.close();
    const file = path.join(folder.folder!, 'crash-apply.csv');
    await writeFile(file, generatedCsv(12_000, { prefix: 'applied' }));
    const counts = async () => {
      const db = await folder.open();
      const [row] = await selectRows<{ customers: number; applies: number; undo: number }>(
        db.db,
        sql`select (select count(*)::int from customers where external_id like 'applied-%') as customers,
              (select count(*)::int from customer_import_applies) as applies, (select count(*)::int from customer_import_undo) as undo`,
      );
      await db.close();
      return row!;
    };

    // Killed once some batches are applied (decision 0037): they are committed, with their undo record.
    const server = await startServerProcess({ ...folder.env, RUN_WORKER: 'false' });
    let stderr = '';
    const { DATABASE_URL: _url, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'app/cli/main.ts', 'import:customers', file, '--workspace', slug, '--period', '2026-Q4'], {
      env: { ...inherited, ...folder.env, LOG_LEVEL: 'silent' },
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
      if (/applying: [1-9][\d,]* of 12,000/.test(stderr) && !stderr.includes('applying: 12,000')) server.signal('SIGKILL');
    });
    const killed = new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(await server.exited, stderr).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await killed).not.toBe(0);
    const cut = await counts();
    expect(cut.customers, 'applied before the kill').toBeGreaterThan(0);
    expect(cut.customers).toBeLessThan(12_000);
    expect(cut.applies).toBe(1);

    // The restart undoes it before serving: no trace of the import.
    const again = await startServerProcess({ ...folder.env, RUN_WORKER: 'false' });
    again.signal('SIGTERM');
    expect(await again.exited, again.output()).toEqual({ code: 0, signal: null });
    expect(await counts()).toEqual({ customers: 0, applies: 0, undo: 0 });
  });
});
