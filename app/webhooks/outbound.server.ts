import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { isPublicAddress } from './addresses';

/** What is read of a receiver's answer at most; the rest is never read. */
export const MAX_RESPONSE_BYTES = 64 * 1024;
/** How long one delivery may take, from resolving the name to the last byte read. */
export const DELIVERY_TIMEOUT_MS = 10_000;

export interface OutboundPolicy {
  /** `WEBHOOK_ALLOW_PRIVATE=true`: private, loopback and link-local addresses are allowed too. */
  allowPrivate: boolean;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export type ResolveResult = { ok: true; address: string; family: 4 | 6 } | { ok: false; error: 'unresolvable' | 'private_address'; detail: string };

/**
 * Resolves a host name and checks every address it has: one private address
 * among public ones refuses the name, since the connection could be steered
 * to it. The caller connects to the address returned, not to the name again,
 * so a second lookup (DNS rebinding) cannot swap in another address.
 */
export async function resolvePublicAddress(hostname: string, policy: Pick<OutboundPolicy, 'allowPrivate'>): Promise<ResolveResult> {
  const bare = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  let addresses: Array<{ address: string; family: number }>;
  if (isIP(bare)) {
    addresses = [{ address: bare, family: isIP(bare) }];
  } else {
    try {
      // A resolver that never answers must not hold a request or a delivery: give up after 5 s.
      addresses = await Promise.race([
        lookup(bare, { all: true, verbatim: true }),
        new Promise<never>((_, reject) => setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })), 5_000).unref()),
      ]);
    } catch (error) {
      return { ok: false, error: 'unresolvable', detail: `${bare} could not be resolved (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  }
  if (addresses.length === 0) return { ok: false, error: 'unresolvable', detail: `${bare} has no address` };
  if (!policy.allowPrivate) {
    const refused = addresses.find(({ address }) => !isPublicAddress(address));
    if (refused) return { ok: false, error: 'private_address', detail: `${bare} resolves to ${refused.address}, which is not a public address` };
  }
  const first = addresses[0]!;
  return { ok: true, address: first.address, family: first.family === 6 ? 6 : 4 };
}

export type PostResult =
  | { ok: true; status: number; body: string; bytesRead: number; truncated: boolean; durationMs: number }
  | { ok: false; status: number | null; error: 'unresolvable' | 'private_address' | 'timeout' | 'network' | 'redirect' | 'http_status'; detail: string; body: string; bytesRead: number; durationMs: number };

/**
 * POSTs a body to a webhook endpoint under the outbound policy: the name is
 * resolved and checked once and the connection goes to that address (TLS
 * still checks the certificate against the name); redirects are not
 * followed; the whole exchange is cut at the timeout and the answer at
 * `maxResponseBytes`. A 2xx is success; its body, cut short or not, is kept
 * for the delivery log.
 */
export async function postWebhook(url: URL, body: string, headers: Record<string, string>, policy: OutboundPolicy): Promise<PostResult> {
  const started = performance.now();
  const timeoutMs = policy.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const maxBytes = policy.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const elapsed = () => Math.round(performance.now() - started);
  const deadline = AbortSignal.timeout(timeoutMs);

  const resolved = await Promise.race([
    resolvePublicAddress(url.hostname, policy),
    new Promise<ResolveResult>((resolve) => deadline.addEventListener('abort', () => resolve({ ok: false, error: 'unresolvable', detail: 'resolving the name timed out' }))),
  ]);
  if (!resolved.ok) return { ok: false, status: null, error: resolved.error, detail: resolved.detail, body: '', bytesRead: 0, durationMs: elapsed() };

  const secure = url.protocol === 'https:';
  const bareHost = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return new Promise<PostResult>((resolve) => {
    let status: number | null = null;
    const chunks: Buffer[] = [];
    let bytesRead = 0;
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      deadline.removeEventListener('abort', onDeadline);
      request.destroy();
      resolve(result);
    };
    const text = () => Buffer.concat(chunks).toString('utf8');
    const answered = (truncated: boolean): PostResult =>
      status !== null && status >= 200 && status < 300
        ? { ok: true, status, body: text(), bytesRead, truncated, durationMs: elapsed() }
        : status !== null && status >= 300 && status < 400
          ? { ok: false, status, error: 'redirect', detail: `answered ${status}; redirects are not followed`, body: text(), bytesRead, durationMs: elapsed() }
          : { ok: false, status, error: 'http_status', detail: `answered ${status}`, body: text(), bytesRead, durationMs: elapsed() };
    const onDeadline = () =>
      // Headers came in time: the answer counts, its body is cut here. Otherwise the delivery timed out.
      finish(status !== null ? answered(true) : { ok: false, status: null, error: 'timeout', detail: `no answer within ${timeoutMs / 1000} s`, body: '', bytesRead: 0, durationMs: elapsed() });

    const options: https.RequestOptions = {
      method: 'POST',
      host: resolved.address,
      family: resolved.family,
      port: url.port || (secure ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      headers: { ...headers, Host: url.host, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' },
      agent: false,
      // Certificates are checked against the name the owner registered, not the address.
      ...(secure ? { servername: isIP(bareHost) ? undefined : bareHost } : {}),
    };
    const request = (secure ? https : http).request(options, (response) => {
      status = response.statusCode ?? null;
      response.on('data', (chunk: Buffer) => {
        const room = maxBytes - bytesRead;
        chunks.push(chunk.subarray(0, Math.max(0, room)));
        bytesRead += Math.min(chunk.length, Math.max(0, room));
        if (chunk.length >= room) finish(answered(true));
      });
      response.on('end', () => finish(answered(false)));
      response.on('error', () => finish(answered(true)));
    });
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish(status !== null ? answered(true) : { ok: false, status: null, error: 'network', detail: error.code ?? error.message, body: '', bytesRead: 0, durationMs: elapsed() }),
    );
    deadline.addEventListener('abort', onDeadline);
    request.end(body);
  });
}
