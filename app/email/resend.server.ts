import { Resend } from 'resend';
import { z } from 'zod';
import type { ComposedEmail } from './templates.server';

/** A file sent with a message, as stored: base64, the form Resend's API takes. */
export interface ProviderAttachment {
  filename: string;
  contentType: string;
  /** Shown inline where the HTML says `cid:<contentId>`. */
  contentId: string | null;
  contentBase64: string;
}

/** One message as the provider receives it. */
export interface ProviderEmail extends ComposedEmail {
  from: string;
  to: string;
  tags: Array<{ name: string; value: string }>;
  attachments?: ProviderAttachment[];
}

export type SendResult =
  | { ok: true; ids: string[] }
  | { ok: false; retryable: boolean; status: number | null; error: string; retryAfterSeconds: number | null };

/** Sends up to 100 messages in one request; the same key and body never send twice. */
export interface EmailTransportClient {
  sendBatch(emails: ProviderEmail[], idempotencyKey: string): Promise<SendResult>;
}

const batchResponse = z.object({ data: z.array(z.object({ id: z.string().min(1) })) });
const singleResponse = z.object({ id: z.string().min(1) });

/**
 * The request key of the n-th message of a batch when it goes out on its own
 * (Resend's batch endpoint takes no attachments): derived from the batch's
 * key and the message's fixed place in it, so a retry repeats the very same
 * requests and Resend answers the ones it has seen from its record.
 */
export function singleIdempotencyKey(batchKey: string, index: number): string {
  return `${batchKey}-${index}`;
}

/** Provider answers that are worth repeating later with the same idempotency key. */
export function isRetryable(status: number | null, name: string | undefined): boolean {
  if (status === null || status === 429 || status >= 500) return true;
  // Resend answers 409 while a request with the same key is still being processed.
  return status === 409 && name === 'concurrent_idempotent_requests';
}

function retryAfter(headers: Record<string, string> | null): number | null {
  const value = Number(headers?.['retry-after']);
  return Number.isFinite(value) && value >= 0 ? value : null;
}

/** The Resend batch API through the official SDK (which honours RESEND_BASE_URL / baseUrl). */
export function resendClient(options: { apiKey: string; baseUrl?: string; timeoutMs?: number }): EmailTransportClient {
  const resend = new Resend(options.apiKey, options.baseUrl ? { baseUrl: options.baseUrl } : undefined);
  const timeoutMs = options.timeoutMs ?? 30_000;
  type Failure = Extract<SendResult, { ok: false }>;
  const failure = (error: { statusCode: number | null; name: string; message: string }, headers: Record<string, string> | null): Failure => {
    const status = error.statusCode ?? null;
    return {
      ok: false,
      retryable: isRetryable(status, error.name),
      status,
      error: `${error.name}: ${error.message}`.slice(0, 500),
      retryAfterSeconds: retryAfter(headers),
    };
  };
  // Accepted or not, asking again with the same key gives the same answer.
  const unexpected: Failure = { ok: false, retryable: true, status: 200, error: 'unexpected response from the provider', retryAfterSeconds: null };
  const base = (email: ProviderEmail) => ({
    from: email.from,
    to: [email.to],
    subject: email.subject,
    html: email.html,
    text: email.text,
    headers: Object.keys(email.headers).length > 0 ? email.headers : undefined,
    tags: email.tags,
  });
  return {
    async sendBatch(emails, idempotencyKey) {
      const ids: string[] = new Array<string>(emails.length);
      const plain = emails.flatMap((email, index) => (email.attachments?.length ? [] : [{ email, index }]));
      if (plain.length > 0) {
        const result = await resend.batch.send(
          plain.map(({ email }) => base(email)),
          { idempotencyKey, signal: AbortSignal.timeout(timeoutMs) },
        );
        if (result.error) return failure(result.error, result.headers);
        const parsed = batchResponse.safeParse(result.data);
        if (!parsed.success || parsed.data.data.length !== plain.length) return unexpected;
        plain.forEach(({ index }, i) => (ids[index] = parsed.data.data[i]!.id));
      }
      // Messages with files go one by one: the batch endpoint does not take attachments.
      for (const [index, email] of emails.entries()) {
        if (!email.attachments?.length) continue;
        const result = await resend.emails.send(
          {
            ...base(email),
            attachments: email.attachments.map((file) => ({
              content: file.contentBase64,
              filename: file.filename,
              contentType: file.contentType,
              contentId: file.contentId ?? undefined,
            })),
          },
          { idempotencyKey: singleIdempotencyKey(idempotencyKey, index), signal: AbortSignal.timeout(timeoutMs) },
        );
        if (result.error) return failure(result.error, result.headers);
        const parsed = singleResponse.safeParse(result.data);
        if (!parsed.success) return unexpected;
        ids[index] = parsed.data.id;
      }
      return { ok: true, ids };
    },
  };
}
