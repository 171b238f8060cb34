import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.server';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('writes one JSON object per line with an ISO time and the level by name', () => {
    const { lines, stream } = capture();
    createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, stream).info({ route: '/s/:token', status: 303 }, 'request');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 'info', msg: 'request', route: '/s/:token', status: 303 });
    expect(new Date(record.time as string).toISOString()).toBe(record.time);
  });

  it('leaves out levels below LOG_LEVEL', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ LOG_LEVEL: 'warn', LOG_FORMAT: 'json' }, stream);
    logger.info('not shown');
    logger.warn('shown');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['shown']);
  });

  it('blanks fields named like secrets, should one ever be logged', () => {
    const { lines, stream } = capture();
    createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, stream).info({ token: 'abc123', user: { email: 'a@b.example', password: 'pw' }, tier: 'A' }, 'oops');
    expect(lines[0]).not.toMatch(/abc123|a@b\.example|"pw"|"A"/);
  });

  it('writes readable lines with LOG_FORMAT=pretty', () => {
    const { lines, stream } = capture();
    createLogger({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' }, stream).info({ route: '/login', status: 302 }, 'request');
    expect(lines[0]).toMatch(/INFO.*request/);
    expect(lines.join('\n')).toContain('route: "/login"');
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });
});
