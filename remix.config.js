/**
 * Remix classic compiler (esbuild). See docs/decisions/0001-remix-classic-compiler.md
 * for why, and for the path to the Vite plugin later.
 * @type {import('@remix-run/dev').AppConfig}
 */
export default {
  ignoredRouteFiles: ['**/.*', '**/*.test.{ts,tsx}'],
  serverModuleFormat: 'esm',
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    // Single fetch needs the Vite plugin; set explicitly so the build stays quiet.
    v3_singleFetch: false,
  },
};
