import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Env } from '../config/env.server';

/**
 * The process's logger: one JSON object per line (time, level, message and
 * fields) for log collectors, or readable lines with LOG_FORMAT=pretty.
 * What goes in is chosen where it is logged: route patterns, ids, counts and
 * durations, never a survey token, a password, a customer's address or a tier.
 * As a last guard, fields with those names are blanked.
 */
export function createLogger(env: Pick<Env, 'LOG_LEVEL' | 'LOG_FORMAT'>, destination?: NodeJS.WritableStream): Logger {
  const options: pino.LoggerOptions = {
    level: env.LOG_LEVEL,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: ['token', 'password', 'email', 'tier', '*.token', '*.password', '*.email', '*.tier'], censor: '[hidden]' },
  };
  if (env.LOG_FORMAT === 'pretty') {
    return pino(options, pretty({ sync: true, colorize: false, translateTime: 'SYS:HH:MM:ss.l', ignore: 'hostname,pid', destination: destination ?? 1 }));
  }
  return pino(options, destination ?? pino.destination({ dest: 1, sync: true }));
}

// The server entry and the Remix build are separate module graphs; a global is
// the one place both see, so there is one logger per process.
declare global {
  // eslint-disable-next-line no-var
  var __wouldmissLogger: Logger | undefined;
}

export function setProcessLogger(logger: Logger): void {
  globalThis.__wouldmissLogger = logger;
}

/** The process's logger; outside the server (CLI, tests) a quiet one until one is set. */
export function logger(): Logger {
  return (globalThis.__wouldmissLogger ??= pino({ level: 'silent' }));
}
