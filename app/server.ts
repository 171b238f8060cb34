import { randomBytes } from 'node:crypto';
import type { ServerBuild } from '@remix-run/node';
import { createRequestHandler } from '@remix-run/express';
import compression from 'compression';
import express from 'express';
import helmet from 'helmet';
import { ConfigError, env as loadEnv } from './config/env.server';
import { openConfiguredDatabase } from './config/database.server';
import { setDatabase } from './db.server';
import { ensureDemoWorkspace } from '../db/seed/demo.server';
import { DataDirLockedError } from '../db/data-dir-lock.server';

/**
 * The production server: opens and migrates the database, creates the demo
 * workspace on an empty database, and serves the Remix build behind security
 * headers. `npm start` builds first and then runs this file.
 */
async function main() {
  const env = loadEnv();
  const started = Date.now();
  const database = await openConfiguredDatabase(env);
  setDatabase(database);
  console.log(`Database: ${database.driver === 'pglite' ? `PGlite in ${database.location}` : `PostgreSQL at ${database.location}`}`);

  if (env.DEMO_SEED) {
    const demo = await ensureDemoWorkspace(database.db);
    if (demo.created) console.log(`Created the demo workspace "${demo.workspaceName}" in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    if (demo.logins.length > 0) {
      console.log('Demo logins (demo data only):');
      for (const login of demo.logins) console.log(`  ${login.role.padEnd(9)} ${login.email}  password: ${login.password}`);
    }
  }

  const build = (await import(new URL('../build/index.js', import.meta.url).href)) as ServerBuild;
  const app = createApp(build, env);
  const server = app.listen(env.PORT, env.HOST, () => {
    console.log(`Wouldmiss is ready at ${env.APP_URL} (listening on ${env.HOST}:${env.PORT})`);
  });

  const shutdown = (signal: string) => {
    console.log(`${signal}: shutting down`);
    server.close(() => {
      void database.close().finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

/** Paths that are called by machines with their own authentication, not by browser forms. */
const machinePaths = /^\/(api|webhooks)\//;

export function createApp(build: ServerBuild, env: ReturnType<typeof loadEnv>) {
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

  // Cross-origin form posts are refused: SameSite cookies already keep the
  // session out of them, and this also stops login CSRF and forged sign-ups.
  app.use((req, res, next) => {
    if (['GET', 'HEAD', 'OPTIONS'].includes(req.method) || machinePaths.test(req.path)) return next();
    const origin = req.get('Origin');
    const site = req.get('Sec-Fetch-Site');
    const sameOrigin = origin ? origin === `${req.protocol}://${req.get('Host')}` || origin === env.APP_URL : site !== 'cross-site';
    if (!sameOrigin) {
      res.status(403).type('text/plain').send('Cross-origin form posts are refused.');
      return;
    }
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

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    console.error(error.message);
  } else {
    console.error('Wouldmiss could not start:', error);
  }
  process.exit(1);
});
