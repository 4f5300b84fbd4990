/**
 * `cuepoint report <name>` (details.md §2): one engagement report to stdout or `--out FILE`,
 * through the SDK — polling, rate-limit waits, token refresh, windows for long stream ranges.
 * stdout holds the data only; status, warnings and errors go to stderr.
 */
import type { Command } from 'commander';
import { access, constants } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import {
  checkReportName,
  createClient,
  FORMATS,
  ValidationError,
  type Format,
} from '../client/index.js';
import {
  addConnectionOptions,
  clientSettings,
  timeoutMs,
  type ConnectionFlags,
} from './client-config.js';
import { EXIT, interruptSignal, statusReporter, usageErrors, writeError } from './client-output.js';

interface ReportOptions extends ConnectionFlags {
  start?: string;
  end?: string;
  format?: string;
  project?: string[];
  experience?: string[];
  out?: string;
  timeout?: string;
  json?: boolean;
}

/** Default time for one report, all windows included: the sample's two minutes were too few. */
export const DEFAULT_REPORT_TIMEOUT_SECONDS = 1800;

const EXTENSIONS: Record<string, Format> = {
  '.csv': 'csv',
  '.json': 'json',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
};

/** `--format`, else the `--out` extension, else json. */
export function formatFor(format: string | undefined, out: string | undefined): Format {
  if (format !== undefined) {
    const lower = format.toLowerCase();
    if (!(FORMATS as readonly string[]).includes(lower)) {
      throw new ValidationError(
        `--format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`,
        { code: 'USAGE' },
      );
    }
    return lower as Format;
  }
  return (out === undefined ? undefined : EXTENSIONS[extname(out).toLowerCase()]) ?? 'json';
}

/** IDs given as repeated flags, space-separated after one flag, or comma-separated. */
function ids(values: string[] | undefined): string[] | undefined {
  return values?.flatMap((value) => value.split(',')).filter((id) => id !== '');
}

function isBrokenPipe(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EPIPE';
}

async function run(name: string, options: ReportOptions): Promise<number> {
  const json = options.json === true;
  const status = statusReporter(json);
  const interrupt = interruptSignal();
  try {
    checkReportName(name);
    const format = formatFor(options.format, options.out);
    const timeout = timeoutMs(options.timeout, DEFAULT_REPORT_TIMEOUT_SECONDS);
    if (options.out !== undefined) {
      await access(dirname(options.out), constants.W_OK).catch(() => {
        throw new ValidationError(
          `cannot write to ${dirname(options.out ?? '.')}: no such directory, or not writable`,
          { code: 'USAGE' },
        );
      });
    }
    const warn = (line: string) => process.stderr.write(`cuepoint: ${line}\n`);
    const client = createClient(await clientSettings(options, process.env, { warn }));
    const result = await client.download(name, {
      format,
      to: options.out ?? process.stdout,
      endStream: false,
      start: options.start,
      end: options.end,
      projectIds: ids(options.project),
      experienceIds: ids(options.experience),
      signal: interrupt.signal,
      timeoutMs: timeout,
      onStatus: status.onStatus,
    });
    status.stop();
    if (result.truncated) {
      const rows = result.rows === undefined ? '' : ` (${result.rows} rows kept)`;
      status.warn(
        `the result was truncated at the server's row cap${rows}; narrow the range or the filters for the rest`,
      );
    }
    return EXIT.ok;
  } catch (error) {
    status.stop();
    // A reader that stopped early (`| head`) is not a failure of ours.
    if (isBrokenPipe(error)) return EXIT.ok;
    return writeError(error, json);
  } finally {
    interrupt.release();
  }
}

export function registerReport(program: Command): void {
  const command = program
    .command('report')
    .description('fetch an engagement report (stdout, or --out FILE)')
    .argument('<name>', 'the report, e.g. project_engagement_summary_raw')
    .option('--start <day>', 'first day, YYYY-MM-DD (default: end − 7 days)')
    .option('--end <day>', 'last day, YYYY-MM-DD (default: today, UTC)')
    .option(
      '--format <format>',
      `${FORMATS.join('|')} (default: from --out's extension, else json)`,
    )
    .option(
      '--account <id>',
      'the account (CUEPOINT_ACCOUNT_ID; needed when the credential has several)',
    )
    .option('--project <ids...>', 'only these projects')
    .option('--experience <ids...>', 'only these experiences')
    .option('--out <file>', 'write to FILE (complete or not at all) instead of stdout')
    .option(
      '--timeout <seconds>',
      `give up after this long (default ${DEFAULT_REPORT_TIMEOUT_SECONDS}; 0: never)`,
    )
    .option('--json', 'status events as NDJSON on stderr; errors as JSON');
  addConnectionOptions(command);
  usageErrors(
    command,
    () => command.opts<ReportOptions>().json === true || process.argv.includes('--json'),
  );
  command.action(async (name: string, options: ReportOptions) => {
    process.exitCode = await run(name, options);
  });
}
