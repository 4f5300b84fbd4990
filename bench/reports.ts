/**
 * Report benchmark (issue: report engine). Seeds the demo account with N events over six months
 * (`cuepoint demo`, the import path), then, in this process, with the real server:
 *  - per report, the job time (worker start → result stored) beside the same SQL run by the engine
 *    into nothing (`COPY (…) TO '/dev/null'`), six months and seven days;
 *  - the 500,000-row stream report as CSV, end to end: one request without send_status to its last byte;
 *  - time to the first byte of the cached result, and RSS while streaming it.
 *
 *   node dist/bench/reports.js [--events 10000000] [--data-dir DIR] [--keep]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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
    keep: { type: 'boolean', default: false },
  },
});

const ms = (t0: number) => performance.now() - t0;
const fmt = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`);

async function main(): Promise<void> {
  const dataDir = args['data-dir'] ?? mkdtempSync(join(tmpdir(), 'cuepoint-bench-reports-'));
  const events = Number(args.events);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`,
  );
  if (!existsSync(join(dataDir, 'cuepoint.duckdb'))) {
    const t0 = performance.now();
    execFileSync(
      process.execPath,
      [BIN, 'demo', '--data-dir', dataDir, '--days', '182', '--events', String(events)],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    console.log(
      `seeded ${events.toLocaleString('en-US')} demo events over 182 days in ${fmt(ms(t0))}`,
    );
  }
  const config = loadConfig({ port: 0, dataDir, logLevel: 'silent', reportWorkers: 1 });
  const server = await startServer(config, { logger: false });
  try {
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
    ): Promise<{ job: number; rows: string }> => {
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
      return { job: jobMs, rows: res.headers.get('x-report-rows') ?? '?' };
    };
    const raw = async (report: EngagementReportName, start: string): Promise<number> => {
      const sql = REPORT_DEFINITIONS[report]!.sql({
        accountId: 'demo',
        start,
        end: today,
        projectIds: [],
        experienceIds: [],
      });
      const t0 = performance.now();
      await server.store.query.select(`COPY (${sql}) TO '/dev/null' (FORMAT csv)`, 600_000);
      return ms(t0);
    };

    console.log(`\n| report | rows (6 mo) | job, 6 months | raw engine | ratio | job, 7 days |`);
    console.log(`|---|---|---|---|---|---|`);
    const sixMonths = addDays(today, -181);
    const week = addDays(today, -6);
    for (const report of ENGAGEMENT_REPORT_NAMES) {
      if (!REPORT_DEFINITIONS[report]) continue;
      const rawMs = await raw(report, sixMonths);
      const long = await runJob(report, sixMonths);
      const short = await runJob(report, week);
      console.log(
        `| ${report} | ${long.rows} | ${fmt(long.job)} | ${fmt(rawMs)} | ${(long.job / rawMs).toFixed(2)} | ${fmt(short.job)} |`,
      );
    }

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
    let peak = process.memoryUsage.rss();
    for (;;) {
      const { done } = await reader.read();
      peak = Math.max(peak, process.memoryUsage.rss());
      if (done) break;
    }
    console.log(
      `cached result: first byte after ${ttfb.toFixed(1)} ms; RSS while streaming it ≤ ${(peak / 2 ** 20).toFixed(0)} MiB`,
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
