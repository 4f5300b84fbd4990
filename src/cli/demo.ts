/**
 * `cuepoint demo` and `cuepoint serve --demo` (details.md §2): seed the `demo` account if it is
 * absent, replace its credential and write key, and print them on stderr with a token and
 * ready-to-paste requests. `--json` also puts the result (`DemoJson`) on stdout.
 */
import type { Command, CommanderError } from 'commander';
import type { DemoJson } from '../admin/admin.js';
import { parseDemoArgs, seedDemo } from '../admin/demo.js';
import type { Config } from '../config.js';
import { DEMO_ACCOUNT_ID, DEMO_CATALOG } from '../domain/demo/catalog.js';
import { DEMO_DEFAULT_DAYS, EVENTS_PER_DAY } from '../domain/demo/generate.js';
import { AppError } from '../domain/errors.js';
import type { RunningServer } from '../server.js';
import { withAdmin } from './admin-client.js';
import { storeConfig } from './store-config.js';

interface DemoOptions {
  dataDir?: string;
  databaseUrl?: string;
  days?: string;
  events?: string;
  seed?: string;
  json?: boolean;
}

const count = (n: number) => n.toLocaleString('en-US');

/** The base URL a user reaches a server with these settings at. */
function localUrl(config: Config): string {
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const host = wildcard
    ? '127.0.0.1'
    : config.host.includes(':')
      ? `[${config.host}]`
      : config.host;
  return `http://${host}:${config.port}`;
}

/** The human output: what was done, the secrets, and requests that work when pasted. */
export function demoText(result: DemoJson, baseUrl: string, seconds: number): string {
  const lines = [
    `Cuepoint demo: account "${result.account_id}" with ${result.projects} projects, ` +
      `${result.experiences} experiences and ${count(result.events)} events.`,
  ];
  if (result.seeded) {
    const rate = seconds > 0 ? ` (${count(Math.round(result.events / seconds))} events/s)` : '';
    lines.push(`Seeded now: ${count(result.events)} events in ${seconds.toFixed(1)} s${rate}.`);
  } else {
    lines.push('Already seeded: nothing imported (a fresh data directory seeds afresh).');
  }
  const revoked = [...result.revoked_client_ids, ...result.revoked_key_ids];
  if (revoked.length > 0) lines.push(`Revoked the previous demo secrets: ${revoked.join(', ')}.`);
  const project = DEMO_CATALOG.projects[0]?.id ?? 'PROJECT_ID';
  const event = JSON.stringify({
    event: 'Player Action',
    properties: { 'Project ID': project, 'Session ID': 'try-1', Action: 'Load' },
  });
  lines.push(
    '',
    `  client_id      ${result.client_id}`,
    `  client_secret  ${result.client_secret}`,
    `  write key      ${result.write_key}`,
    `  access token   ${result.access_token}`,
    '',
    `A report (the token is valid for ${result.expires_in} s; then get a new one as below):`,
    `  curl -H "Authorization: Bearer ${result.access_token}" "${baseUrl}/api/reports/v2/project_engagement_summary_raw?account_id=${result.account_id}&format=csv"`,
    '',
    'A new token from the client credential:',
    `  curl --user ${result.client_id}:${result.client_secret} --data grant_type=client_credentials ${baseUrl}/v4/access_token`,
    '',
    'An event, with the write key:',
    `  curl -H "X-Cuepoint-Key: ${result.write_key}" -H "Content-Type: application/json" --data '${event}' ${baseUrl}/v1/events`,
    '',
  );
  return lines.join('\n');
}

/** Progress on a terminal only: a log file should not fill with carriage returns. */
function progressTo(
  out: NodeJS.WritableStream,
): ((done: number, total: number) => void) | undefined {
  if (!('isTTY' in out) || out.isTTY !== true) return undefined;
  let shown = -1;
  return (done, total) => {
    const percent = Math.floor((100 * done) / total);
    if (percent === shown) return;
    shown = percent;
    out.write(`\rimporting demo events: ${percent}% (${count(done)} of ${count(total)})`);
    if (done >= total) out.write('\n');
  };
}

/** `serve --demo`: runs in the server's process, and prints the server's own URL. */
export async function runDemoOnServer(
  server: RunningServer,
  out: NodeJS.WritableStream,
): Promise<void> {
  const started = Date.now();
  try {
    const onProgress = progressTo(out);
    const result = await seedDemo(
      server.store,
      { ...server.services, ...(onProgress && { onProgress }) },
      {},
    );
    out.write(demoText(result, server.url, (Date.now() - started) / 1000));
  } catch (error) {
    // The server is up and serves everything else: a failed seeding is reported, not fatal.
    out.write(
      `cuepoint: the demo could not be set up: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}

function writeError(error: AppError, json: boolean): void {
  process.stderr.write(
    json
      ? JSON.stringify({ error: { code: error.code, message: error.message } }) + '\n'
      : `cuepoint: ${error.message}\n`,
  );
}

const toNumber = (value: string | undefined) => (value === undefined ? undefined : Number(value));

export function registerDemo(program: Command): void {
  const command = program
    .command('demo')
    .description('seed the demo account if absent, and print a fresh demo credential')
    .option('--data-dir <dir>', 'data directory of the embedded store (CUEPOINT_DATA_DIR)')
    .option('--database-url <url>', 'PostgreSQL URL: server mode (CUEPOINT_DATABASE_URL)')
    .option('--days <n>', `days of events, ending now (default ${DEMO_DEFAULT_DAYS})`)
    .option('--events <n>', `number of events (default ${count(EVENTS_PER_DAY)} a day)`)
    .option('--seed <n>', 'seed of the generator: the same seed gives the same events')
    .option('--json', 'also print the result as JSON on stdout');
  command.configureOutput({ outputError: () => undefined });
  command.exitOverride((error: CommanderError) => {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      process.exit(0);
    }
    writeError(
      new AppError('BAD_REQUEST', error.message.replace(/^error: /, '')),
      process.argv.includes('--json'),
    );
    process.exit(2);
  });
  command.action(async (options: DemoOptions) => {
    const json = options.json === true;
    try {
      const args = parseDemoArgs({
        days: toNumber(options.days),
        events: toNumber(options.events),
        seed: toNumber(options.seed),
      });
      const config = storeConfig(options);
      const started = Date.now();
      const result = await withAdmin(config, async (admin) => {
        const absent = !(await admin.listAccounts()).some((a) => a.account_id === DEMO_ACCOUNT_ID);
        if (absent) {
          const events = args.events ?? (args.days ?? DEMO_DEFAULT_DAYS) * EVENTS_PER_DAY;
          process.stderr.write(`Seeding the demo account with ${count(events)} events…\n`);
        }
        return admin.demo(args);
      });
      process.stderr.write(demoText(result, localUrl(config), (Date.now() - started) / 1000));
      if (json) process.stdout.write(JSON.stringify(result) + '\n');
    } catch (error) {
      const e =
        error instanceof AppError
          ? error
          : new AppError('SERVER_ERROR', error instanceof Error ? error.message : String(error));
      writeError(e, json);
      process.exitCode = e.code === 'BAD_REQUEST' ? 2 : 1;
    }
  });
}
