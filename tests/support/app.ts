import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ServerBuild } from '@remix-run/node';
import { parseEnv } from '../../app/config/env.server';
import { setDatabase } from '../../app/db.server';
import { createApp } from '../../app/http/express-app.server';
import type { DatabaseHandle } from '../../db/client.server';

/**
 * The real HTTP stack (Express, security headers, Remix build) on a free
 * local port, against a test database. `npm test` builds the app first.
 */
/** `env` adds to or overrides the test environment, e.g. `{ TRUST_PROXY: '1' }`. */
export async function startTestApp(database: DatabaseHandle, env: Record<string, string> = {}) {
  setDatabase(database);
  const buildPath = pathToFileURL(path.resolve('build/index.js')).href;
  const build = (await import(buildPath)) as ServerBuild;
  const app = createApp(build, parseEnv({ NODE_ENV: 'production', DEMO_SEED: 'false', ...env }));
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  // The server and its test clients share this process's event loop, which
  // creating a PGlite database can hold for seconds under load. With Node's
  // 5-second default the server could close an idle keep-alive connection in
  // the moment the client reused it (ECONNRESET, seen once in CI). With a
  // minute, no test's connection idles long enough for the server to close
  // it; the client still closes first (it keeps a margin below the server's
  // advertised Keep-Alive timeout), and close() ends every connection at once.
  server.keepAliveTimeout = 60_000;
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    /** A browser-like client with its own cookie jar. */
    client: () => new TestClient(base),
    // Every request of a test file has been answered when it closes the app:
    // its kept-alive connections end now, not after the minute above.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export class TestClient {
  private cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set('Cookie', this.cookieHeader);
    const response = await fetch(this.base + pathname, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const [name = '', ...value] = pair.split('=');
      const expired = /max-age=0|expires=thu, 01 jan 1970/i.test(cookie);
      if (expired || value.join('=') === '') this.cookies.delete(name);
      else this.cookies.set(name, value.join('='));
    }
    return response;
  }

  get(pathname: string, headers: HeadersInit = {}) {
    return this.request(pathname, { headers });
  }

  /** A same-origin form post, as a browser sends it. */
  post(pathname: string, form: Record<string, string>, headers: HeadersInit = {}) {
    return this.request(pathname, {
      method: 'POST',
      body: new URLSearchParams(form),
      headers: { Origin: this.base, ...headers },
    });
  }

  async login(email: string, password: string): Promise<Response> {
    return this.post('/login', { email, password });
  }

  forgetCookies() {
    this.cookies.clear();
  }
}
