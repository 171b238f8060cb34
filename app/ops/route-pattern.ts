/**
 * Turns a request path into the pattern of the route that serves it
 * (`/s/:token`, `/app/campaigns/:campaignId`), so that logs and metrics name
 * the page without the values in its path: a survey link's token is a
 * password, and ids would make every page its own metric. Paths no route
 * serves are all `unmatched`, because they can be anything a client sent.
 */
export interface RouteDefinition {
  id: string;
  parentId?: string;
  path?: string;
  index?: boolean;
}

interface CompiledRoute {
  pattern: string;
  regex: RegExp;
  score: number;
  /** The first segment when it is a required literal (lower case), else null: the route can match only paths starting with it. */
  first: string | null;
}

/**
 * `extra` adds the paths that Express answers ahead of Remix (the survey at
 * `/s/:token`, `/readyz`, `/metrics`), in the same notation.
 */
export function routePatternMatcher(routes: Record<string, RouteDefinition | undefined>, extra: string[] = []): (pathname: string) => string {
  const fullPath = (route: RouteDefinition): string => {
    const parent = route.parentId ? routes[route.parentId] : undefined;
    const own = route.path ?? '';
    const base = parent ? fullPath(parent) : '';
    return [base, own].filter(Boolean).join('/').replace(/\/+/g, '/');
  };
  const compiled: CompiledRoute[] = [];
  const seen = new Set<string>();
  for (const route of Object.values(routes)) {
    if (!route) continue;
    // Layout routes without a path of their own serve nothing alone (their index or children do).
    if (route.path === undefined && !route.index && route.id !== 'root') continue;
    const pattern = `/${fullPath(route)}`.replace(/\/$/, '') || '/';
    if (seen.has(pattern)) continue;
    seen.add(pattern);
    compiled.push(compile(pattern));
  }
  for (const pattern of extra) {
    if (seen.has(pattern)) continue;
    seen.add(pattern);
    compiled.push(compile(pattern));
  }
  // The most specific route wins, as in Remix: static segments before parameters before a splat.
  compiled.sort((a, b) => b.score - a.score);
  // Every request is matched (each log line and metric names its route), so
  // the candidates are narrowed by the path's first segment once, here: a
  // survey page tried some 70 regular expressions before (about 3 µs).
  const generic = compiled.filter((route) => route.first === null);
  const byFirst = new Map<string, CompiledRoute[]>();
  for (const route of compiled) {
    if (route.first !== null && !byFirst.has(route.first)) byFirst.set(route.first, compiled.filter((r) => r.first === null || r.first === route.first));
  }
  return (pathname) => {
    const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
    const end = path.indexOf('/', 1);
    const first = (end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase();
    for (const route of byFirst.get(first) ?? generic) if (route.regex.test(path)) return route.pattern;
    if (path.startsWith('/build/')) return '/build/*';
    return 'unmatched';
  };
}

function compile(pattern: string): CompiledRoute {
  const segments = pattern.split('/').filter(Boolean);
  const head = segments[0];
  const first = head !== undefined && head !== '*' && !head.startsWith(':') && !head.endsWith('?') ? head.toLowerCase() : null;
  let score = segments.length * 2;
  const parts = segments.map((segment) => {
    if (segment === '*') {
      score -= 20;
      return '(?:/.*)?';
    }
    const optional = segment.endsWith('?');
    const name = optional ? segment.slice(0, -1) : segment;
    if (name.startsWith(':')) {
      score += optional ? 0 : 3;
      return optional ? '(?:/[^/]+)?' : '/[^/]+';
    }
    score += 10;
    const literal = `/${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;
    return optional ? `(?:${literal})?` : literal;
  });
  return { pattern, regex: new RegExp(`^${parts.join('') || '/'}$`, 'i'), score, first };
}
