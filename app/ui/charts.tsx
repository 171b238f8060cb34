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
import { stackedBarChartConfig, trendChartConfig, type StackedBarChartSpec, type TrendChartSpec } from './chart-configs';

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

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

/** A metric over time, one line per tier; a click on a point opens the customers behind it. */
export function TrendChart({ spec }: { spec: TrendChartSpec }) {
  const { id, title, periods, series, format, pointHref } = spec;
  const config = (): ChartConfiguration => {
    const base = trendChartConfig(spec, { responsive: true });
    return {
      ...base,
      options: {
        ...base.options,
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
      },
    };
  };
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
export function StackedBarChart({ spec }: { spec: StackedBarChartSpec }) {
  const { id, title, categories, parts, format } = spec;
  const config = () => stackedBarChartConfig(spec, { responsive: true });
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
