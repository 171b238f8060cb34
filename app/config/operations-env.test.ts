import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from './env.server';

// The settings an operator tunes for shutdowns, logs and metrics.
describe('operations settings', () => {
  it('defaults to a 20 s shutdown, info-level JSON logs and no metrics endpoint', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ SHUTDOWN_SECONDS: 20, LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    expect(env.METRICS_TOKEN).toBeUndefined();
  });

  it('reads the values an operator sets', () => {
    const env = parseEnv({ SHUTDOWN_SECONDS: '2.5', LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty', METRICS_TOKEN: 'a-long-enough-token' });
    expect(env).toMatchObject({ SHUTDOWN_SECONDS: 2.5, LOG_LEVEL: 'debug', LOG_FORMAT: 'pretty', METRICS_TOKEN: 'a-long-enough-token' });
  });

  it('names each wrong value', () => {
    const parse = () => parseEnv({ SHUTDOWN_SECONDS: '-1', LOG_LEVEL: 'loud', LOG_FORMAT: 'xml', METRICS_TOKEN: 'short' });
    expect(parse).toThrow(ConfigError);
    const message = (() => {
      try {
        parse();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    for (const name of ['SHUTDOWN_SECONDS', 'LOG_LEVEL', 'LOG_FORMAT', 'METRICS_TOKEN']) expect(message).toContain(name);
  });
});
