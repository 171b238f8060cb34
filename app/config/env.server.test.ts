import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv, trustProxySetting } from './env.server';

describe('parseEnv', () => {
  it('fills in the defaults that run the demo', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: './data', DEMO_SEED: true, APP_URL: 'http://localhost:3000', NODE_ENV: 'production' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('treats empty values as unset and trims a trailing slash from APP_URL', () => {
    const env = parseEnv({ DATABASE_URL: '', PORT: '8080', APP_URL: 'https://survey.example.com/' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env).toMatchObject({ PORT: 8080, APP_URL: 'https://survey.example.com' });
  });

  it('names every wrong variable', () => {
    const parse = () => parseEnv({ PORT: 'eighty', DATABASE_URL: 'mysql://localhost/db', DEMO_SEED: 'maybe' });
    expect(parse).toThrow(ConfigError);
    try {
      parse();
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('DATABASE_URL: must be a postgres:// or postgresql:// URL');
      expect(message).toContain('DEMO_SEED');
    }
  });

  it('reads TRUST_PROXY as a number of proxies or their addresses, never as "trust every entry"', () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(false);
    expect(trustProxySetting('false')).toBe(false);
    expect(trustProxySetting('0')).toBe(false);
    // `true` is one proxy: the entry it appends is the client, everything before it is the client's own writing.
    expect(trustProxySetting('true')).toBe(1);
    expect(trustProxySetting('2')).toBe(2);
    expect(trustProxySetting('10.0.0.2, 10.1.0.0/16, loopback, ::1')).toEqual(['10.0.0.2', '10.1.0.0/16', 'loopback', '::1']);
    for (const wrong of ['everything', '10.0.0.300', '10.0.0.0/33', 'proxy.example.com', '1,,2']) expect(trustProxySetting(wrong), wrong).toBeNull();
    expect(() => parseEnv({ TRUST_PROXY: 'everything' })).toThrow(/TRUST_PROXY: must be false, a number of proxies/);
  });
});
