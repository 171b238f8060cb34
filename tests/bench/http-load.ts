/**
 * HTTP load for the survey benchmarks (tests/bench/survey.ts and its
 * baseline, tests/bench/baseline-survey.ts), in two shapes:
 *
 * - `fullSpeed`: autocannon, `clients` connections each sending its next
 *   request as soon as the previous one is answered. Gives the throughput
 *   and the server's CPU time per request; its latency is clients ÷
 *   throughput by construction.
 * - `paced`: the same number of clients offering a steady rate in total,
 *   requests spread evenly over time (client i sends at i/rate, (i +
 *   clients)/rate, … seconds). Gives the latency at that rate.
 *
 * Why not autocannon's `overallRate` for the second: it lets each connection
 * send its share of a second's requests back to back at the start of every
 * second, then idle. "1,000 per second" becomes a burst of 1,000 requests at
 * full concurrency followed by silence, and its p95 measures the burst: a
 * server that answers 4,000 pages a second showed 21 ms at "1,000/s" that
 * way, against 2 ms paced (docs/benchmarks.md, "Survey pages").
 *
 * The paced latency of a request is counted from when it was due, not from
 * when it left: a client still waiting for its previous answer sends late,
 * and that wait counts (no "coordinated omission").
 *
 * Each run starts two seconds after the previous one ended, so that the
 * server and PostgreSQL have finished the previous run's work (the last
 * answers, closing 50 connections, autovacuum after many writes).
 */
import { Agent, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { percentile, processGroupCpuMs } from './support';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Paced runs: called with the status once the whole answer has arrived (e.g. to note when a completion was acknowledged). */
  onAnswered?: (status: number) => void;
}

/**
 * What one client sends next, in order: one request (a page view) or several
 * (a customer's steps, each answered before the next is sent). Every visit
 * of a load has the same length.
 */
export type NextVisit = () => LoadRequest[];

export interface LoadResult {
  title: string;
  total: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses by status code, e.g. `200×9000 404×3`. */
  statuses: string;
  /** The server's CPU time per request (from /proc), NaN without a server process. */
  cpuPerRequest: number;
  /** The machine's 1-minute load average when the run ended. */
  load: number;
  /**
   * Paced runs: the load generator's own event-loop delay, p99 in ms. A
   * request it sends late counts as slow; this says how much of that can be
   * the generator's fault (a busy machine, its own garbage collection).
   */
  generatorDelayP99?: number;
}

interface AutocannonRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
}
interface AutocannonInstance extends PromiseLike<{
  requests: { total: number };
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}> {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
}
type Autocannon = (options: { url: string; connections: number; duration: number; requests: AutocannonRequest[] }) => AutocannonInstance;
// autocannon ships no types; this is the part used here.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SETTLE_MS = 2_000;

function statusList(counts: Map<number, number>): string {
  return [...counts]
    .sort(([a], [b]) => a - b)
    .map(([code, count]) => `${code}×${count}`)
    .join(' ');
}

function result(title: string, times: number[], seconds: number, errors: number, statuses: Map<number, number>, cpuMs: number): LoadResult {
  times.sort((a, b) => a - b);
  return {
    title,
    total: times.length,
    perSecond: times.length / seconds,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    errors,
    statuses: statusList(statuses),
    cpuPerRequest: cpuMs / times.length,
    load: loadavg()[0]!,
  };
}

/** Every client sends as fast as the server answers (autocannon). */
export async function fullSpeed(
  title: string,
  origin: string,
  nextVisit: NextVisit,
  options: { clients: number; seconds: number; serverPid?: number },
): Promise<LoadResult> {
  await sleep(SETTLE_MS);
  // The first visit tells the visit length, and is then sent like every other.
  let first: LoadRequest[] | undefined = nextVisit();
  // autocannon keeps one context per connection from the first request of the list to the last.
  const requests: AutocannonRequest[] = Array.from({ length: first.length }, (_, index) => ({
    setupRequest: (request, context) => {
      if (index === 0) {
        context.visit = first ?? nextVisit();
        first = undefined;
      }
      return { ...request, ...(context.visit as LoadRequest[])[index] };
    },
  }));
  const times: number[] = [];
  const cpuBefore = processGroupCpuMs(options.serverPid);
  const instance = autocannon({ url: origin, connections: options.clients, duration: options.seconds, requests });
  instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
  const outcome = await instance;
  const cpuMs = processGroupCpuMs(options.serverPid) - cpuBefore;
  const statuses = new Map(Object.entries(outcome.statusCodeStats).map(([code, stat]) => [Number(code), stat.count]));
  return result(title, times, outcome.duration, outcome.errors + outcome.timeouts, statuses, cpuMs);
}

/** Sends one request on the client's own connection; resolves with the status once the whole answer is read. */
function send(agent: Agent, origin: URL, request: LoadRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = request.body === undefined ? undefined : Buffer.from(request.body);
    const outgoing = httpRequest(
      {
        agent,
        host: origin.hostname,
        port: origin.port,
        method: request.method,
        path: request.path,
        headers: { ...request.headers, ...(body ? { 'Content-Length': body.length } : {}) },
      },
      (response) => {
        response.on('data', () => {});
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/**
 * `clients` clients offering `rate` requests per second in total, evenly
 * spread; latency counted from when each request was due.
 */
export async function paced(
  title: string,
  origin: string,
  nextVisit: NextVisit,
  options: { clients: number; rate: number; seconds: number; serverPid?: number; stopWhen?: () => boolean },
): Promise<LoadResult> {
  await sleep(SETTLE_MS);
  const target = new URL(origin);
  const times: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  const cpuBefore = processGroupCpuMs(options.serverPid);
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const start = performance.now() + 50;
  const end = start + options.seconds * 1000;
  const interval = 1000 / options.rate;
  await Promise.all(
    Array.from({ length: options.clients }, async (_, client) => {
      // One keep-alive connection per client, as a browser keeps one to a site.
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      let visit: LoadRequest[] = [];
      for (let turn = 0; ; turn++) {
        const due = start + (turn * options.clients + client) * interval;
        // `stopWhen`: the run ends early when what it measures has ended (a command, say).
        if (due >= end || options.stopWhen?.()) break;
        if (visit.length === 0) visit = nextVisit();
        const request = visit.shift()!;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        try {
          const status = await send(agent, target, request);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          times.push(performance.now() - due);
          request.onAnswered?.(status);
        } catch {
          errors++;
        }
      }
      agent.destroy();
    }),
  );
  delay.disable();
  const cpuMs = processGroupCpuMs(options.serverPid) - cpuBefore;
  return { ...result(title, times, (performance.now() - start) / 1000, errors, statuses, cpuMs), generatorDelayP99: delay.percentile(99) / 1e6 };
}
