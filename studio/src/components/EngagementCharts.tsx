/**
 * The charts of the engagement reports, built from the same rows as the table: plays and
 * interaction rate per project, views vs clicks per chapter, poll answers, sentiment spread,
 * experiences, sign-ins, and plays per day. Reports whose rows are events (streams, details)
 * have no chart: a table says more.
 */
import { useMemo } from 'preact/hooks';
import type { EngagementReportName } from '../domain.js';
import { formatInteger, formatRate } from '../format.js';
import { daysOf, type Query } from '../query.js';
import type { Column } from '../reports.js';
import type { Row } from '../run.js';
import { Bars, Lines, type Series } from './Chart.js';

/** At most this many categories in one chart; the note says how many there were. */
export const MAX_BARS = 50;
const MAX_POLLS = 12;

interface Props {
  report: EngagementReportName;
  columns: readonly Column[];
  rows: readonly Row[];
  query: Query;
}

/** Reads a row's cells by column name. */
function reader(columns: readonly Column[]) {
  const at = new Map(columns.map((c, i) => [c.key, i]));
  const cell = (row: Row, key: string) => row[at.get(key) ?? -1] ?? null;
  return {
    num: (row: Row, key: string) => {
      const v = cell(row, key);
      return typeof v === 'number' ? v : 0;
    },
    text: (row: Row, key: string, fallback?: string): string => {
      const v = cell(row, key);
      if (v !== null && v !== '') return String(v);
      return fallback !== undefined ? String(cell(row, fallback) ?? '') : '';
    },
  };
}

/**
 * The `limit` items with the largest `by`, largest first (or in their own order with
 * `keepOrder`), and a note when some were left out.
 */
function top<T>(
  items: T[],
  by: (item: T) => number,
  what: string,
  { limit = MAX_BARS, keepOrder = false } = {},
) {
  const ranked = items.map((item, i) => ({ item, i, v: by(item) }));
  ranked.sort((a, b) => b.v - a.v || a.i - b.i);
  const kept = ranked.slice(0, limit);
  if (keepOrder) kept.sort((a, b) => a.i - b.i);
  const note =
    items.length > limit
      ? `The ${limit} ${what}, of ${formatInteger(items.length)}; the table holds them all.`
      : undefined;
  return { items: kept.map((k) => k.item), note };
}

function ProjectCharts({ columns, rows }: Props) {
  const data = useMemo(() => {
    const r = reader(columns);
    const all = rows.map((row) => ({
      label: r.text(row, 'project_title', 'project_id'),
      plays: r.num(row, 'plays'),
      rate: r.num(row, 'interaction_rate'),
    }));
    const { items, note } = top(all, (p) => p.plays, 'projects with the most plays');
    const labels = items.map((p) => p.label);
    return {
      labels,
      note,
      plays: [{ name: 'Plays', values: items.map((p) => p.plays) }],
      rate: [{ name: 'Interaction rate', values: items.map((p) => p.rate) }],
    };
  }, [columns, rows]);
  return (
    <div class="chart-grid">
      <Bars
        id="plays-per-project"
        title="Plays per project"
        labels={data.labels}
        series={data.plays}
        format={formatInteger}
        note={data.note}
        summary={`Plays of ${data.labels.length} projects, one bar each.`}
      />
      <Bars
        id="interaction-rate-per-project"
        title="Interaction rate per project"
        labels={data.labels}
        series={data.rate}
        format={formatRate}
        note={data.note}
        summary={`Share of plays with an interaction, for ${data.labels.length} projects.`}
      />
    </div>
  );
}

