import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Values computed once per HTTP request and shared by everything serving it.
 * Remix hands each loader of a page its own copy of the Request, so a cache
 * keyed by the Request object would never hit; the async context of the
 * HTTP request is what the root's, the app shell's and the page's loaders
 * have in common. The storage lives on globalThis because the server (run
 * from source) and the Remix build each load their own copy of this module.
 */
declare global {
  var __wouldmissRequestScope: AsyncLocalStorage<Map<string, unknown>> | undefined;
}

const storage = (globalThis.__wouldmissRequestScope ??= new AsyncLocalStorage<Map<string, unknown>>());

/** Runs `serve` (and everything it starts) in a fresh scope. */
export function runInRequestScope<T>(serve: () => T): T {
  return storage.run(new Map(), serve);
}

/** The value of `key` in this request's scope, computed on first use; outside a scope, computed every time. */
export function requestScoped<T>(key: string, compute: () => T): T {
  const scope = storage.getStore();
  if (!scope) return compute();
  if (!scope.has(key)) scope.set(key, compute());
  return scope.get(key) as T;
}

/** Drops `key` from this request's scope, e.g. when the session it describes ends. */
export function forgetInRequestScope(key: string): void {
  storage.getStore()?.delete(key);
}
