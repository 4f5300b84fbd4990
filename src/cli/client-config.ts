/**
 * The client commands' connection settings (`cuepoint token|report|analytics`), resolved once per
 * command: flags, then `CUEPOINT_*` environment variables, then a profile file. The server's
 * configuration (src/config.ts) is another program's and is not read here.
 *
 * Profile file: `--profile FILE`, else `CUEPOINT_PROFILE`, else
 * `$XDG_CONFIG_HOME/cuepoint/profile.json` (default `~/.config/cuepoint/profile.json`) when it
 * exists. One JSON object, every key optional:
 * `{"base_url","analytics_url","token_url","client_id","client_secret","api_key","account_id"}`.
 */
import type { Command } from 'commander';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ValidationError, type ClientOptions } from '../client/index.js';

export interface ConnectionFlags {
  baseUrl?: string;
  analyticsUrl?: string;
  tokenUrl?: string;
  clientId?: string;
  clientSecret?: string;
  apiKey?: string;
  profile?: string;
  account?: string;
}

/** Each setting: its profile key and its environment variable. */
const SETTINGS = {
  baseUrl: { key: 'base_url', env: 'CUEPOINT_BASE_URL' },
  analyticsUrl: { key: 'analytics_url', env: 'CUEPOINT_ANALYTICS_URL' },
  tokenUrl: { key: 'token_url', env: 'CUEPOINT_TOKEN_URL' },
  clientId: { key: 'client_id', env: 'CUEPOINT_CLIENT_ID' },
  clientSecret: { key: 'client_secret', env: 'CUEPOINT_CLIENT_SECRET' },
  apiKey: { key: 'api_key', env: 'CUEPOINT_API_KEY' },
  account: { key: 'account_id', env: 'CUEPOINT_ACCOUNT_ID' },
} as const;
type Setting = keyof typeof SETTINGS;
type Values = Partial<Record<Setting, string>>;

const CREDENTIALS: readonly Setting[] = ['clientId', 'clientSecret', 'apiKey'];

export function addConnectionOptions(command: Command): Command {
  return command
    .option(
      '--base-url <url>',
      'engagement reports base, e.g. https://host/api/reports/v2/ (CUEPOINT_BASE_URL; default Brightcove)',
    )
    .option(
      '--analytics-url <url>',
      "analytics reports base (CUEPOINT_ANALYTICS_URL; default: the base URL's origin, or Brightcove)",
    )
    .option(
      '--token-url <url>',
      'OAuth token URL (CUEPOINT_TOKEN_URL; default: {origin}/v4/access_token, or Brightcove)',
    )
    .option('--client-id <id>', 'OAuth client ID (CUEPOINT_CLIENT_ID)')
    .option('--client-secret <secret>', 'OAuth client secret (CUEPOINT_CLIENT_SECRET)')
    .option(
      '--api-key <key>',
      'a reporting API key instead of client credentials (CUEPOINT_API_KEY)',
    )
    .option(
      '--profile <file>',
      'JSON profile file (CUEPOINT_PROFILE; default ~/.config/cuepoint/profile.json)',
    );
}

function usage(message: string): ValidationError {
  return new ValidationError(message, { code: 'USAGE' });
}

function defaultProfile(env: NodeJS.ProcessEnv, home: string): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'cuepoint', 'profile.json');
}

async function readProfile(
  path: string,
  explicit: boolean,
  warn: (line: string) => void,
): Promise<Values> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw usage(`cannot read the profile ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw usage(`the profile ${path} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw usage(`the profile ${path} must hold one JSON object`);
  }
  const byKey = new Map<string, Setting>(
    Object.entries(SETTINGS).map(([setting, { key }]) => [key, setting as Setting]),
  );
  const values: Values = {};
  for (const [key, value] of Object.entries(parsed)) {
    const setting = byKey.get(key);
    if (setting === undefined) {
      throw usage(
        `the profile ${path} has an unknown key "${key}"; accepted: ${[...byKey.keys()].join(', ')}`,
      );
    }
    if (typeof value !== 'string') throw usage(`"${key}" in the profile ${path} must be a string`);
    values[setting] = value;
  }
  // A secret readable by others is worth a word, as ssh says of a private key.
  const mode = (await stat(path)).mode;
  if ((values.clientSecret || values.apiKey) && (mode & 0o077) !== 0) {
    warn(`warning: the profile ${path} holds a secret and is readable by others; chmod 600 it`);
  }
  return values;
}

/**
 * The client's options. Each setting comes from the first source that has it — flag, environment,
 * profile — except the credentials, which are taken together from the first source that has any
 * (so `--api-key` on the command line is not mixed with a profile's client secret).
 */
export async function clientSettings(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  options: { home?: string; warn?: (line: string) => void } = {},
): Promise<ClientOptions> {
  const profilePath = flags.profile ?? env.CUEPOINT_PROFILE;
  const profile = await readProfile(
    profilePath ?? defaultProfile(env, options.home ?? homedir()),
    profilePath !== undefined,
    options.warn ?? (() => undefined),
  );
  const fromEnv: Values = {};
  const fromFlags: Values = {};
  for (const [setting, { env: name }] of Object.entries(SETTINGS)) {
    const key = setting as Setting;
    if (env[name]) fromEnv[key] = env[name];
    if (flags[key]) fromFlags[key] = flags[key];
  }
  const sources = [fromFlags, fromEnv, profile];
  const pick = (setting: Setting) => sources.find((source) => source[setting])?.[setting];
  const at = sources.findIndex((source) => CREDENTIALS.some((c) => source[c]));
  const credentials = sources[at] ?? {};
  if (!credentials.apiKey && Boolean(credentials.clientId) !== Boolean(credentials.clientSecret)) {
    const where = ['the command line', 'the environment', 'the profile'][at];
    const [has, lacks] = credentials.clientId
      ? ['client ID', 'client secret']
      : ['client secret', 'client ID'];
    throw usage(`${where} gives a ${has} but no ${lacks}: give both in the same place`);
  }
  const clientOptions: ClientOptions = {};
  const set = <K extends keyof ClientOptions>(key: K, value: ClientOptions[K] | undefined) => {
    if (value !== undefined) clientOptions[key] = value;
  };
  set('engagementUrl', pick('baseUrl'));
  set('analyticsUrl', pick('analyticsUrl'));
  set('tokenUrl', pick('tokenUrl'));
  set('accountId', pick('account'));
  set('clientId', credentials.clientId);
  set('clientSecret', credentials.clientSecret);
  set('apiKey', credentials.apiKey);
  if (!clientOptions.apiKey && !(clientOptions.clientId && clientOptions.clientSecret)) {
    throw usage(
      'no credentials: give --client-id and --client-secret (or CUEPOINT_CLIENT_ID and CUEPOINT_CLIENT_SECRET), ' +
        '--api-key (CUEPOINT_API_KEY), or a profile file',
    );
  }
  return clientOptions;
}

/** `--timeout SECONDS` in ms: a non-negative number, 0 for none. */
export function timeoutMs(value: string | undefined, fallbackSeconds: number): number {
  if (value === undefined) return fallbackSeconds * 1000;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw usage(`--timeout must be a number of seconds (0 for none), got ${JSON.stringify(value)}`);
  }
  return seconds * 1000;
}
