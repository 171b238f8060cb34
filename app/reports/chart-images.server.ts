import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  type ChartItem,
} from 'chart.js';
import { chartConfig, type ChartSpec } from '../ui/chart-configs';
import { REPORT_FONT_FAMILY, reportFontFiles } from './fonts.server';

/**
 * The review's charts drawn on the server as PNG, from the same Chart.js
 * configuration the page draws in the browser (app/ui/chart-configs.ts),
 * onto an @napi-rs/canvas canvas: a fixed size, no animation, no
 * responsiveness, and the shipped font. No browser is involved. See
 * docs/decisions/0027-review-pdf-and-quarterly-email.md.
 */

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Legend);

let fontsReady = false;
function registerFonts(): void {
  if (fontsReady) return;
  const files = reportFontFiles();
  GlobalFonts.registerFromPath(files.regular, REPORT_FONT_FAMILY);
  GlobalFonts.registerFromPath(files.bold, REPORT_FONT_FAMILY);
  // This module's Chart.js is the server's own (the browser bundle has its own defaults).
  Chart.defaults.font.family = REPORT_FONT_FAMILY;
  Chart.defaults.color = '#1f2937';
  fontsReady = true;
}

export interface ChartImage {
  id: string;
  title: string;
  png: Buffer;
  width: number;
  height: number;
}

/** Width and height in CSS pixels; the PNG has `scale` times as many, for print and high-density screens. */
export function renderChartImage(spec: ChartSpec, options: { width?: number; height?: number; scale?: number } = {}): ChartImage {
  registerFonts();
  const width = options.width ?? 640;
  const height = options.height ?? 300;
  const scale = options.scale ?? 2;
  const canvas = createCanvas(width, height);
  const config = chartConfig(spec, { responsive: false });
  // A white background: PNGs with transparency show black in some mail clients.
  const background = {
    id: 'white-background',
    beforeDraw: (chart: Chart) => {
      const context = chart.ctx;
      context.save();
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, chart.width, chart.height);
      context.restore();
    },
  };
  const chart = new Chart(canvas as unknown as ChartItem, {
    ...config,
    // Chart.js enlarges the canvas by this ratio and draws fonts and lines to match.
    options: { ...config.options, devicePixelRatio: scale, plugins: { ...config.options?.plugins, tooltip: { enabled: false } } },
    plugins: [background],
  } as typeof config);
  try {
    return { id: spec.id, title: spec.title, png: canvas.toBuffer('image/png'), width, height };
  } finally {
    chart.destroy();
  }
}
