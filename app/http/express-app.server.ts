import { randomBytes } from 'node:crypto';
import type { ServerBuild } from '@remix-run/node';
import { createRequestHandler } from '@remix-run/express';
import compression from 'compression';
import express from 'express';
import helmet from 'helmet';
import type { Env } from '../config/env.server';

/** Paths that are called by machines with their own authentication, not by browser forms. */
const machinePaths = /^\/(api|webhooks)\//;

/**
 * The HTTP stack in front of Remix: compression, security headers with a
 * per-request CSP nonce, refusal of cross-origin form posts, static files.
 */
export function createApp(build: ServerBuild, env: Env) {
  const app = express();
  app.disable('x-powered-by');
  if (env.TRUST_PROXY) app.set('trust proxy', true);
  app.use(compression());

  app.use((_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce as string}'`],
          // React renders style attributes (e.g. chart sizes); styles cannot run code.
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'form-action': ["'self'"],
          'upgrade-insecure-requests': env.APP_URL.startsWith('https:') ? [] : null,
        },
      },
      referrerPolicy: { policy: 'same-origin' },
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: env.APP_URL.startsWith('https:'),
    }),
  );

  // NUL characters cannot reach PostgreSQL text; a URL carrying one is refused up front.
  app.use((req, res, next) => {
    if (/%00/.test(req.originalUrl)) {
      res.status(400).type('text/plain').send('The address contains characters that are not allowed.');
      return;
    }
    next();
  });

  // Cross-origin form posts are refused: SameSite cookies already keep the
  // session out of them, and this also stops login CSRF and forged sign-ups.
  app.use((req, res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || machinePaths.test(req.path)) return next();
    const origin = req.get('Origin');
    const site = req.get('Sec-Fetch-Site');
    // Pages sent with Referrer-Policy: no-referrer (the survey) make browsers post
    // with `Origin: null`; then the fetch metadata header tells where the post came from.
    const sameOrigin =
      origin && origin !== 'null'
        ? origin === `${req.protocol}://${req.get('Host')}` || origin === env.APP_URL
        : origin === 'null'
          ? site === 'same-origin'
          : site !== 'cross-site';
    if (!sameOrigin) {
      res.status(403).type('text/plain').send('Cross-origin form posts are refused.');
      return;
    }
    // Checked here; Remix's own check would answer `Origin: null` (or an APP_URL
    // behind a proxy) with a 500, so it gets nothing left to compare.
    delete req.headers.origin;
    next();
  });

  app.use('/build', express.static('public/build', { immutable: true, maxAge: '1y' }));
  app.use(express.static('public', { maxAge: '1h' }));
  app.all(
    '*',
    createRequestHandler({
      build,
      mode: env.NODE_ENV === 'production' ? 'production' : 'development',
      getLoadContext: (req, res) => ({
        cspNonce: res.locals.cspNonce as string,
        clientAddress: req.ip ?? req.socket.remoteAddress ?? 'unknown',
      }),
    }),
  );
  return app;
}

