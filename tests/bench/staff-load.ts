/**
 * Staff reading pages in a loop, for the live and embedded benchmarks
 * (tests/bench/live.ts, tests/bench/embedded.ts): `clients` clients, each
 * loading the pages one after another (client i starts at page i) as a
 * browser loads a document: the HTML of the full page with the session
 * cookie, gzip accepted. Closed loop: a client asks for its next page when
 * the previous one has arrived. Every latency is kept per page.
 */
import { TestClient } from '../support/app';
import { percentile } from './support';

export interface StaffPage {
  name: string;
  path: string;
}

export interface StaffPageResult {
  name: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  /** Responses other than 200, e.g. `302×3`; empty when all were 200. */
  other: string;
}

/** Logs a member in through the login form and returns the session cookie. */
export async function staffCookie(origin: string, email: string, password: string): Promise<string> {
  const client = new TestClient(origin);
  const response = await client.login(email, password);
  await response.arrayBuffer();
  if (response.status !== 302 && response.status !== 303) throw new Error(`Logging in as ${email} answered ${response.status}`);
  return client.cookieHeader;
}

/** Runs the loop until `stop()`; `stop` resolves with each page's figures once every client's page in hand has arrived. */
export function staffLoop(origin: string, pages: StaffPage[], options: { clients: number; cookie: string }) {
  const times = new Map(pages.map((page) => [page.name, [] as number[]]));
  const others = new Map(pages.map((page) => [page.name, new Map<number, number>()]));
  let stopped = false;
  const clients = Array.from({ length: options.clients }, async (_, client) => {
    for (let turn = client; !stopped; turn++) {
      const page = pages[turn % pages.length]!;
      const begin = performance.now();
      const response = await fetch(origin + page.path, { headers: { cookie: options.cookie, 'accept-encoding': 'gzip' }, redirect: 'manual' });
      await response.arrayBuffer();
      times.get(page.name)!.push(performance.now() - begin);
      if (response.status !== 200) others.get(page.name)!.set(response.status, (others.get(page.name)!.get(response.status) ?? 0) + 1);
    }
  });
  return {
    async stop(): Promise<StaffPageResult[]> {
      stopped = true;
      await Promise.all(clients);
      return pages.map(({ name }) => {
        const values = times.get(name)!;
        return {
          name,
          count: values.length,
          p50: values.length ? percentile(values, 50) : Number.NaN,
          p95: values.length ? percentile(values, 95) : Number.NaN,
          p99: values.length ? percentile(values, 99) : Number.NaN,
          other: [...others.get(name)!].map(([status, count]) => `${status}×${count}`).join(' '),
        };
      });
    },
  };
}

/** The staff loop for `seconds`. */
export async function staffLoopFor(origin: string, pages: StaffPage[], options: { clients: number; cookie: string; seconds: number }) {
  const loop = staffLoop(origin, pages, options);
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
  return loop.stop();
}
