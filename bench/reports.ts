/**
 * Report benchmark (issue: report engine). Seeds the demo account with N events over six months
 * (`cuepoint demo`, the import path), then, in this process, with the real server:
 *  - per report, the job time (worker start → result stored) beside the same SQL run by the engine
 *    into nothing (`COPY (…) TO '/dev/null'`: the whole report's text, where a PostgreSQL stream
 *    job may run its first-rows text, docs/server-mode.md), six months and seven days, and the
 *    first CSV download of the six-month result to its last byte (which prints the CSV);
 *  - the 500,000-row stream report as CSV, end to end: one request without send_status to its last byte;
 *  - time to the first byte of the cached result, and RSS while streaming it.
 *
 * With `--database-url URL` it runs in server mode on that PostgreSQL database (seeded with the
 * demo account when it has none); the raw figure then uses a server-side `COPY … TO '/dev/null'`,
 * which needs a superuser (or pg_write_server_files).
 *
 *   node dist/bench/reports.js [--events 10000000] [--data-dir DIR] [--database-url URL] [--keep]
 *     [--reports a,b]   (only these reports, and no stream download)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import {
  ENGAGEMENT_REPORT_NAMES,
  type EngagementReportName,
} from '../src/domain/reports/columns.js';
import { addDays, dayOf } from '../src/domain/reports/dates.js';
import { REPORT_DEFINITIONS } from '../src/domain/reports/index.js';
import { startServer } from '../src/server.js';

const BIN = fileURLToPath(new URL('../../bin/cuepoint.js', import.meta.url));
const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '10000000' },
    'data-dir': { type: 'string' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
    // Comma-separated report names: only these, and no stream download (default: every report).
    reports: { type: 'string' },
  },
});
const databaseUrl = args['database-url'];

/** One statement on the benchmark's PostgreSQL database. */
async function onDatabase(url: string, sql: string): Promise<pg.QueryResultRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);

