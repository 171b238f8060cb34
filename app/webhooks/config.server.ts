import { env, isLocalhostUrl, type Env } from '../config/env.server';

export interface WebhookConfig {
  allowPrivate: boolean;
  /** Plain http to localhost: only in development or when the app itself runs on localhost. */
  allowHttpLocalhost: boolean;
}

/** Where webhooks may go, from the parsed environment (WEBHOOK_ALLOW_PRIVATE is checked with every other variable at start). */
export function webhookConfigOf(app: Pick<Env, 'NODE_ENV' | 'APP_URL' | 'WEBHOOK_ALLOW_PRIVATE'>): WebhookConfig {
  return { allowPrivate: app.WEBHOOK_ALLOW_PRIVATE, allowHttpLocalhost: app.NODE_ENV === 'development' || isLocalhostUrl(app.APP_URL) };
}

/** The process's webhook settings. */
export function webhookConfig(): WebhookConfig {
  return webhookConfigOf(env());
}
