import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../config/env.server';
import { webhookConfigOf } from './config.server';

describe('webhook settings', () => {
  const production = { NODE_ENV: 'production', APP_URL: 'https://app.example.com' };

  it('keeps webhooks to public https addresses unless told otherwise', () => {
    expect(webhookConfigOf(parseEnv(production))).toEqual({ allowPrivate: false, allowHttpLocalhost: false });
    expect(webhookConfigOf(parseEnv({ ...production, WEBHOOK_ALLOW_PRIVATE: '' }))).toEqual({ allowPrivate: false, allowHttpLocalhost: false });
    expect(webhookConfigOf(parseEnv({ ...production, WEBHOOK_ALLOW_PRIVATE: 'true' })).allowPrivate).toBe(true);
  });

  it('allows http to localhost in development or when the app runs on localhost', () => {
    expect(webhookConfigOf(parseEnv({ NODE_ENV: 'development', APP_URL: 'https://app.example.com' })).allowHttpLocalhost).toBe(true);
    expect(webhookConfigOf(parseEnv({ NODE_ENV: 'production', APP_URL: 'http://localhost:3000' })).allowHttpLocalhost).toBe(true);
  });

  it('refuses a wrong value at start with the other variables, with a message naming it', () => {
    expect(() => parseEnv({ ...production, WEBHOOK_ALLOW_PRIVATE: 'sometimes' })).toThrow(ConfigError);
    expect(() => parseEnv({ ...production, WEBHOOK_ALLOW_PRIVATE: 'sometimes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE: must be true or false/);
  });
});
