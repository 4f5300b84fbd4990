/**
 * Chartist (SVG) charts in Preact. Bars are horizontal, one category a row, so long project and
 * chapter titles stay readable; each bar carries a <title> (the browser's tooltip) and its value
 * printed at its end. Each chart is a <figure> with a caption, a legend and a short text summary
 * for screen readers; the numbers themselves are in the report's table below it.
 */
import { BarChart, LineChart, type BarChartOptions, type LineChartOptions } from 'chartist';
import 'chartist/dist/index.css';
import { useEffect, useRef } from 'preact/hooks';

export interface Series {
  name: string;
  values: readonly number[];
}

const SERIES_CLASSES = ['a', 'b', 'c', 'd'];

function Legend({ series, marked }: { series: readonly Series[]; marked?: string | undefined }) {
  if (series.length < 2 && !marked) return null;
  return (
    <ul class="legend">
      {series.map((s, i) => (
        <li>
          <span class={`swatch swatch-${SERIES_CLASSES[i]}`} aria-hidden="true" />
          {s.name}
        </li>
      ))}
      {marked ? (
        <li>
          <span class="swatch swatch-marked" aria-hidden="true" />
          {marked}
        </li>
      ) : null}
    </ul>
  );
}

export interface BarsProps {
  /** `data-chart` of the figure: what tests and styles find it by. */
  id: string;
  title: string;
  /** Category labels, drawn top to bottom. */
  labels: readonly string[];
  series: readonly Series[];
  stacked?: boolean;
  format: (value: number) => string;
  /** The text at the end of a category's bars; default: `format` of its value (stacked: total). */
  valueText?: (category: number, value: number) => string;
  /** Categories drawn in the "marked" colour (a quiz's correct answer), named in the legend. */
  marked?: { flags: readonly boolean[]; label: string };
  /** Says what was left out, e.g. "The 50 projects with the most plays, of 120." */
  note?: string | undefined;
  /** One sentence for screen readers. */
  summary: string;
}

/** Pixel height of one category row, by number of side-by-side bars. */
const rowHeight = (bars: number) => 10 + 14 * bars;
/** Category labels longer than this are cut on the axis (the bar's tooltip has them whole). */
const LABEL_CHARS = 26;
const short = (text: string) =>
  text.length > LABEL_CHARS ? `${text.slice(0, LABEL_CHARS - 1).trimEnd()}…` : text;

export function Bars(props: BarsProps) {
  const ref = useRef<HTMLDivElement>(null);
  const { labels, series, stacked = false, format, valueText, marked } = props;
  const barsPerRow = stacked ? 1 : series.length;
  const height = labels.length * rowHeight(barsPerRow) + 36;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const n = labels.length;
    const s = series.length;
    // Chartist draws the first category at the bottom and, side by side, the first series
    // lowest: hand it both reversed, each series keeping its colour class.
    const data = {
      labels: labels.map(short).reverse(),
      series: series
        .map((x, i) => ({
          name: x.name,
          className: `ct-series-${SERIES_CLASSES[i]}`,
          data: [...x.values].reverse(),
        }))
        .reverse(),
    };
    const options: BarChartOptions = {
      horizontalBars: true,
      stackBars: stacked,
      seriesBarDistance: 14,
      height: `${height}px`,
      chartPadding: { top: 8, right: 64, bottom: 0, left: 8 },
      axisY: { offset: 190, showGrid: false },
      axisX: {
        low: 0,
        scaleMinSpace: 48,
        onlyInteger: format(0.5) === format(1) || undefined,
        labelInterpolationFnc: (value: unknown) => format(Number(value)),
      },
    };
    const chart = new BarChart(el, data, options);
    chart.on('draw', (event) => {
      if (event.type !== 'bar') return;
      const category = n - 1 - event.index;
      const index = s - 1 - event.seriesIndex;
      const value = series[index]?.values[category] ?? 0;
      event.element.attr({ style: `stroke-width: ${barsPerRow === 1 ? 16 : 12}px` });
      if (marked?.flags[category]) event.element.addClass('ct-bar-marked');
      event.element
        .elem('title')
        .text(`${labels[category]} · ${series[index]?.name}: ${format(value)}`);
      // The value goes at the end of each bar, or of the last segment when stacked.
      if (stacked && index !== s - 1) return;
      const total = stacked ? series.reduce((t, x) => t + (x.values[category] ?? 0), 0) : value;
      event.group
        .elem('text', { x: event.x2 + 6, y: event.y2 + 4 }, 'ct-value')
        .text(valueText ? valueText(category, total) : format(total));
    });
    return () => void chart.detach();
  }, [labels, series, stacked, format, valueText, marked, height, barsPerRow]);

  return (
    <figure class="chart" data-chart={props.id}>
      <figcaption>{props.title}</figcaption>
      <Legend series={series} marked={marked?.label} />
      <div ref={ref} class="chart-area" role="img" aria-label={props.summary} />
      {props.note ? <p class="chart-note">{props.note}</p> : null}
    </figure>
  );
}

export interface LinesProps {
  id: string;
  title: string;
  /** X labels (days). */
  labels: readonly string[];
  series: readonly Series[];
  format: (value: number) => string;
  summary: string;
}

export function Lines(props: LinesProps) {
  const ref = useRef<HTMLDivElement>(null);
  const { labels, series, format } = props;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // About eight dates on the axis, whatever the range.
    const every = Math.max(1, Math.ceil(labels.length / 8));
    const options: LineChartOptions = {
      height: '280px',
      fullWidth: true,
      showArea: true,
      lineSmooth: false,
      low: 0,
      chartPadding: { top: 12, right: 24, bottom: 4, left: 8 },
      axisX: {
        showGrid: false,
        labelInterpolationFnc: (value: unknown, index: number) =>
          index % every === 0 ? String(value).slice(5) : null,
      },
      axisY: {
        onlyInteger: true,
        offset: 56,
        labelInterpolationFnc: (value: unknown) => format(Number(value)),
      },
    };
    const chart = new LineChart(
      el,
      {
        labels: [...labels],
        series: series.map((s) => ({ name: s.name, data: [...s.values] })),
      },
      options,
    );
    chart.on('draw', (event) => {
      if (event.type !== 'point') return;
      const s = series[event.seriesIndex];
      const value = s?.values[event.index] ?? 0;
      event.element.elem('title').text(`${labels[event.index]} · ${s?.name}: ${format(value)}`);
    });
    return () => void chart.detach();
  }, [labels, series, format]);

  return (
    <figure class="chart" data-chart={props.id}>
      <figcaption>{props.title}</figcaption>
      <Legend series={series} />
      <div ref={ref} class="chart-area" role="img" aria-label={props.summary} />
    </figure>
  );
}
