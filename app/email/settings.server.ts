import { env, type Env } from '../config/env.server';
import type { EmailTransport } from '../../db/schema';

/** How this process sends email, derived once from the environment. */
export interface EmailSettings {
  transport: EmailTransport;
  resend: { apiKey: string; baseUrl?: string } | null;
  /** Provider requests per second across all processes; 0 means no limit. */
  ratePerSecond: number;
  leaseSeconds: number;
  appUrl: string;
  from: string;
  /** Emails one workspace may queue in 24 hours (EMAIL_DAILY_LIMIT_PER_WORKSPACE). */
  dailyLimitPerWorkspace: number;
}

export function emailSettings(source: Env = env()): EmailSettings {
  return {
    transport: source.RESEND_API_KEY ? 'resend' : 'outbox',
    resend: source.RESEND_API_KEY ? { apiKey: source.RESEND_API_KEY, baseUrl: source.RESEND_BASE_URL } : null,
    ratePerSecond: source.EMAIL_RATE_PER_SECOND,
    leaseSeconds: source.EMAIL_LEASE_SECONDS,
    appUrl: source.APP_URL,
    from: source.EMAIL_FROM,
    dailyLimitPerWorkspace: source.EMAIL_DAILY_LIMIT_PER_WORKSPACE,
  };
}

/** `Display Name <configured address>`; the name is cleaned of characters that would break the header. */
export function fromAddress(configured: string, fromName?: string | null): string {
  if (!fromName) return configured;
  const address = /<([^>]+)>/.exec(configured)?.[1] ?? configured;
  const name = fromName.replace(/["<>\r\n\\]/g, '').trim();
  if (!name) return configured;
  // RFC 5322: a display name with special characters must be quoted.
  return /[(),.:;@[\]]/.test(name) ? `"${name}" <${address}>` : `${name} <${address}>`;
}