function ExperienceCharts({ columns, rows }: Props) {
  const data = useMemo(() => {
    const r = reader(columns);
    const all = rows.map((row) => ({
      label: r.text(row, 'experience_title', 'experience_id'),
      plays: r.num(row, 'plays'),
      rate: r.num(row, 'interaction_rate'),
    }));
    const { items, note } = top(all, (e) => e.plays, 'experiences with the most plays');
    return {
      labels: items.map((e) => e.label),
      note,
      plays: [{ name: 'Plays', values: items.map((e) => e.plays) }],
      rate: [{ name: 'Interaction rate', values: items.map((e) => e.rate) }],
    };
  }, [columns, rows]);
  return (
    <div class="chart-grid">
      <Bars
        id="plays-per-experience"
        title="Plays per experience"
        labels={data.labels}
        series={data.plays}
        format={formatInteger}
        note={data.note}
        summary={`Plays of ${data.labels.length} experiences.`}
      />
      <Bars
        id="interaction-rate-per-experience"
        title="Interaction rate per experience"
        labels={data.labels}
        series={data.rate}
        format={formatRate}
        note={data.note}
        summary={`Share of plays with an interaction, for ${data.labels.length} experiences.`}
      />
    </div>
  );
}

function ChapterChart({ columns, rows }: Props) {
  const data = useMemo(() => {
    const r = reader(columns);
    const all = rows.map((row) => ({
      label: `${r.text(row, 'chapter_title', 'annotation_id')} · ${r.text(row, 'project_title', 'project_id')}`,
      views: r.num(row, 'views'),
      clicks: r.num(row, 'clicks'),
    }));
    const { items, note } = top(all, (c) => c.views + c.clicks, 'most-used chapters', {
      keepOrder: true,
    });
    const series: Series[] = [
      { name: 'Views (passed in playback)', values: items.map((c) => c.views) },
      { name: 'Clicks (chosen in the menu)', values: items.map((c) => c.clicks) },
    ];
    return { labels: items.map((c) => c.label), series, note };
  }, [columns, rows]);
  return (
    <Bars
      id="chapters"
      title="Views and clicks per chapter"
      labels={data.labels}
      series={data.series}
      format={formatInteger}
      note={data.note}
      summary={`Views and menu clicks of ${data.labels.length} chapters.`}
    />
  );
}

function PollCharts({ columns, rows }: Props) {
  const polls = useMemo(() => {
    const r = reader(columns);
    const byPoll = new Map<string, { prompt: string; labels: string[]; values: number[] }>();
    for (const row of rows) {
      const id = r.text(row, 'annotation_id');
      const poll = byPoll.get(id) ?? {
        prompt: r.text(row, 'prompt') || id,
        labels: [],
        values: [],
      };
      poll.labels.push(r.text(row, 'response') || '(empty)');
      poll.values.push(r.num(row, 'answers_received'));
      byPoll.set(id, poll);
    }
    const all = [...byPoll].map(([id, p]) => ({
      id,
      ...p,
      total: p.values.reduce((a, b) => a + b, 0),
      series: [{ name: 'Viewers', values: p.values }],
    }));
    return top(all, (p) => p.total, 'polls with the most answers', { limit: MAX_POLLS });
  }, [columns, rows]);
  return (
    <div class="chart-grid">
      {polls.items.map((poll) => (
        <Bars
          id="poll"
          title={poll.prompt}
          labels={poll.labels}
          series={poll.series}
          format={formatInteger}
          summary={`Viewers who chose each of ${poll.labels.length} answers.`}
        />
      ))}
      {polls.note ? <p class="chart-note">{polls.note}</p> : null}
    </div>
  );
}

function SentimentChart({ columns, rows }: Props) {
  const data = useMemo(() => {
    const r = reader(columns);
    const all = rows.map((row) => {
      const rated = r.num(row, 'plays_with_rating');
      const best = r.num(row, 'plays_with_max_rating');
      const worst = r.num(row, 'plays_with_min_rating');
      return {
        label: r.text(row, 'project_title', 'project_id'),
        median: r.text(row, 'median_rating'),
        rated,
        best,
        worst,
        middle: Math.max(0, rated - best - worst),
      };
    });
    const { items, note } = top(all, (p) => p.rated, 'most-rated projects');
    const series: Series[] = [
      { name: 'Rated 1 (lowest)', values: items.map((p) => p.worst) },
      { name: 'Rated 2–4', values: items.map((p) => p.middle) },
      { name: 'Rated 5 (highest)', values: items.map((p) => p.best) },
    ];
    const valueText = (i: number, total: number) => {
      const median = items[i]?.median;
      return median ? `${formatInteger(total)} · median ${median}` : formatInteger(total);
    };
    return { labels: items.map((p) => p.label), series, note, valueText };
  }, [columns, rows]);
  return (
    <Bars
      id="sentiment"
      title="Sentiment spread: rated plays by rating, with the median"
      labels={data.labels}
      series={data.series}
      stacked
      format={formatInteger}
      valueText={data.valueText}
      note={data.note}
      summary={`Rated plays of ${data.labels.length} projects, split by rating.`}
    />
  );
}

