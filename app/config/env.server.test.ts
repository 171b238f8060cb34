import { describe, expect, it } from 'vitest';
import { ConfigError, demoStartLine, parseEnv, trustProxySetting } from './env.server';

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

  it('starts the demo by itself only on a localhost address', () => {
    for (const local of [undefined, 'http://localhost:3000', 'http://127.0.0.1:8080', 'http://app.localhost', 'http://[::1]:3000']) {
      expect(parseEnv({ APP_URL: local }).DEMO_SEED, local).toBe(true);
    }
    for (const remote of ['https://surveys.example.com', 'http://192.168.1.20:3000', 'https://localhost.example.com']) {
      expect(parseEnv({ APP_URL: remote }).DEMO_SEED, remote).toBe(false);
      expect(parseEnv({ APP_URL: remote, DEMO_SEED: 'true' }).DEMO_SEED, remote).toBe(true);
    }
    expect(parseEnv({ DEMO_SEED: 'false' }).DEMO_SEED).toBe(false);
  });

  it('says in one line whether the demo runs and how to change that', () => {
    const line = (source: Record<string, string>) => demoStartLine(parseEnv(source));
    expect(line({})).toBe('Demo: on, because APP_URL is a localhost address; set DEMO_SEED=false to start without it.');
    expect(line({ APP_URL: 'https://surveys.example.com' })).toBe(
      'Demo: off, because APP_URL (https://surveys.example.com) is not a localhost address; DEMO_SEED=true starts it anyway.',
    );
    expect(line({ APP_URL: 'https://surveys.example.com', DEMO_SEED: 'true' })).toContain('where its logins with the published password are public; set DEMO_SEED=false to turn it off.');
    expect(line({ DEMO_SEED: 'false' })).toBe('Demo: off (DEMO_SEED=false).');
    const sources: Array<Record<string, string>> = [{}, { DEMO_SEED: 'true' }, { APP_URL: 'https://x.example' }];
    for (const source of sources) expect(line(source)).not.toContain('\n');
  });

  it('opens sign-up on localhost only; elsewhere new workspaces need an invitation', () => {
    expect(parseEnv({}).SIGNUP).toBe('open');
    expect(parseEnv({ APP_URL: 'https://surveys.example.com' }).SIGNUP).toBe('invite');
    expect(parseEnv({ APP_URL: 'https://surveys.example.com', SIGNUP: 'open' }).SIGNUP).toBe('open');
    expect(parseEnv({ SIGNUP: 'closed' }).SIGNUP).toBe('closed');
    expect(() => parseEnv({ SIGNUP: 'sometimes' })).toThrow(/SIGNUP/);
  });
});
