/**
 * Compressed JavaScript a first, uncached visit of a staff page loads: the
 * client entry and every route module of the page with the chunks they
 * import, exactly the <script>/<link rel="modulepreload"> set that Remix
 * writes into the page from the build's manifest. Sizes are gzip at the
 * compression middleware's default level (what the app sends) and brotli for
 * comparison. Run `npm run build` first; `npm run bench:bundle` prints the
 * figures and fails when a page is over its budget.
 *
 * The pages' route chains are read from the manifest, so a route that starts
 * importing Chart.js or the survey editor shows up here at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { machine } from './support';

const root = fileURLToPath(new URL('../..', import.meta.url));
const buildDir = path.join(root, 'public/build');
/** Compressed JavaScript per page, in bytes (issue 15: login and overview under 200 KB). */
const BUDGET = 200 * 1024;

interface Manifest {
  entry: { module: string; imports?: string[] };
  routes: Record<string, { module: string; imports?: string[]; parentId?: string }>;
}

function readManifest(): Manifest {
  const file = readdirSync(buildDir).find((name) => /^manifest-.*\.js$/.test(name));
  if (!file) throw new Error('No build found in public/build: run `npm run build` first.');
  const source = readFileSync(path.join(buildDir, file), 'utf8');
  return JSON.parse(source.slice(source.indexOf('{'), source.lastIndexOf('}') + 1)) as Manifest;
}

/** Every script URL the page loads: the entry, then each route from the root down to the page. */
export function scriptsOf(manifest: Manifest, routeId: string): string[] {
  const chain: string[] = [];
  for (let id: string | undefined = routeId; id; id = manifest.routes[id]?.parentId) {
    if (!manifest.routes[id]) throw new Error(`Route ${id} is not in the build.`);
    chain.unshift(id);
  }
  const urls = [manifest.entry.module, ...(manifest.entry.imports ?? [])];
  for (const id of chain) urls.push(manifest.routes[id]!.module, ...(manifest.routes[id]!.imports ?? []));
  return [...new Set(urls)];
}

function sizes(urls: string[]) {
  let raw = 0;
  let gzip = 0;
  let brotli = 0;
  for (const url of urls) {
    const bytes = readFileSync(path.join(root, 'public', url));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
    brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { files: urls.length, raw, gzip, brotli };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

const pages = [
  { path: '/login', route: 'routes/login', budget: BUDGET },
  { path: '/app', route: 'routes/app._index', budget: BUDGET },
  // For the record, not budgeted: the pages that carry Chart.js and the survey editor.
  { path: '/app/results', route: 'routes/app.results._index', budget: null },
  { path: '/app/surveys/:surveyId', route: 'routes/app.surveys.$surveyId', budget: null },
];

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const manifest = readManifest();
  console.log(`Staff page JavaScript (first visit, uncached) — ${machine()}`);
  console.log('| page | files | raw | gzip | brotli | budget (gzip) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  let over = false;
  for (const page of pages) {
    const figures = sizes(scriptsOf(manifest, page.route));
    const verdict = page.budget === null ? '–' : `${kb(page.budget)} ${figures.gzip < page.budget ? 'met' : 'OVER'}`;
    if (page.budget !== null && figures.gzip >= page.budget) over = true;
    console.log(`| ${page.path} | ${figures.files} | ${kb(figures.raw)} | ${kb(figures.gzip)} | ${kb(figures.brotli)} | ${verdict} |`);
  }
  if (over) process.exitCode = 1;
}