function SigninChart({ columns, rows }: Props) {
  const data = useMemo(() => {
    const r = reader(columns);
    const all = rows.map((row) => ({
      label: r.text(row, 'title', 'annotation_id'),
      views: r.num(row, 'views'),
      manual: r.num(row, 'sign_ins_manual'),
    }));
    const { items, note } = top(all, (s) => s.views, 'most-viewed sign-in widgets');
    const series: Series[] = [
      { name: 'Views', values: items.map((s) => s.views) },
      { name: 'Manual sign-ins', values: items.map((s) => s.manual) },
    ];
    return { labels: items.map((s) => s.label), series, note };
  }, [columns, rows]);
  return (
    <Bars
      id="signins"
      title="Views and sign-ins per sign-in widget"
      labels={data.labels}
      series={data.series}
      format={formatInteger}
      note={data.note}
      summary={`Views and manual sign-ins of ${data.labels.length} widgets.`}
    />
  );
}

export function DailyChart({ columns, rows, query }: Props) {
  const data = useMemo(() => {
    const r = reader(columns);
    const days = daysOf(query.start, query.end);
    const index = new Map(days.map((d, i) => [d, i]));
    const loads = new Array<number>(days.length).fill(0);
    const plays = new Array<number>(days.length).fill(0);
    const interacted = new Array<number>(days.length).fill(0);
    for (const row of rows) {
      const i = index.get(r.text(row, 'date'));
      if (i === undefined) continue;
      loads[i]! += r.num(row, 'loads');
      plays[i]! += r.num(row, 'plays');
      interacted[i]! += r.num(row, 'plays_with_interaction');
    }
    const series: Series[] = [
      { name: 'Loads', values: loads },
      { name: 'Plays', values: plays },
      { name: 'Plays with an interaction', values: interacted },
    ];
    const sum = (a: number[]) => a.reduce((t, v) => t + v, 0);
    return {
      days,
      series,
      totals: { loads: sum(loads), plays: sum(plays), with: sum(interacted) },
    };
  }, [columns, rows, query]);
  return (
    <>
      <dl class="totals">
        <div>
          <dt>Loads</dt>
          <dd>{formatInteger(data.totals.loads)}</dd>
        </div>
        <div>
          <dt>Plays</dt>
          <dd>{formatInteger(data.totals.plays)}</dd>
        </div>
        <div>
          <dt>Play rate</dt>
          <dd>{formatRate(data.totals.loads ? data.totals.plays / data.totals.loads : 0)}</dd>
        </div>
        <div>
          <dt>Interaction rate</dt>
          <dd>{formatRate(data.totals.plays ? data.totals.with / data.totals.plays : 0)}</dd>
        </div>
      </dl>
      <Lines
        id="plays-per-day"
        title="Plays per day (UTC)"
        labels={data.days}
        series={data.series}
        format={formatInteger}
        summary={`Loads, plays and plays with an interaction on each of ${data.days.length} days.`}
      />
    </>
  );
}

export function EngagementCharts(props: Props) {
  switch (props.report) {
    case 'daily_engagement_summary':
      return <DailyChart {...props} />;
    case 'project_engagement_summary_raw':
      return <ProjectCharts {...props} />;
    case 'experience_engagement_summary_raw':
      return <ExperienceCharts {...props} />;
    case 'chapter_summary':
      return <ChapterChart {...props} />;
    case 'poll_widget_summary':
      return <PollCharts {...props} />;
    case 'widget_user_sentiment_summary':
      return <SentimentChart {...props} />;
    case 'signin_widget_summary':
      return <SigninChart {...props} />;
    default:
      return null;
  }
}
