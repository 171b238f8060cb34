import { fileURLToPath } from 'node:url';

type Route = { id: string; path?: string; parentId?: string; module: { default?: unknown } };

/**
 * The page routes of the build (routes with a component that no other route
 * nests in: no layouts, no resource routes), as paths like /app/flags/:flagId.
 * Tests that walk "every page" compare their cases with this list, so a new
 * page kind without a case fails them.
 */
export async function pageRoutes(): Promise<string[]> {
  const build = (await import(fileURLToPath(new URL('../../build/index.js', import.meta.url)))) as { routes: Record<string, Route> };
  const routes = Object.values(build.routes);
  const parents = new Set(routes.map((route) => route.parentId));
  const fullPath = (route: Route) => {
    const parts: string[] = [];
    for (let current: Route | undefined = route; current; current = current.parentId ? build.routes[current.parentId] : undefined) {
      if (current.path) parts.unshift(current.path);
    }
    return `/${parts.join('/')}`;
  };
  return [...new Set(routes.filter((route) => typeof route.module.default === 'function' && !parents.has(route.id)).map(fullPath))].sort();
}