async function main(): Promise<void> {
  const dataDir = args['data-dir'] ?? mkdtempSync(join(tmpdir(), 'cuepoint-bench-reports-'));
  const events = Number(args.events);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`,
  );
  const seeded = databaseUrl
    ? (await onDatabase(databaseUrl, `SELECT to_regclass('events') IS NOT NULL AS t`))[0]?.t ===
        true &&
      (
        await onDatabase(
          databaseUrl,
          `SELECT count(*) > 0 AS e FROM accounts WHERE account_id = 'demo'`,
        )
      )[0]?.e === true
    : existsSync(join(dataDir, 'cuepoint.duckdb'));
  if (!seeded) {
    const t0 = performance.now();
    const store = databaseUrl ? ['--database-url', databaseUrl] : ['--data-dir', dataDir];
    execFileSync(
      process.execPath,
      [BIN, 'demo', ...store, '--days', '182', '--events', String(events)],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    console.log(
      `seeded ${events.toLocaleString('en-US')} demo events over 182 days in ${fmt(ms(t0))}`,
    );
  }
  const config = loadConfig({
    port: 0,
    dataDir,
    logLevel: 'silent',
    reportWorkers: 1,
    // One token for the whole run, which outlasts the default 5 minutes on PostgreSQL; and the
    // 500k-row stream is one long-poll to its last byte however long its job takes there.
    tokenTtlSeconds: 86_400,
    reportWaitSeconds: 600,
    ...(databaseUrl && { databaseUrl }),
  });
  const server = await startServer(config, { logger: false });
  try {
    // Every job of this run is new: forget the results of earlier runs on this data directory.
    if (databaseUrl) {
      await onDatabase(
        databaseUrl,
        `TRUNCATE jobs, results, result_lines;
         DROP SCHEMA result_tables CASCADE; CREATE SCHEMA result_tables`,
      );
      // A database in use has been vacuumed and analysed by autovacuum; this one may have just
      // been loaded (and this server runs with autovacuum off): measure it in that steady state.
      const t0 = performance.now();
      await onDatabase(databaseUrl, 'VACUUM ANALYZE');
      console.log(`VACUUM ANALYZE: ${fmt(ms(t0))}`);
    } else await server.store.query.select('DELETE FROM jobs', 60_000);
    await server.admin.updateAccount('demo', {
      limits: { minute: 100_000, hour: 100_000, day: 100_000 },
    });
    const credential = await server.admin.createCredential({ accounts: ['demo'] });
    const tokenRes = await fetch(`${server.url}/v4/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${credential.client_id}&client_secret=${credential.client_secret}`,
    });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const auth = { authorization: `Bearer ${token}` };
    const today = dayOf(new Date());

    const runJob = async (
      report: EngagementReportName,
      start: string,
    ): Promise<{ job: number; rows: string; csv: number }> => {
      const path = `${server.url}/api/reports/v2/${report}?start=${start}&end=${today}&send_status=true`;
      let res = await fetch(path, { headers: auth });
      const id =
        res.status === 202 ? ((await res.json()) as { request_id: string }).request_id : null;
      while (res.status === 202) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        res = await fetch(path, { method: 'HEAD', headers: auth });
      }
      if (res.status !== 200) throw new Error(`${report}: ${res.status} ${await res.text()}`);
      const job = id ? await server.store.jobs.get(id) : null;
      const jobMs =
        job?.started_at && job.finished_at
          ? job.finished_at.getTime() - job.started_at.getTime()
          : NaN;
      // The first CSV download prints the rows as CSV (each encoding is printed the first time
      // it is asked for; the last HEAD above printed JSON), then sends them, not gzipped: the
      // server's work, not the compression a client may ask for.
      const t0 = performance.now();
      const csv = await fetch(`${path}&format=csv`, {
        headers: { ...auth, 'accept-encoding': 'identity' },
      });
      await csv.arrayBuffer();
      return { job: jobMs, rows: res.headers.get('x-report-rows') ?? '?', csv: ms(t0) };
    };
    const raw = async (report: EngagementReportName, start: string): Promise<number> => {
      const sql = REPORT_DEFINITIONS[report]!.sql(
        {
          accountId: 'demo',
          start,
          end: today,
          projectIds: [],
          experienceIds: [],
        },
        databaseUrl ? 'postgres' : 'duckdb',
      );
      const t0 = performance.now();
      // The same row cap as a job, so truncated reports compare like with like.
      await server.store.query.select(
        `COPY (SELECT * FROM (${sql}) AS r LIMIT ${config.reportRowCap + 1}) TO '/dev/null' (FORMAT csv)`,
        600_000,
      );
      return ms(t0);
    };

    console.log(
      `\n| report | rows (6 mo) | job, 6 months | raw engine | ratio | first CSV download, 6 months | job, 7 days |`,
    );
    console.log(`|---|---|---|---|---|---|---|`);
    const sixMonths = addDays(today, -181);
    const week = addDays(today, -6);
    const only = args.reports?.split(',');
    for (const name of only ?? []) {
      if (!ENGAGEMENT_REPORT_NAMES.includes(name as EngagementReportName))
        throw new Error(`--reports: ${name} is not an engagement report`);
    }
    for (const report of ENGAGEMENT_REPORT_NAMES) {
      if (!REPORT_DEFINITIONS[report] || (only && !only.includes(report))) continue;
      const rawMs = await raw(report, sixMonths);
      const long = await runJob(report, sixMonths);
      const short = await runJob(report, week);
      console.log(
        `| ${report} | ${long.rows} | ${fmt(long.job)} | ${fmt(rawMs)} | ${(long.job / rawMs).toFixed(2)} | ${fmt(long.csv)} | ${fmt(short.job)} |`,
      );
    }

    if (only) return;
    // The 500,000-row stream: a new identity (one day shorter), long-polled, as CSV, to the last byte.
    const streamPath = `${server.url}/api/reports/v2/project_stream_raw?start=${addDays(today, -180)}&end=${today}&format=csv`;
    let t0 = performance.now();
    let res = await fetch(streamPath, { headers: auth });
    let bytes = 0;
    const body = res.body!.getReader();
    for (let part = await body.read(); !part.done; part = await body.read())
      bytes += part.value.length;
    console.log(
      `\n500k-row stream, CSV, end to end (one request, no send_status): ${fmt(ms(t0))}; ${res.headers.get('x-report-rows')} rows, ${(bytes / 2 ** 20).toFixed(1)} MiB, truncated: ${res.headers.get('x-report-truncated') ?? 'false'}`,
    );

    t0 = performance.now();
    res = await fetch(streamPath, { headers: auth });
    const reader = res.body!.getReader();
    await reader.read();
    const ttfb = ms(t0);
    const before = process.memoryUsage.rss();
    let peak = before;
    for (;;) {
      const { done } = await reader.read();
      peak = Math.max(peak, process.memoryUsage.rss());
      if (done) break;
    }
    console.log(
      `cached result: first byte after ${ttfb.toFixed(1)} ms; RSS while streaming it ≤ ${(peak / 2 ** 20).toFixed(0)} MiB` +
        ` (growth while streaming: ${((peak - before) / 2 ** 20).toFixed(1)} MiB; the rest is DuckDB's buffer pool, bounded by its memory_limit)`,
    );
    console.log(
      `peak RSS of the whole run (server and bench, one process): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
    );
  } finally {
    await server.close();
    if (!args['data-dir'] && !args.keep) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`kept ${dataDir}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
