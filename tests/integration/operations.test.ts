import { afterAll, describe, expect, it } from 'vitest';
import { TestClient } from '../support/app';
import { PASSWORD } from '../support/fixtures';
import { testDriver } from '../support/db';
import { createSharedDatabase, killLeftoverServers, startServerProcess, type SharedDatabase } from '../support/server-process';
import { createSurveyWorkspace, inviteCustomer } from '../support/survey-fixtures';

// Logs, /readyz and /metrics of the real server, on the run's driver: one JSON
// line per request and per job, without the survey token, the password or
// the customer's address; readiness with the queue's age; Prometheus figures
// per route pattern behind METRICS_TOKEN.

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const steps: Array<Record<string, string>> = [
  { miss_us: 'not' },
  { miss_most: 'Nichts', alternative: 'Ein anderes Büro' },
  { treat_valued: '2', treat_responsive: '2', treat_equal: '1', treat_promise: '2' },
  { benefit: '2', csat: '2', recommend: '3' },
  { improve: 'Ich fühle mich wie ein Kunde zweiter Klasse' },
];

let shared: SharedDatabase | undefined;
afterAll(async () => {
  killLeftoverServers();
  await shared?.dispose();
});

describe('operations', () => {
  it('logs requests and jobs as JSON lines without secrets, and answers /readyz and /metrics', { timeout: 60_000 }, async () => {
    shared = await createSharedDatabase();
    const handle = await shared.open();
    const survey = await createSurveyWorkspace(handle.db, { tierLabels: ['Platin-Kundschaft', 'Silber-Kundschaft', 'Bronze-Kundschaft'] });
    const invited = await inviteCustomer(handle.db, survey);
    await handle.close();
    const server = await startServerProcess({ ...shared.env, METRICS_TOKEN, LOG_LEVEL: 'info' });

    // A customer answers the whole survey (the flag evaluator then judges the response: a job line).
    for (const [step, answers] of steps.entries()) {
      const answer = await fetch(`${server.base}/s/${invited.token}?step=${step}`, {
        method: 'POST',
        body: new URLSearchParams({ step: String(step), intent: 'next', lang: 'en', ...answers }),
        headers: { Origin: server.base, 'X-Request-Id': `req-from-proxy-${step}000` },
        redirect: 'manual',
      });
      expect(answer.status, `step ${step}`).toBe(303);
      expect(answer.headers.get('X-Request-Id')).toBe(`req-from-proxy-${step}000`);
    }
    // A member logs in, once with a wrong password.
    const member = new TestClient(server.base);
    expect((await member.login(survey.owner.email, `${PASSWORD}-wrong`)).status).not.toBe(302);
    expect((await member.login(survey.owner.email, PASSWORD)).status).toBe(302);

    const ready = await fetch(`${server.base}/readyz`);
    expect(ready.status).toBe(200);
    const readiness = (await ready.json()) as { ready: boolean; database: string; migrations: { applied: number; expected: number }; worker: { state: string; oldestQueuedSeconds: number } };
    expect(readiness).toMatchObject({ ready: true, database: 'ok', worker: { state: 'running', oldestQueuedSeconds: 0 } });
    expect(readiness.migrations.applied).toBe(readiness.migrations.expected);
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);

    expect((await fetch(`${server.base}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.base}/metrics`, { headers: { Authorization: 'Bearer wrong-token-of-some-length' } })).status).toBe(401);
    const metrics = await fetch(`${server.base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('Content-Type')).toContain('text/plain');
    const figures = await metrics.text();
    expect(figures).toMatch(/wouldmiss_http_requests_total\{route="\/s\/:token",method="POST",status="303"\} 5/);
    expect(figures).toMatch(/wouldmiss_http_request_duration_seconds_count\{route="\/login",method="POST"\} 2/);
    expect(figures).toMatch(/wouldmiss_email_queue_depth \d+/);
    expect(figures).toContain('wouldmiss_email_oldest_queued_seconds');
    // Pool use: the real server counts around its driver's calls; it has served queries by now.
    expect(figures).toMatch(new RegExp(`wouldmiss_db_connections_max ${testDriver === 'pglite' ? 1 : 10}\n`));
    expect(figures).toMatch(/wouldmiss_db_connections\{state="in_use"\} \d+/);
    expect(figures).toMatch(/wouldmiss_db_waiting \d+/);
    expect(Number(/wouldmiss_db_busy_seconds_total ([\d.e-]+)/.exec(figures)?.[1])).toBeGreaterThan(0);
    expect(figures).not.toContain(invited.token);

    // The flag evaluator's job line comes within a second or two of the answer.
    const deadline = Date.now() + 10_000;
    while (!server.output().includes('"job":"flag-evaluation"') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    server.signal('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });

    const output = server.output();
    const records = output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = records.filter((record) => record.msg === 'request');
    const submission = requests.find((record) => record.route === '/s/:token' && record.method === 'POST');
    expect(submission).toMatchObject({ level: 'info', requestId: 'req-from-proxy-0000', status: 303 });
    expect(typeof submission!.time).toBe('string');
    expect(typeof submission!.durationMs).toBe('number');
    expect(requests.filter((record) => record.route === '/login' && record.method === 'POST')).toHaveLength(2);
    for (const record of requests) expect(Object.keys(record).sort()).toEqual(['durationMs', 'level', 'method', 'msg', 'requestId', 'route', 'status', 'time']);
    expect(records.find((record) => record.msg === 'job' && record.job === 'flag-evaluation')).toMatchObject({ outcome: 'judged', count: 1 });

    // Nothing a customer or member must keep secret, and no tier, anywhere in the output.
    for (const secret of [invited.token, PASSWORD, invited.customer.email!, survey.owner.email, 'Platin-Kundschaft', 'Bronze-Kundschaft']) {
      expect(output, secret).not.toContain(secret);
    }
  });
});
