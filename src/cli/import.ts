/**
 * `cuepoint import FILE… --account ID [--json]` (details.md §2): loads NDJSON files of raw events
 * (one `{event, properties}` a line, as the collector takes them) into an account, whatever their
 * age, through the same normalisation and de-duplication as the collector. Files are streamed
 * line by line and sent in chunks, so their size does not matter; through `withAdmin`, so it
 * works while `cuepoint serve` holds the data directory.
 *
 * Output: `{"accepted","duplicates","rejected"}` summed over the files, where `rejected` lists
 * each refused line as `{"file","line","reason"}` (1-based line numbers, as an editor shows
 * them). A file with refused lines still exits 0: its valid lines are imported, as the collector
 * keeps the valid events of a batch.
 */
import { storeConfig } from './store-config.js';
import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Admin } from '../admin/admin.js';

import { AppError } from '../domain/errors.js';
import { withAdmin } from './admin-client.js';

/** Lines per importEvents call: small enough for the admin socket, large enough to batch well. */
const CHUNK = 5_000;
/** Refused lines printed in the human output; `--json` lists them all. */
const SHOWN_REJECTIONS = 20;

export interface ImportRejection {
  file: string;
  line: number;
  reason: string;
}

export interface ImportSummary {
  accepted: number;
  duplicates: number;
  rejected: ImportRejection[];
}

interface ImportOptions {
  account: string;
  json?: boolean;
  dataDir?: string;
  databaseUrl?: string;
}

const STDIN = '-';

function lines(file: string) {
  const raw: Readable = file === STDIN ? process.stdin : createReadStream(file);
  if (!file.endsWith('.gz')) return createInterface({ input: raw, crlfDelay: Infinity });
  const gunzip = createGunzip();
  // pipe() does not forward a read error; the iteration must end with it all the same.
  raw.on('error', (error: Error) => gunzip.destroy(error));
  return createInterface({ input: raw.pipe(gunzip), crlfDelay: Infinity });
}

/** Imports one file, adding its counts and refused lines to `summary`. */
export async function importFile(
  admin: Pick<Admin, 'importEvents'>,
  target: { account: string; file: string },
  summary: ImportSummary,
): Promise<void> {
  const { account, file } = target;
  let items: unknown[] = [];
  let lineNumbers: number[] = [];
  const flush = async () => {
    if (items.length === 0) return;
    const result = await admin.importEvents(account, items);
    summary.accepted += result.accepted;
    summary.duplicates += result.duplicates;
    for (const { index, reason } of result.rejected) {
      summary.rejected.push({ file, line: lineNumbers[index] ?? 0, reason });
    }
    items = [];
    lineNumbers = [];
  };
  let lineNumber = 0;
  for await (const line of lines(file)) {
    lineNumber++;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      summary.rejected.push({ file, line: lineNumber, reason: 'line is not valid JSON' });
      continue;
    }
    items.push(value);
    lineNumbers.push(lineNumber);
    if (items.length >= CHUNK) await flush();
  }
  await flush();
}

/** Checks every file before importing any, so that a typo does not leave half an import. */
async function checkFiles(files: string[]): Promise<void> {
  for (const file of files) {
    if (file === STDIN) continue;
    try {
      await access(file, constants.R_OK);
    } catch {
      throw new AppError('BAD_REQUEST', `cannot read ${file}`, { field: 'file' });
    }
  }
}

async function checkAccount(admin: Pick<Admin, 'listAccounts'>, account: string): Promise<void> {
  const accounts = await admin.listAccounts();
  if (!accounts.some((a) => a.account_id === account)) {
    throw new AppError('RESOURCE_NOT_FOUND', `account ${account} does not exist`, {
      field: 'account',
    });
  }
}

const plural = (n: number, word: string) =>
  `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

export function summaryText(summary: ImportSummary): string {
  const { accepted, duplicates, rejected } = summary;
  let text = `${plural(accepted, 'event')} imported, ${plural(duplicates, 'duplicate')} skipped, ${plural(rejected.length, 'line')} rejected\n`;
  for (const r of rejected.slice(0, SHOWN_REJECTIONS))
    text += `  ${r.file}:${r.line}: ${r.reason}\n`;
  if (rejected.length > SHOWN_REJECTIONS) {
    text += `  … and ${rejected.length - SHOWN_REJECTIONS} more (--json lists them all)\n`;
  }
  return text;
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  // A file that fails while being read (a damaged .gz, a directory) is the caller's input.
  if (code === 'Z_DATA_ERROR' || code === 'EISDIR') return new AppError('BAD_REQUEST', message);
  return new AppError('SERVER_ERROR', message);
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import NDJSON files of tracking events (any age) into an account')
    .argument('<files...>', 'NDJSON files, one event a line (.gz read as gzip; - for stdin)')
    .requiredOption('--account <id>', 'the account the events belong to')
    .option('--data-dir <dir>', 'data directory of the embedded store (CUEPOINT_DATA_DIR)')
    .option('--database-url <url>', 'PostgreSQL URL: server mode (CUEPOINT_DATABASE_URL)')
    .option('--json', 'print {"accepted","duplicates","rejected"} as JSON')
    .action(async (files: string[], options: ImportOptions) => {
      const json = options.json === true;
      try {
        await checkFiles(files);
        const config = storeConfig(options);
        const summary: ImportSummary = { accepted: 0, duplicates: 0, rejected: [] };
        await withAdmin(config, async (admin) => {
          await checkAccount(admin, options.account);
          for (const file of files)
            await importFile(admin, { account: options.account, file }, summary);
        });
        process.stdout.write(json ? JSON.stringify(summary) + '\n' : summaryText(summary));
      } catch (error) {
        const e = toAppError(error);
        process.stderr.write(
          json
            ? JSON.stringify({ error: { code: e.code, message: e.message } }) + '\n'
            : `cuepoint: ${e.message}\n`,
        );
        process.exitCode = e.code === 'BAD_REQUEST' || e.code === 'RESOURCE_NOT_FOUND' ? 2 : 1;
      }
    });
}
