import { existsSync } from 'node:fs';
import path from 'node:path';
import { eq, like, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../app/customers/api-keys.server';
import { customers, responses } from '../../db/schema';
import { testDriver } from '../support/db';
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
afterAll(async () => {
  killLeftoverServers();
  await shared?.dispose();
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
});
