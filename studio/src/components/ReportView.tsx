/**
 * One report on screen: its state while the server builds it, then its chart, its table and its
 * download. Engagement reports go through the 202 protocol and are read as NDJSON; the CSV
 * download asks for the same report with format=csv, which the server serves from the same job.
 */
import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import type { EngagementReportName } from '../domain.js';
import { formatInteger } from '../format.js';
import { useRun, useStudio } from '../hooks.js';
import { engagementUrl, type Query } from '../query.js';
import { engagementColumns, isEngagement, reportInfo, type ReportId } from '../reports.js';
import {
  awaitReport,
  fileNameOf,
  readNdjson,
  reportRows,
  type Progress,
  type Row,
} from '../run.js';
import { AnalyticsReport } from './AnalyticsViews.js';
import { DownloadButton, EmptyNotice } from './Common.js';
import { DataTable } from './DataTable.js';
import { EngagementCharts } from './EngagementCharts.js';
import { ErrorNotice, RunStatus } from './Status.js';

/** The range and filters in words, under the report's title. */
export function ScopeLine({ query }: { query: Query }) {
  const parts = [`${query.start} to ${query.end} (UTC)`, `account ${query.accountId}`];
  if (query.projectIds.length > 0) parts.push(`${query.projectIds.length} project(s)`);
  if (query.experienceIds.length > 0) parts.push(`${query.experienceIds.length} experience(s)`);
  return <p class="scope">{parts.join(' · ')}</p>;
}

interface EngagementResult {
  rows: Row[];
  truncated: boolean;
  generatedAt: string | null;
}

/** Throttles progress to a few updates a second: each one re-renders the page. */
function throttled(onProgress: (p: Progress) => void, ms = 150) {
  let last = 0;
  return (p: Progress) => {
    const now = performance.now();
    if (p.phase !== 'reading' || now - last >= ms) {
      last = now;
      onProgress(p);
    }
  };
}

function EngagementReport({ report, query }: { report: EngagementReportName; query: Query }) {
  const { session } = useStudio();
  const columns = useMemo(() => engagementColumns(report), [report]);
  const run = useRun<EngagementResult>(
    async (signal, onProgress) => {
      const startedAt = Date.now();
      const response = await awaitReport(session, engagementUrl(report, query, 'ndjson'), {
        signal,
        onProgress,
      });
      const total = reportRows(response);
      const progress = throttled(onProgress);
      const rows = await readNdjson(response, columns, {
        signal,
        onRows: (n) => progress({ phase: 'reading', startedAt, rows: n, total }),
      });
      return {
        rows,
        truncated: response.headers.get('X-Report-Truncated') === 'true',
        generatedAt: response.headers.get('X-Report-Generated-At'),
      };
    },
    [session, report, query, columns],
  );
  const downloadCsv = async (signal: AbortSignal, onProgress: (p: Progress) => void) => {
    const response = await awaitReport(session, engagementUrl(report, query, 'csv'), {
      signal,
      onProgress,
    });
    const name = fileNameOf(response, `${report}_${query.start}_${query.end}.csv`);
    return { blob: await response.blob(), name };
  };

  if (run.state === 'running') return <RunStatus progress={run.progress} />;
  if (run.state === 'error') return <ErrorNotice error={run.error} onRetry={run.retry} />;
  const { rows, truncated, generatedAt } = run.value;
  return (
    <>
      {rows.length === 0 ? (
        <EmptyNotice query={query} />
      ) : (
        <EngagementCharts report={report} columns={columns} rows={rows} query={query} />
      )}
      <section class="table-section" aria-label="Rows">
        <div class="table-head">
          <p data-rows={rows.length}>
            {formatInteger(rows.length)} rows
            {generatedAt ? ` · built ${generatedAt.replace('T', ' ').slice(0, 19)} UTC` : ''}
          </p>
          <DownloadButton label="Download CSV" fetchFile={downloadCsv} />
        </div>
        {truncated ? (
          <p class="notice notice-warning" role="status">
            This result stops at the server’s row limit: choose a shorter range or filters to see
            the rest.
          </p>
        ) : null}
        {rows.length > 0 ? (
          <DataTable columns={columns} rows={rows} caption={reportInfo(report).title} />
        ) : null}
      </section>
    </>
  );
}

export function ReportView({ report, query }: { report: ReportId; query: Query }) {
  const info = reportInfo(report);
  let body: ComponentChildren;
  // Keyed by report: a table's sort and page belong to one report.
  if (isEngagement(report)) body = <EngagementReport key={report} report={report} query={query} />;
  else body = <AnalyticsReport key={report} report={report} query={query} />;
  return (
    <article class="report" data-report={report} aria-labelledby="report-title">
      <header class="report-header">
        <h2 id="report-title" tabIndex={-1}>
          {info.title}
        </h2>
        <p class="description">{info.description}</p>
        <ScopeLine query={query} />
      </header>
      {body}
    </article>
  );
}
