import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from './env.server';

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
});
