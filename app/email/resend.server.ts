import { Resend } from 'resend';
import { z } from 'zod';
import type { ComposedEmail } from './templates.server';

/** One message as the provider receives it. */
export interface ProviderEmail extends ComposedEmail {
  from: string;
  to: string;
  tags: Array<{ name: string; value: string }>;
}

export type SendResult =
  | { ok: true; ids: string[] }
  | { ok: false; retryable: boolean; status: number | null; error: string; retryAfterSeconds: number | null };

/** Sends up to 100 messages in one request; the same key and body never send twice. */
export interface EmailTransportClient {
  sendBatch(emails: ProviderEmail[], idempotencyKey: string): Promise<SendResult>;
}

const batchResponse = z.object({ data: z.array(z.object({ id: z.string().min(1) })) });

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
  return {
    async sendBatch(emails, idempotencyKey) {
      const payload = emails.map((email) => ({
        from: email.from,
        to: [email.to],
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: Object.keys(email.headers).length > 0 ? email.headers : undefined,
        tags: email.tags,
      }));
      const result = await resend.batch.send(payload, { idempotencyKey, signal: AbortSignal.timeout(timeoutMs) });
      if (result.error) {
        const status = result.error.statusCode ?? null;
        return {
          ok: false,
          retryable: isRetryable(status, result.error.name),
          status,
          error: `${result.error.name}: ${result.error.message}`.slice(0, 500),
          retryAfterSeconds: retryAfter(result.headers),
        };
      }
      const parsed = batchResponse.safeParse(result.data);
      if (!parsed.success || parsed.data.data.length !== emails.length) {
        // Accepted or not, asking again with the same key gives the same answer.
        return { ok: false, retryable: true, status: 200, error: 'unexpected response from the provider', retryAfterSeconds: null };
      }
      return { ok: true, ids: parsed.data.data.map((row) => row.id) };
    },
  };
}
