import { describe, expect, it } from 'vitest';
import { routePatternMatcher } from './route-pattern';

const routes = {
  root: { id: 'root', path: '' },
  'routes/_index': { id: 'routes/_index', parentId: 'root', index: true },
  'routes/s.$token': { id: 'routes/s.$token', parentId: 'root', path: 's/:token' },
  'routes/app': { id: 'routes/app', parentId: 'root', path: 'app' },
  'routes/app._index': { id: 'routes/app._index', parentId: 'routes/app', index: true },
  'routes/app.campaigns.new': { id: 'routes/app.campaigns.new', parentId: 'routes/app', path: 'campaigns/new' },
  'routes/app.campaigns.$campaignId': { id: 'routes/app.campaigns.$campaignId', parentId: 'routes/app', path: 'campaigns/:campaignId' },
  'routes/_auth': { id: 'routes/_auth', parentId: 'root' },
  'routes/_auth.login': { id: 'routes/_auth.login', parentId: 'routes/_auth', path: 'login' },
  'routes/docs.$': { id: 'routes/docs.$', parentId: 'root', path: 'docs/*' },
  'routes/($lang).about': { id: 'routes/($lang).about', parentId: 'root', path: ':lang?/about' },
};

describe('routePatternMatcher', () => {
  const patternOf = routePatternMatcher(routes);

  it('names the route, never the values in the path', () => {
    expect(patternOf('/s/Zt3q9Kx1-secret_token')).toBe('/s/:token');
    expect(patternOf('/app/campaigns/4b7c1f4e-1111-2222-3333-444455556666')).toBe('/app/campaigns/:campaignId');
  });

  it('prefers a static segment to a parameter, and follows layouts and index routes', () => {
    expect(patternOf('/app/campaigns/new')).toBe('/app/campaigns/new');
    expect(patternOf('/app')).toBe('/app');
    expect(patternOf('/app/')).toBe('/app');
    expect(patternOf('/')).toBe('/');
    expect(patternOf('/login')).toBe('/login');
  });

  it('handles splats and optional segments', () => {
    expect(patternOf('/docs/a/b/c')).toBe('/docs/*');
    expect(patternOf('/about')).toBe('/:lang?/about');
    expect(patternOf('/de/about')).toBe('/:lang?/about');
  });

  it('knows the paths Express answers ahead of Remix', () => {
    const withExtra = routePatternMatcher(routes, ['/s/:token', '/readyz']);
    expect(withExtra('/readyz')).toBe('/readyz');
    expect(withExtra('/app/campaigns/new')).toBe('/app/campaigns/new');
  });

  it('calls any other path unmatched, whatever it contains', () => {
    expect(patternOf('/s/token/extra')).toBe('unmatched');
    expect(patternOf('/wp-login.php?user=someone@example.com')).toBe('unmatched');
    expect(patternOf('/build/entry.client-ABC.js')).toBe('/build/*');
  });

  it('narrows by the first segment without changing the answer (case, splats and parameters first)', () => {
    const matcher = routePatternMatcher({ ...routes, 'routes/$': { id: 'routes/$', parentId: 'root', path: '*' }, 'routes/$slug': { id: 'routes/$slug', parentId: 'root', path: ':slug' } });
    expect(matcher('/S/Zt3q9Kx1-secret_token')).toBe('/s/:token');
    expect(matcher('/APP/Campaigns/new')).toBe('/app/campaigns/new');
    expect(matcher('/docs')).toBe('/:slug');
    expect(matcher('/Docs/a')).toBe('/docs/*');
    expect(matcher('/s')).toBe('/:slug');
    expect(matcher('/about')).toBe('/:lang?/about');
    expect(matcher('/de/about')).toBe('/:lang?/about');
    expect(matcher('/s/token/extra')).toBe('/*');
    expect(matcher('/nothing/here')).toBe('/*');
  });
});
