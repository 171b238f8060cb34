import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerBuild } from '@remix-run/node';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import type { Database } from '../../db/client.server';
import type { Env } from '../config/env.server';
import { answerFirst } from '../http/express-app.server';
import { plainSurveyPageToken } from '../http/survey-pages.server';
import type { AppMetrics } from './metrics.server';
import { checkReadiness } from './readiness.server';
import { routePatternMatcher, type RouteDefinition } from './route-pattern';

export interface OperationsOptions {
  env: Pick<Env, 'METRICS_TOKEN'>;
  build: ServerBuild;
  db: Database;
  logger: Logger;
  metrics: AppMetrics;
  /** The email dispatcher of this process; undefined when separate workers send. */
  worker: { running: boolean } | undefined;
}

/** A request id from a proxy is kept when it looks like one; anything else is replaced. */
const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Wraps the app with what operators need: one log line and one metrics entry
 * per request (route pattern, status, duration; never the path itself),
 * GET /readyz for load balancers and orchestrators, and GET /metrics for
 * Prometheus behind METRICS_TOKEN. /healthz stays the app's own cheap check.
 */
export function withOperations(app: Express, options: OperationsOptions): Express {
  const { logger, metrics } = options;
  // The survey is answered by Express ahead of Remix (app/http/survey-pages.server.ts).
  const surveyRoute = '/s/:token';
  const patternOf = routePatternMatcher(options.build.routes as Record<string, RouteDefinition>, [surveyRoute, '/readyz', '/metrics']);
  const outer = express();
  outer.disable('x-powered-by');
  outer.set('query parser', false);

  /** One log line and one metrics entry when the response is done; `route` when the caller knows it already. */
  const observe = (req: IncomingMessage, res: ServerResponse, route?: string) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', requestId);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const pattern = route ?? patternOf((req as express.Request).path);
      // A response cut off before it was finished is logged with status 0.
      const status = res.writableFinished ? res.statusCode : 0;
      metrics.recordRequest(pattern, req.method ?? '', status, seconds);
      // A client that went away is worth a warning, not an alarm; a 5xx is ours.
      const level = status >= 500 ? 'error' : status === 0 ? 'warn' : 'info';
      logger[level]({ requestId, method: req.method, route: pattern, status, durationMs: Math.round(seconds * 10_000) / 10 }, 'request');
    });
  };

  outer.use((req, res, next) => {
    observe(req, res);
    next();
  });

  outer.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(options.db, options.worker);
    res.status(readiness.ready ? 200 : 503).set('Cache-Control', 'no-store').json(readiness);
  });

  outer.get('/metrics', async (req, res) => {
    // Without a token the endpoint does not exist: figures are not for the public.
    const token = options.env.METRICS_TOKEN;
    if (!token) return void res.status(404).type('text/plain').send('Not found');
    if (!sameSecret(req.get('authorization') ?? '', `Bearer ${token}`)) {
      return void res.status(401).set('WWW-Authenticate', 'Bearer').type('text/plain').send('A metrics token is needed.');
    }
    res.set('Cache-Control', 'no-store').type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  outer.use(app);
  // A survey page skips this app's Express set-up and router as well (app answers it first, see createApp).
  answerFirst(outer, (req, res) => {
    if (plainSurveyPageToken(req) === null) return false;
    observe(req, res, surveyRoute);
    app(req, res);
    return true;
  });
  return outer;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
