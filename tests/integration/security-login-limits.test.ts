import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createWorkspaceWithOwner, PASSWORD } from '../support/fixtures';

// Guessing a password: attempts are counted before the password is checked,
// so parallel guesses get no more tries than sequential ones; the limits are
// per account and address, so an attacker cannot lock the real user out; and
// behind a proxy (TRUST_PROXY=1) a client cannot choose its own address by
// writing X-Forwarded-For.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  // One proxy in front: the address it appends (the last entry) is the client's.
  app = await startTestApp(database, { TRUST_PROXY: '1' });
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

/** A login post as it arrives through the proxy: whatever the client wrote, then the address the proxy saw. */
function loginThroughProxy(email: string, password: string, clientAddress: string, forged = `198.51.100.${randomBytes(1)[0]}`) {
  return fetch(`${app.base}/login`, {
    method: 'POST',
    headers: { Origin: app.base, 'Accept-Language': 'en', 'X-Forwarded-For': `${forged}, ${clientAddress}` },
    body: new URLSearchParams({ email, password }),
    redirect: 'manual',
  });
}

describe('password guessing', () => {
  it('checks at most 5 of 40 parallel guesses, and the owner still gets in from elsewhere', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Parallel Guesses');
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => loginThroughProxy(owner.email, `guess ${i}`, '203.0.113.66')));
    const statuses = answers.map((answer) => answer.status);
    // 400: the guess was checked and wrong; 429: refused before checking.
    expect(statuses.filter((status) => status === 400).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(35);
    expect(statuses.every((status) => status === 400 || status === 429)).toBe(true);
    const limited = answers.find((answer) => answer.status === 429)!;
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);

    // The attacker, even with the right password now, waits; the owner from their own address does not.
    expect((await loginThroughProxy(owner.email, PASSWORD, '203.0.113.66')).status).toBe(429);
    const real = await loginThroughProxy(owner.email, PASSWORD, '192.0.2.10');
    expect(real.status).toBe(302);
    expect(real.headers.get('Location')).toBe('/app');
  });

  it('cannot be spread over made-up X-Forwarded-For addresses', async () => {
    const owner = await createWorkspaceWithOwner(database.db, 'Rotating Headers');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await loginThroughProxy(owner.email, `guess ${i}`, '203.0.113.77', `10.0.${i}.1`)).status);
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses.slice(5)).toEqual(Array(7).fill(429));
  });

  it('limits one address across many accounts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await loginThroughProxy(`nobody${i}@example.com`, 'guess', '203.0.113.88')).status);
    expect(statuses.filter((status) => status === 400).length).toBe(20);
    expect(statuses.slice(20)).toEqual([429, 429]);
    // Another address is not affected.
    expect((await loginThroughProxy('nobody0@example.com', 'guess', '203.0.113.89')).status).toBe(400);
  });
});
