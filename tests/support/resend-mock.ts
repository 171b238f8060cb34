import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

/**
 * A local stand-in for the Resend API. Every request is checked against
 * Resend's published OpenAPI description (tests/fixtures/resend/resend.yaml):
 * the path, `Authorization: Bearer`, the body against the schema of its path,
 * at most 100 messages per batch, and an `Idempotency-Key` (which Wouldmiss
 * always sends). Like Resend, it remembers each key with its request: the same
 * key and body again gets the first answer and sends nothing; another body
 * under a used key gets 409. On request it answers 429 or 500 first.
 * Attachments are checked as Resend takes them: only on POST /emails (the
 * batch endpoint has none), content in base64, a filename, and every
 * `cid:` the HTML shows matched by an attachment's `content_id`.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
export const RESEND_SPEC = path.resolve(here, '../fixtures/resend/resend.yaml');

let ajvInstance: Ajv2020 | undefined;

function ajv(): Ajv2020 {
  if (ajvInstance) return ajvInstance;
  const spec = parse(readFileSync(RESEND_SPEC, 'utf8')) as Record<string, unknown>;
  const instance = new Ajv2020({ strict: false, allErrors: true });
  addFormats(instance);
  instance.addFormat('binary', true);
  instance.addSchema(spec, 'resend.yaml');
  ajvInstance = instance;
  return instance;
}

const validators = new Map<string, ValidateFunction>();

/** A validator for a JSON pointer into resend.yaml, e.g. `#/components/schemas/EmailBouncedEvent`. */
export function resendSchema(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    validate = ajv().compile({ $ref: `resend.yaml${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

const requestSchemas: Record<string, string> = {
  '/emails': '#/paths/~1emails/post/requestBody/content/application~1json/schema',
  '/emails/batch': '#/paths/~1emails~1batch/post/requestBody/content/application~1json/schema',
};

export interface Delivery {
  id: string;
  to: string[];
  from: string;
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  attachments?: DeliveredAttachment[];
  idempotencyKey: string;
  at: number;
}

export interface DeliveredAttachment {
  filename: string;
  contentType: string | undefined;
  contentId: string | undefined;
  content: Buffer;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** What is wrong with a message's attachments as Resend would see them, if anything. */
function attachmentProblems(email: Record<string, unknown>, endpoint: string): string[] {
  const files = (email.attachments ?? []) as Array<Record<string, unknown>>;
  const problems: string[] = [];
  if (files.length > 0 && endpoint !== '/emails') problems.push(`attachments on ${endpoint} (Resend's batch endpoint does not take them)`);
  for (const [index, file] of files.entries()) {
    if (typeof file.content !== 'string' || !BASE64.test(file.content)) problems.push(`attachment ${index}: content is not base64`);
    if (typeof file.filename !== 'string' || file.filename === '') problems.push(`attachment ${index}: no filename`);
  }
  const ids = new Set(files.map((file) => file.content_id));
  for (const [, cid] of String(email.html ?? '').matchAll(/src="cid:([^"]+)"/g)) {
    if (!ids.has(cid)) problems.push(`the HTML shows cid:${cid}, but no attachment has that content_id`);
  }
  return problems;
}

export interface MockRequest {
  n: number;
  path: string;
  idempotencyKey: string | null;
  size: number;
  status: number;
  at: number;
}

/** What the mock does with the n-th request (1-based); undefined: handle it normally. */
export type FailurePlan = (n: number) => { status: 429; retryAfter?: number } | { status: 500; afterAccept?: boolean } | undefined;

export interface ResendMockOptions {
  apiKey?: string;
  plan?: FailurePlan;
  /** Delay before answering an accepted request (the key is already stored). */
  responseDelayMs?: number;
  /** Called once a request is accepted and stored, before it is answered. */
  onAccepted?: (request: MockRequest) => void;
  /** Keep each delivery's HTML and text (default); a benchmark of 100,000 emails leaves them out. */
  keepBodies?: boolean;
}

export async function startResendMock(options: ResendMockOptions = {}) {
  const apiKey = options.apiKey ?? 're_test_wouldmiss_key';
  const keepBodies = options.keepBodies ?? true;
  const deliveries: Delivery[] = [];
  const requests: MockRequest[] = [];
  const violations: string[] = [];
  const remembered = new Map<string, { hash: string; status: number; body: string } | 'in-flight'>();
  let replays = 0;
  let count = 0;
  const state = { plan: options.plan, responseDelayMs: options.responseDelayMs ?? 0, onAccepted: options.onAccepted };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks).toString('utf8'));
    });
  });

  function answer(res: http.ServerResponse, record: MockRequest, status: number, body: unknown, headers: Record<string, string> = {}) {
    record.status = status;
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  }

  const error = (status: number, name: string, message: string) => ({ statusCode: status, name, message });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    const url = new URL(req.url ?? '/', 'http://mock');
    const key = req.headers['idempotency-key'];
    const idempotencyKey = typeof key === 'string' ? key : null;
    const record: MockRequest = { n: ++count, path: url.pathname, idempotencyKey, size: 0, status: 0, at: Date.now() };
    requests.push(record);
    const schema = requestSchemas[url.pathname];
    if (req.method !== 'POST' || !schema) {
      violations.push(`#${record.n}: ${req.method} ${url.pathname} is not an endpoint Wouldmiss may call`);
      return answer(res, record, 404, error(404, 'not_found', 'Not found'));
    }
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      violations.push(`#${record.n}: Authorization is not "Bearer <key>"`);
      return answer(res, record, 401, error(401, 'missing_api_key', 'Missing API key in the authorization header'));
    }
    if (!idempotencyKey || idempotencyKey.length > 256) {
      violations.push(`#${record.n}: Idempotency-Key missing or longer than 256 characters`);
      return answer(res, record, 400, error(400, 'invalid_idempotency_key', 'Idempotency-Key is required here'));
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      violations.push(`#${record.n}: body is not JSON`);
      return answer(res, record, 422, error(422, 'validation_error', 'Invalid JSON'));
    }
    const validate = resendSchema(schema);
    if (!validate(body)) {
      violations.push(`#${record.n}: body does not match resend.yaml: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
      return answer(res, record, 422, error(422, 'validation_error', 'The body does not match the schema'));
    }
    const emails = (Array.isArray(body) ? body : [body]) as Array<Record<string, unknown>>;
    record.size = emails.length;
    if (emails.length === 0 || emails.length > 100) {
      violations.push(`#${record.n}: batch of ${emails.length} messages (1 to 100 allowed)`);
      return answer(res, record, 422, error(422, 'validation_error', 'A batch holds 1 to 100 emails'));
    }
    const problems = emails.flatMap((email) => attachmentProblems(email, url.pathname));
    if (problems.length > 0) {
      violations.push(`#${record.n}: ${problems.join('; ')}`);
      return answer(res, record, 422, error(422, 'invalid_attachment', problems[0]!));
    }
    const hash = createHash('sha256').update(raw).digest('hex');
    const seen = remembered.get(idempotencyKey);
    if (seen === 'in-flight') return answer(res, record, 409, error(409, 'concurrent_idempotent_requests', 'Same key in progress'));
    if (seen) {
      if (seen.hash !== hash) {
        violations.push(`#${record.n}: key ${idempotencyKey} reused with another body`);
        return answer(res, record, 409, error(409, 'invalid_idempotent_request', 'Same key, different payload'));
      }
      replays++;
      return answer(res, record, seen.status, seen.body);
    }
    const planned = state.plan?.(record.n);
    if (planned?.status === 429) {
      return answer(res, record, 429, error(429, 'rate_limit_exceeded', 'Too many requests'), { 'retry-after': String(planned.retryAfter ?? 1) });
    }
    if (planned?.status === 500 && !planned.afterAccept) return answer(res, record, 500, error(500, 'internal_server_error', 'Try again'));
    remembered.set(idempotencyKey, 'in-flight');
    const ids = emails.map((email) => {
      const id = randomUUID();
      const to = typeof email.to === 'string' ? [email.to] : (email.to as string[]);
      deliveries.push({
        id,
        to,
        from: email.from as string,
        subject: email.subject as string,
        html: keepBodies ? (email.html as string | undefined) : undefined,
        text: keepBodies ? (email.text as string | undefined) : undefined,
        headers: email.headers as Record<string, string> | undefined,
        attachments: (email.attachments as Array<Record<string, string>> | undefined)?.map((file) => ({
          filename: file.filename!,
          contentType: file.content_type,
          contentId: file.content_id,
          content: keepBodies ? Buffer.from(file.content!, 'base64') : Buffer.alloc(0),
        })),
        idempotencyKey,
        at: Date.now(),
      });
      return { id };
    });
    const responseBody = JSON.stringify(Array.isArray(body) ? { data: ids } : ids[0]);
    remembered.set(idempotencyKey, { hash, status: 200, body: responseBody });
    state.onAccepted?.(record);
    if (state.responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.responseDelayMs));
    // The request was carried out, but the answer is lost: a retry must get the first answer.
    if (planned?.status === 500) return answer(res, record, 500, error(500, 'internal_server_error', 'Try again'));
    answer(res, record, 200, responseBody);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiKey,
    deliveries,
    requests,
    violations,
    get replays() {
      return replays;
    },
    /** Changes how later requests are answered. */
    configure(next: Partial<Pick<ResendMockOptions, 'plan' | 'responseDelayMs' | 'onAccepted'>>) {
      if ('plan' in next) state.plan = next.plan;
      if (next.responseDelayMs !== undefined) state.responseDelayMs = next.responseDelayMs;
      if ('onAccepted' in next) state.onAccepted = next.onAccepted;
    },
    /** How many times each address received a message. */
    countsByRecipient(): Map<string, number> {
      const counts = new Map<string, number>();
      for (const delivery of deliveries) for (const to of delivery.to) counts.set(to, (counts.get(to) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type ResendMock = Awaited<ReturnType<typeof startResendMock>>;
