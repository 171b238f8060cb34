/**
 * The demo workspace's slug (db/seed/demo.server.ts, DEMO.slug; a test keeps
 * the two equal). Its accounts share a published password, so the interface
 * marks them, and routes can tell the demo from a real workspace without
 * loading the seed code.
 */
export const DEMO_WORKSPACE_SLUG = 'muster-beratung';

export function isDemoWorkspace(slug: string | null | undefined): boolean {
  return slug === DEMO_WORKSPACE_SLUG;
}
