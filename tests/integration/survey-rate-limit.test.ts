import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unknownTokenLimit } from '../../app/surveys/answering.server';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/db';
import { createSurveyWorkspace, inviteCustomer } from '../support/survey-fixtures';

// In a file of its own: every request of the test app comes from 127.0.0.1,
// so the counter this test fills would limit other tests.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let app: Awaited<ReturnType<typeof startTestApp>>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await startTestApp(database);
});
afterAll(async () => {
  await app.close();
  await database.dispose();
});

describe('guessing survey links', () => {
  it('limits unknown and malformed tokens per client address, and keeps real links working', async () => {
    const workspace = await createSurveyWorkspace(database.db, { name: 'Guarded Co' });
    const { path } = await inviteCustomer(database.db, workspace, { locale: 'en' });
    const guesser = app.client();
    for (let i = 0; i < unknownTokenLimit.limit; i++) {
      const guess = i % 3 === 0 ? '/s/bad' : `/s/${String(i).padStart(43, 'g')}`;
      expect((await guesser.get(guess)).status, guess).toBe(404);
    }
    const limited = await guesser.get(`/s/${'h'.repeat(43)}`, { 'Accept-Language': 'en' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(limited.headers.get('X-Robots-Tag')).toBe('noindex, nofollow');
    expect(await limited.text()).toContain('too many attempts');
    const posted = await guesser.post(`/s/${'i'.repeat(43)}?step=0`, { step: '0', miss_us: 'very' });
    expect(posted.status).toBe(429);

    // A customer behind the same address still reaches their survey.
    const real = await app.client().get(path);
    expect(real.status).toBe(200);
    expect(await real.text()).toContain('Guarded Co');
  });

  it('counts the address a trusted proxy forwards, the same on every path under /s/', async () => {
    // Pages of well-formed tokens are answered before Express (app/http/survey-pages.server.ts); the proxy trust must hold there too.
    const proxied = await startTestApp(database, { TRUST_PROXY: '1' });
    try {
      const from = (address: string) => ({ 'X-Forwarded-For': address });
      for (let i = 0; i < unknownTokenLimit.limit; i++) {
        const guess = i % 3 === 0 ? '/s/bad' : `/s/${String(i).padStart(43, 'p')}`;
        expect((await proxied.client().get(guess, from('203.0.113.5'))).status, guess).toBe(404);
      }
      expect((await proxied.client().get(`/s/${'q'.repeat(43)}`, from('203.0.113.5'))).status).toBe(429);
      expect((await proxied.client().get('/s/bad', from('203.0.113.5'))).status).toBe(429);
      expect((await proxied.client().get(`/s/${'q'.repeat(43)}`, from('203.0.113.6'))).status).toBe(404);
    } finally {
      await proxied.close();
    }
  });
});
