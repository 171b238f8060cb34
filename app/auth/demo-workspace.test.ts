import { describe, expect, it } from 'vitest';
import { DEMO } from '../../db/seed/demo.server';
import { DEMO_WORKSPACE_SLUG, isDemoWorkspace } from './demo-workspace';

describe('isDemoWorkspace', () => {
  it('knows the seed’s slug, and nothing else', () => {
    expect(DEMO_WORKSPACE_SLUG).toBe(DEMO.slug);
    expect(isDemoWorkspace(DEMO.slug)).toBe(true);
    expect(isDemoWorkspace('muster-beratung-2')).toBe(false);
    expect(isDemoWorkspace(null)).toBe(false);
  });
});
