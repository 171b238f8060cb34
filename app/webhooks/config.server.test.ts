import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env.server';
import { parseWebhookConfig } from './config.server';

describe('parseWebhookConfig', () => {
  const production = { NODE_ENV: 'production' as const, APP_URL: 'https://app.example.com' };

  it('keeps webhooks to public https addresses unless told otherwise', () => {
    expect(parseWebhookConfig({}, production)).toEqual({ allowPrivate: false, allowHttpLocalhost: false });
    expect(parseWebhookConfig({ WEBHOOK_ALLOW_PRIVATE: '' }, production)).toEqual({ allowPrivate: false, allowHttpLocalhost: false });
    expect(parseWebhookConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }, production).allowPrivate).toBe(true);
  });

  it('allows http to localhost in development or when the app runs on localhost', () => {
    expect(parseWebhookConfig({}, { NODE_ENV: 'development', APP_URL: 'https://app.example.com' }).allowHttpLocalhost).toBe(true);
    expect(parseWebhookConfig({}, { NODE_ENV: 'production', APP_URL: 'http://localhost:3000' }).allowHttpLocalhost).toBe(true);
  });

  it('refuses a wrong value with a message naming the variable', () => {
    expect(() => parseWebhookConfig({ WEBHOOK_ALLOW_PRIVATE: 'sometimes' }, production)).toThrow(ConfigError);
    expect(() => parseWebhookConfig({ WEBHOOK_ALLOW_PRIVATE: 'sometimes' }, production)).toThrow(/WEBHOOK_ALLOW_PRIVATE: must be true or false/);
  });
});
