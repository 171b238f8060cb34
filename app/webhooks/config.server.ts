import { z } from 'zod';
import { ConfigError, env, isLocalhostUrl, type Env } from '../config/env.server';

const webhookEnvSchema = z.object({
  /**
   * Let webhooks reach private, loopback and link-local addresses (a CRM on
   * the same network). Off, so an owner's URL cannot reach the app's own network.
   */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes'),
});

export interface WebhookConfig {
  allowPrivate: boolean;
  /** Plain http to localhost: only in development or when the app itself runs on localhost. */
  allowHttpLocalhost: boolean;
}

/** Parses the webhook settings; throws ConfigError naming the variable. The worker reads it at start. */
export function parseWebhookConfig(source: Record<string, string | undefined>, app: Pick<Env, 'NODE_ENV' | 'APP_URL'>): WebhookConfig {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ''));
  const result = webhookEnvSchema.safeParse(cleaned);
  if (!result.success) throw new ConfigError(`Invalid configuration:\n${result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n')}`);
  return { allowPrivate: result.data.WEBHOOK_ALLOW_PRIVATE, allowHttpLocalhost: app.NODE_ENV === 'development' || isLocalhostUrl(app.APP_URL) };
}

let cached: WebhookConfig | undefined;

/** The process's webhook settings, parsed on first use. */
export function webhookConfig(): WebhookConfig {
  cached ??= parseWebhookConfig(process.env, env());
  return cached;
}
