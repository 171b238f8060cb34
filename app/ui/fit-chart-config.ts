import type { ChartConfiguration, PointStyle } from 'chart.js';
import type { MissUsAnswer } from '../analysis/tables';
import { tierColors } from './palette';

/**
 * The fit map as a Chart.js scatter configuration: revenue across, the
 * miss-us answer up (one band per answer; within a band, higher is a better
 * PTI), one dataset per tier with its own point shape as well as colour, a
 * red outline on flagged customers, and a dashed line at the median revenue
 * that separates high from low value. Only Chart.js's types are imported.
 */

/** Point shapes of the tiers, best first: a tier is told by its shape, not by colour alone. */
export const tierShapes: PointStyle[] = ['circle', 'triangle', 'rect', 'rectRot', 'rectRounded'];
const FLAG_OUTLINE = '#b91c1c';

export interface FitMapPoint {
  id: string;
  tier: string;
  revenue: number;
  missUs: MissUsAnswer | null;
  pti: number | null;
  flagged: boolean;
  /** The tooltip text. */
  label: string;
}

/** A scatter dataset as this chart uses it; spelled out, as Chart.js's own dataset type is too deep for the compiler here. */
interface ScatterDataset {
  label: string;
  data: Array<{ x: number; y: number }>;
  pointStyle?: PointStyle;
  backgroundColor?: string;
  borderColor: string | string[];
  borderWidth: number | number[];
  borderDash?: number[];
  showLine?: boolean;
  pointRadius: number;
  pointHoverRadius: number;
}

export interface FitMapSpec {
  tiers: string[];
  points: FitMapPoint[];
  median: number | null;
  labels: { x: string; y: string; median: string; bands: Record<'none' | 'not' | 'somewhat' | 'very', string> };
  formatMoney: (value: number) => string;
}

const BANDS = { not: 0, somewhat: 1, very: 2 } as const;

/** The customer behind a point of the chart (dataset = tier index), for a click. */
export function fitMapPointAt(spec: Pick<FitMapSpec, 'tiers' | 'points'>, datasetIndex: number, index: number): FitMapPoint | undefined {
  const tier = spec.tiers[datasetIndex];
  return tier === undefined ? undefined : spec.points.filter((point) => point.tier === tier)[index];
}

/** Where a customer sits up the map: the band of the answer, then the PTI within it (mid-band without one). */
export function fitMapY(missUs: MissUsAnswer | null, pti: number | null): number {
  const band = missUs === 'not' || missUs === 'somewhat' || missUs === 'very' ? BANDS[missUs] : -1;
  return band + 0.1 + 0.8 * ((pti ?? 3) - 1) / 4;
}

export function fitMapConfig(spec: FitMapSpec, target: { responsive: boolean }): ChartConfiguration {
  const { points, median, labels } = spec;
  const logarithmic = points.length > 0 && points.every((point) => point.revenue > 0);
  const lowest = points.some((point) => fitMapY(point.missUs, point.pti) < 0) ? -1 : 0;
  const xs = points.map((point) => point.revenue);
  const byTier = spec.tiers.map((tier) => points.filter((point) => point.tier === tier));
  const datasets: ScatterDataset[] = spec.tiers.map((tier, index) => {
    const ofTier = byTier[index]!;
    const color = tierColors[index % tierColors.length]!;
    return {
      label: tier,
      data: ofTier.map((point) => ({ x: point.revenue, y: fitMapY(point.missUs, point.pti) })),
      pointStyle: tierShapes[index % tierShapes.length],
      backgroundColor: `${color}99`,
      borderColor: ofTier.map((point) => (point.flagged ? FLAG_OUTLINE : color)),
      borderWidth: ofTier.map((point) => (point.flagged ? 2.5 : 1)),
      pointRadius: 5,
      pointHoverRadius: 7,
    };
  });
  if (median !== null && xs.length > 0) {
    datasets.push({
      label: labels.median,
      data: [
        { x: median, y: lowest },
        { x: median, y: 3 },
      ],
      showLine: true,
      borderColor: '#6b7280',
      borderDash: [4, 4],
      borderWidth: 1,
      pointRadius: 0,
      pointHoverRadius: 0,
    });
  }
  const bandLabel = (value: number) =>
    value === -0.5 ? labels.bands.none : value === 0.5 ? labels.bands.not : value === 1.5 ? labels.bands.somewhat : value === 2.5 ? labels.bands.very : '';
  const config = {
    type: 'scatter' as const,
    data: { datasets },
    options: {
      responsive: target.responsive,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: {
          type: logarithmic ? ('logarithmic' as const) : ('linear' as const),
          title: { display: true, text: labels.x },
          ticks: { callback: (value: string | number) => spec.formatMoney(Number(value)), maxTicksLimit: 8 },
        },
        y: {
          min: lowest,
          max: 3,
          // Two lines before the bracket: in one line the title is longer than the map is high on a phone and is cut off.
          title: { display: true, text: labels.y.includes(' (') ? [labels.y.slice(0, labels.y.indexOf(' (')), labels.y.slice(labels.y.indexOf(' (') + 1)] : labels.y },
          ticks: { stepSize: 0.5, autoSkip: false, callback: (value: string | number) => bandLabel(Number(value)) },
          grid: { color: (context: { tick?: { value: number } }) => (Number.isInteger(context.tick?.value) ? '#d1d5db' : 'transparent') },
        },
      },
      plugins: {
        legend: { labels: { usePointStyle: true } },
        tooltip: {
          filter: (item: { datasetIndex: number }) => item.datasetIndex < spec.tiers.length,
          callbacks: {
            label: (item: { datasetIndex: number; dataIndex: number }) => byTier[item.datasetIndex]?.[item.dataIndex]?.label ?? '',
          },
        },
      },
    },
  };
  // Checked field by field above; Chart.js's configuration type is too deep for the compiler to check this literal against.
  return config as unknown as ChartConfiguration;
}
