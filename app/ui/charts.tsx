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
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { tierColors, tierDashes } from './palette';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);


export interface Series {
  label: string;
  data: Array<number | null>;
}

/**
 * A chart drawn by Chart.js in the browser, with its figures as a table for
 * screen readers and for pages without JavaScript (the table is the text
 * alternative; the canvas is hidden from assistive technology).
 */
function ChartFigure({ id, title, config, table }: { id: string; title: string; config: () => ChartConfiguration; table: ReactNode }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const { t } = useTranslation();
  const latest = useRef(config);
  latest.current = config;
  // Redraw only when the figures change, not on every render.
  const signature = JSON.stringify(config().data);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, latest.current());
    return () => chart.destroy();
  }, [signature]);
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <div className="chart-canvas">
        <canvas ref={canvas} aria-hidden="true" />
      </div>
      <details>
        <summary>{t('results.dataTable')}</summary>
        {table}
      </details>
    </figure>
  );
}

/** A metric over time, one line per tier; optional reference line (the 40 % benchmark). */
export function TrendChart({
  id,
  title,
  periods,
  series,
  format,
  min,
  max,
  reference,
  pointHref,
}: {
  id: string;
  title: string;
  periods: string[];
  series: Series[];
  format: (value: number) => string;
  min?: number;
  max?: number;
  reference?: { label: string; value: number };
  /** Where a click on a tier's point leads (the customers behind it); the table below links the same figures for keyboards. */
  pointHref?: (tier: string, period: string) => string;
}) {
  const config = (): ChartConfiguration => ({
    type: 'line',
    data: {
      labels: periods,
      datasets: [
        ...series.map((s, index) => ({
          label: s.label,
          data: s.data,
          borderColor: tierColors[index % tierColors.length],
          backgroundColor: tierColors[index % tierColors.length],
          borderDash: tierDashes[index % tierDashes.length],
          spanGaps: true,
          tension: 0,
        })),
        ...(reference
          ? [{ label: reference.label, data: periods.map(() => reference.value), borderColor: '#6b7280', borderDash: [3, 3], pointRadius: 0, borderWidth: 1 }]
          : []),
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { min, max, ticks: { callback: (value) => format(Number(value)) } } },
      onClick: (_event, elements) => {
        const point = elements[0];
        const tier = point ? series[point.datasetIndex]?.label : undefined;
        const period = point ? periods[point.index] : undefined;
        if (pointHref && tier && period) window.location.assign(pointHref(tier, period));
      },
      onHover: (event, elements) => {
        const target = event.native?.target as HTMLElement | undefined;
        if (target && pointHref) target.style.cursor = elements.some((e) => e.datasetIndex < series.length) ? 'pointer' : 'default';
      },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))}` } } },
    },
  });
  const table = (
    <table>
      <thead>
        <tr>
          <th scope="col">{title}</th>
          {periods.map((period) => (
            <th key={period} scope="col">
              {period}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {series.map((s) => (
          <tr key={s.label}>
            <th scope="row">{s.label}</th>
            {s.data.map((value, index) => (
              <td key={periods[index]} className="num">
                {value === null ? '–' : pointHref ? <a href={pointHref(s.label, periods[index]!)}>{format(value)}</a> : format(value)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return <ChartFigure id={id} title={title} config={config} table={table} />;
}

/** Stacked horizontal bars: one bar per category (tier), one segment per part. */
export function StackedBarChart({
  id,
  title,
  categories,
  parts,
  format,
}: {
  id: string;
  title: string;
  categories: string[];
  parts: Array<{ label: string; color: string; values: number[] }>;
  format: (value: number) => string;
}) {
  const config = (): ChartConfiguration => ({
    type: 'bar',
    data: {
      labels: categories,
      datasets: parts.map((part) => ({ label: part.label, data: part.values, backgroundColor: part.color })),
    },
    options: {
      indexAxis: 'y',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true, ticks: { callback: (value) => format(Number(value)) } }, y: { stacked: true } },
      plugins: { tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${format(Number(item.raw))}` } } },
    },
  });
  const table = (
    <table>
      <thead>
        <tr>
          <th scope="col">{title}</th>
          {parts.map((part) => (
            <th key={part.label} scope="col">
              {part.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {categories.map((category, row) => (
          <tr key={category}>
            <th scope="row">{category}</th>
            {parts.map((part) => (
              <td key={part.label} className="num">
                {format(part.values[row] ?? 0)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return <ChartFigure id={id} title={title} config={config} table={table} />;
}
