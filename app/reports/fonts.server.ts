import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The font of the PDF and the chart images, shipped with the app (DejaVu
 * Sans, app/reports/fonts/LICENSE.txt): a server without any fonts installed
 * still prints every label, umlaut and dash, and every server prints the same.
 * Run from source the files sit beside this module; inside the Remix server
 * build (build/index.js) this module's own URL points elsewhere, and the app
 * is started from the project folder.
 */
function fontFolder(): string {
  const candidates = [fileURLToPath(new URL('./fonts', import.meta.url)), path.resolve(process.cwd(), 'app/reports/fonts')];
  const found = candidates.find((folder) => existsSync(path.join(folder, 'DejaVuSans.ttf')));
  if (!found) throw new Error(`The report font is missing: looked for DejaVuSans.ttf in ${candidates.join(' and ')}.`);
  return found;
}

let folder: string | undefined;

export const REPORT_FONT_FAMILY = 'Wouldmiss Sans';

export function reportFontFiles(): { regular: string; bold: string } {
  folder ??= fontFolder();
  return { regular: path.join(folder, 'DejaVuSans.ttf'), bold: path.join(folder, 'DejaVuSans-Bold.ttf') };
}
