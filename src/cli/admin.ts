/**
 * `cuepoint accounts|credentials|keys …` (auth.md §1): each a thin call into `Admin` through
 * `withAdmin`, so they work whether or not `cuepoint serve` holds the data directory. stdout gets
 * the result only (exactly the JSON of auth.md with `--json`, a table otherwise); errors go to
 * stderr, as `{"error":{"code","message"}}` with `--json`. Exit 2 for usage and validation, 1 else.
 */
import { storeConfig } from './store-config.js';
import type { Command, CommanderError } from 'commander';
import type { Admin } from '../admin/admin.js';
import { LIMITS_FORM, parseArg, parseLimits, schemas } from '../admin/validate.js';

import { AppError } from '../domain/errors.js';
import { SCOPES } from '../domain/scopes.js';
import { KEY_TYPES } from '../store/store.js';
import { withAdmin } from './admin-client.js';
import {
  accountsTable,
  credentialsTable,
  credentialText,
  keysTable,
  keyText,
} from './admin-output.js';

interface AdminOptions {
  dataDir?: string;
  databaseUrl?: string;
  json?: boolean;
  id?: string;
  name?: string;
  limits?: string;
  account?: string | string[];
  scope?: string[];
  origin?: string[];
  type?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

function writeError(error: AppError, json: boolean): void {
  process.stderr.write(
    json
      ? JSON.stringify({ error: { code: error.code, message: error.message } }) + '\n'
      : `cuepoint: ${error.message}\n`,
  );
}

/** Commander's own usage errors, in the same form and with exit code 2. */
function usageExit(command: Command) {
  return (error: CommanderError): never => {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
      process.exit(0);
    }
    if (error.code !== 'commander.help') {
      // An unknown option stops commander's parsing, so --json may not be in opts() yet.
      const json = command.opts<AdminOptions>().json === true || process.argv.includes('--json');
      writeError(new AppError('BAD_REQUEST', error.message.replace(/^error: /, '')), json);
    }
    process.exit(2);
  };
}

function group(program: Command, name: string, description: string): Command {
  const command = program.command(name).description(description);
  // Errors are written by usageExit, in the form --json asks for.
  command.configureOutput({ outputError: () => undefined });
  return command.exitOverride(usageExit(command));
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('SERVER_ERROR', error instanceof Error ? error.message : String(error));
}

/**
 * A subcommand with the store options, `--json`, and an action that checks the arguments
 * (`prepare`, before any store is touched), runs the operation and prints its result: as JSON,
 * or through `human`.
 */
function leaf<T>(
  parent: Command,
  name: string,
  description: string,
  setup: (command: Command) => Command,
  prepare: (options: AdminOptions, args: string[]) => (admin: Admin) => Promise<T>,
  human: (result: T) => string,
): void {
  const command = setup(parent.command(name).description(description))
    .option('--data-dir <dir>', 'data directory of the embedded store (CUEPOINT_DATA_DIR)')
    .option('--database-url <url>', 'PostgreSQL URL: server mode (CUEPOINT_DATABASE_URL)')
    .option('--json', 'print the result as JSON');
  command.exitOverride(usageExit(command));
  command.action(async () => {
    const options = command.opts<AdminOptions>();
    const json = options.json === true;
    try {
      const config = storeConfig(options);
      const result = await withAdmin(config, prepare(options, command.args));
      process.stdout.write(json ? JSON.stringify(result) + '\n' : human(result));
    } catch (error) {
      const appError = toAppError(error);
      writeError(appError, json);
      process.exitCode = appError.code === 'BAD_REQUEST' ? 2 : 1;
    }
  });
}

const list = (value: string | string[] | undefined) =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];
const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const limitsOption = (options: AdminOptions) =>
  options.limits === undefined ? undefined : parseLimits(options.limits);

