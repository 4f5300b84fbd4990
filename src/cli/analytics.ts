/**
 * `cuepoint analytics <report>`: one of the synchronous quiz and gradebook reports
 * (reporting-api.md §2), its `result` as JSON on stdout.
 */
import type { Command } from 'commander';
import { createClient, ValidationError, type AnalyticsParams } from '../client/index.js';
import type { AnalyticsReportName } from '../domain/reports/columns.js';
import {
  addConnectionOptions,
  clientSettings,
  timeoutMs,
  type ConnectionFlags,
} from './client-config.js';
import { EXIT, interruptSignal, statusReporter, usageErrors, writeError } from './client-output.js';

/** The CLI's names for the four reports. */
export const ANALYTICS_COMMANDS = {
  'gradebook-summary': 'gradebook/summary',
  'gradebook-answers': 'gradebook/users/answers',
  'quiz-actions': 'quiz/actions',
  'quiz-summary': 'quiz/project/summary',
} as const satisfies Record<string, AnalyticsReportName>;
type AnalyticsCommand = keyof typeof ANALYTICS_COMMANDS;

interface AnalyticsOptions extends ConnectionFlags {
  project?: string;
  user?: string;
  showDetails?: boolean;
  start?: string;
  end?: string;
  timeout?: string;
  json?: boolean;
}

function reportFor(name: string): AnalyticsReportName {
  if (!Object.hasOwn(ANALYTICS_COMMANDS, name)) {
    const names = Object.keys(ANALYTICS_COMMANDS).join(', ');
    throw new ValidationError(
      `no analytics report named ${JSON.stringify(name)}; valid names: ${names}`,
      {
        code: 'USAGE',
      },
    );
  }
  return ANALYTICS_COMMANDS[name as AnalyticsCommand];
}

async function run(name: string, options: AnalyticsOptions): Promise<number> {
  const json = options.json === true;
  const interrupt = interruptSignal();
  try {
    const report = reportFor(name);
    const timeout = timeoutMs(options.timeout, 300);
    const client = createClient(
      await clientSettings(options, process.env, {
        warn: (line) => process.stderr.write(`cuepoint: ${line}\n`),
      }),
    );
    // The account comes with the connection settings (--account, CUEPOINT_ACCOUNT_ID, profile).
    const params: AnalyticsParams = {
      projectId: options.project,
      userId: options.user,
      startTime: options.start,
      endTime: options.end,
      signal: interrupt.signal,
      timeoutMs: timeout,
    };
    if (options.showDetails === true) params.showDetails = true;
    const { result, truncated } = await client.analytics(report, params);
    process.stdout.write(JSON.stringify(result, null, process.stdout.isTTY ? 2 : undefined) + '\n');
    if (truncated)
      statusReporter(json).warn(
        "the result was truncated at the server's row cap; narrow the range or the project",
      );
    return EXIT.ok;
  } catch (error) {
    return writeError(error, json);
  } finally {
    interrupt.release();
  }
}

export function registerAnalytics(program: Command): void {
  const command = program
    .command('analytics')
    .description('fetch a quiz or gradebook report (JSON on stdout)')
    .argument('<report>', Object.keys(ANALYTICS_COMMANDS).join('|'))
    .option('--account <id>', 'the account (CUEPOINT_ACCOUNT_ID; required)')
    .option('--project <id>', 'only this project (required for quiz-summary)')
    .option('--user <id>', 'only this user (gradebook-answers)')
    .option('--show-details', 'add the catalog answers and submission counts (gradebook-answers)')
    .option('--start <time>', 'YYYY-MM-DD or RFC 3339 (default: end − 6 months)')
    .option('--end <time>', 'YYYY-MM-DD (the whole day) or RFC 3339 (default: now)')
    .option('--timeout <seconds>', 'give up after this long (default 300; 0: never)')
    .option('--json', 'errors and warnings as JSON on stderr');
  addConnectionOptions(command);
  usageErrors(
    command,
    () => command.opts<AnalyticsOptions>().json === true || process.argv.includes('--json'),
  );
  command.action(async (name: string, options: AnalyticsOptions) => {
    process.exitCode = await run(name, options);
  });
}
