import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  body: string;
  /** The payload, verified with the endpoint's secret by the reference library. */
  payload: unknown;
  verified: boolean;
  status: number;
}

/** What the receiver does with one request: answer with a status, hang, or send a big or slow body. */
export type Behaviour = number | 'hang' | { status: number; bodyBytes: number } | { status: number; trickleMs: number };

/**
 * A real local HTTP receiver that checks every request's Standard Webhooks
 * signature with the reference library (`standardwebhooks`), as a CRM would.
 * `plan` decides each answer in turn; after it runs out the receiver answers 200.
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const plan: Behaviour[] = [];
  let secret: string | null = null;
  let decide: ((body: string) => Behaviour | undefined) | null = null;
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      let payload: unknown = null;
      let verified = false;
      try {
        payload = new Webhook(secret ?? '').verify(body, headers);
        verified = true;
      } catch {
        verified = false;
      }
      const behaviour = plan.shift() ?? decide?.(body) ?? 200;
      const status = typeof behaviour === 'number' ? behaviour : behaviour === 'hang' ? 0 : behaviour.status;
      received.push({ id: headers['webhook-id'] ?? '', timestamp: headers['webhook-timestamp'] ?? '', body, payload, verified, status });
      if (behaviour === 'hang') {
        open.add(response);
        return;
      }
      if (typeof behaviour === 'number') return void response.writeHead(behaviour, { 'Content-Type': 'text/plain' }).end(behaviour < 300 ? 'ok' : 'nope');
      response.writeHead(behaviour.status, { 'Content-Type': 'text/plain' });
      if ('bodyBytes' in behaviour) return void response.end('x'.repeat(behaviour.bodyBytes));
      // A body that trickles in a byte at a time for `trickleMs`.
      open.add(response);
      const started = Date.now();
      const timer = setInterval(() => {
        if (response.destroyed || Date.now() - started > behaviour.trickleMs) {
          clearInterval(timer);
          open.delete(response);
          if (!response.destroyed) response.end();
          return;
        }
        response.write('.');
      }, 20);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    plan,
    useSecret(value: string) {
      secret = value;
    },
    /** Decides answers by body once `plan` is used up; undefined means 200. */
    decideBy(rule: ((body: string) => Behaviour | undefined) | null) {
      decide = rule;
    },
    ids: () => received.map((request) => request.id),
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of open) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