function registerAccounts(program: Command): void {
  const accounts = group(program, 'accounts', 'create, update and list accounts');
  leaf(
    accounts,
    'create',
    'create an account',
    (c) =>
      c
        .option('--id <id>', 'account ID (default: 13 random digits)')
        .option('--name <name>', 'display name (default: the ID)')
        .option('--limits <m/h/d>', `new-report rate limits: ${LIMITS_FORM} (default 4/20/100)`),
    (o) => {
      const limits = limitsOption(o);
      const args = {
        ...(o.id !== undefined && { id: o.id }),
        ...(o.name !== undefined && { name: o.name }),
        ...(limits && { limits }),
      };
      return (admin) => admin.createAccount(args);
    },
    (account) => accountsTable([account]),
  );
  leaf(
    accounts,
    'update',
    "change an account's name or limits",
    (c) =>
      c
        .argument('<id>', 'account ID')
        .option('--name <name>', 'display name')
        .option('--limits <m/h/d>', `new-report rate limits: ${LIMITS_FORM}`),
    (o, [id]) => {
      const limits = limitsOption(o);
      const args = {
        ...(o.name !== undefined && { name: o.name }),
        ...(limits && { limits }),
      };
      return (admin) => admin.updateAccount(id ?? '', args);
    },
    (account) => accountsTable([account]),
  );
  leaf(
    accounts,
    'list',
    'list the accounts',
    (c) => c,
    () => (admin) => admin.listAccounts(),
    accountsTable,
  );
}

function registerCredentials(program: Command): void {
  const credentials = group(
    program,
    'credentials',
    'OAuth client credentials for the reporting API',
  );
  leaf(
    credentials,
    'create',
    'create a client credential (its secret is shown once)',
    (c) =>
      c
        .requiredOption('--account <id>', 'account it may read (repeatable)', collect)
        .option(
          '--scope <scope>',
          `scope (repeatable): ${SCOPES.join(', ')} (default video-cloud/interactivity/read)`,
          collect,
        ),
    (o) => {
      const args = parseArg(
        schemas.createCredential,
        { accounts: list(o.account), scopes: o.scope },
        'account',
      );
      return (admin) => admin.createCredential(args);
    },
    (credential) => {
      process.stderr.write('Keep the client secret now: it is not shown again.\n');
      return credentialText(credential);
    },
  );
  leaf(
    credentials,
    'list',
    'list client credentials',
    (c) => c.option('--account <id>', 'only those granted this account'),
    (o) => {
      const account = single(o.account);
      return (admin) => admin.listCredentials(account === undefined ? {} : { account });
    },
    credentialsTable,
  );
  leaf(
    credentials,
    'revoke',
    'revoke a client credential and the tokens issued to it, at once',
    (c) => c.argument('<client_id>', 'client ID'),
    (_o, [clientId]) =>
      (admin) =>
        admin.revokeCredential(clientId ?? ''),
    (result) => `revoked client credential ${result.client_id}\n`,
  );
}

function registerKeys(program: Command): void {
  const keys = group(program, 'keys', 'write keys (collector) and reporting API keys');
  leaf(
    keys,
    'create',
    'create a key (shown once)',
    (c) =>
      c
        .requiredOption('--account <id>', 'the account it belongs to')
        .requiredOption('--type <type>', KEY_TYPES.join(' or '))
        .option(
          '--origin <url>',
          'browser origin allowed to send events with a write key (repeatable; default any)',
          collect,
        ),
    (o) => {
      const args = parseArg(
        schemas.createKey,
        { account: single(o.account), type: o.type, origins: o.origin },
        'account',
      );
      return (admin) => admin.createKey(args);
    },
    (key) => {
      process.stderr.write('Keep the key now: it is not shown again.\n');
      return keyText(key);
    },
  );
  leaf(
    keys,
    'list',
    'list keys',
    (c) => c.option('--account <id>', 'only the keys of this account'),
    (o) => {
      const account = single(o.account);
      return (admin) => admin.listKeys(account === undefined ? {} : { account });
    },
    keysTable,
  );
  leaf(
    keys,
    'revoke',
    'revoke a key, at once',
    (c) => c.argument('<key_id>', 'key ID'),
    (_o, [keyId]) =>
      (admin) =>
        admin.revokeKey(keyId ?? ''),
    (result) => `revoked key ${result.key_id}\n`,
  );
}

export function registerAdmin(program: Command): void {
  registerAccounts(program);
  registerCredentials(program);
  registerKeys(program);
}
