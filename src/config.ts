/**
 * Configuration, parsed once at the entry point into a frozen object and passed down.
 * Nothing else reads `process.env`. Every default lives here. Each setting is a `serve` flag and
 * a `CUEPOINT_*` environment variable (the flag wins); the table in docs/configuration.md mirrors it.
 */
import { z } from 'zod';

const int = (min: number) => z.coerce.number().int().min(min);
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);

export const configSchema = z.object({
  port: int(0).max(65535).default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  dataDir: z.string().min(1).default('./cuepoint-data'),
  databaseUrl: z.string().min(1).optional(),
  /** Connections one process holds to PostgreSQL at most (server mode). */
  databasePoolSize: int(2).default(10),
  tokenSecret: z.string().min(16).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  trustProxy: bool.default(false),
  /** Collector limits (events.md §1). */
  maxBodyBytes: int(1024).default(1024 * 1024),
  maxEventsPerRequest: int(1).default(1000),
  /** Events per second per write key (token bucket; bursts up to twice this). */
  eventsPerSecondPerKey: int(1).default(20000),
  /** Accepted clock skew for future timestamps, and lateness for past ones. */
  futureSkewSeconds: int(0).default(300),
  maxLatenessSeconds: int(0).default(7 * 24 * 3600),
  /**
   * A repeated event_id is a duplicate when the first copy arrived within this many days. Live
   * events older than the lateness are rejected anyway, so the default covers every retry.
   */
  dedupWindowDays: int(1).default(8),
  /** IPs are stored with the host part zeroed unless this is false. */
  anonymizeIp: bool.default(true),
  /** DuckDB memory limit, e.g. "1GB". */
  duckdbMemoryLimit: z.string().default('1GB'),
  duckdbThreads: int(1).default(2),
  /** Token lifetime in seconds (auth.md §2: 300). */
  tokenTtlSeconds: int(1).default(300),
  /** Failed token requests before a client_id / an address is refused for a while. */
  bruteForceClientLimit: int(1).default(10),
  bruteForceAddressLimit: int(1).default(100),
  bruteForceWindowSeconds: int(1).default(300),
  /** Report jobs running at once in this process (DuckDB shares its threads among them). */
  reportWorkers: int(0).default(2),
  /** How long a request without send_status=true waits for its report before a 202. */
  reportWaitSeconds: int(0).default(30),
  /** Result lifetime; and for a range that includes the current UTC day (reporting-api.md §1.3). */
  resultTtlSeconds: int(1).default(86_400),
  todayResultTtlSeconds: int(1).default(3600),
  /** How long a failed job answers 500 before a request starts it afresh. */
  failedJobSeconds: int(1).default(60),
  /** Rows in one result; the rest is left out and X-Report-Truncated says so. */
  reportRowCap: int(1).default(500_000),
  /** How often expired results are removed. */
  sweepSeconds: int(1).default(60),
  /** How often workers look for queued jobs besides being woken (ms). */
  jobPollMs: int(10).default(1000),
  /**
   * How long a worker's claim on a running job lasts unless renewed (ms); the worker renews it at
   * half this. A job whose worker died runs again once its lease has run out.
   */
  jobLeaseMs: int(100).default(30_000),
  /** How often running jobs with a lapsed lease are put back in the queue (ms). */
  jobSweepMs: int(50).default(5_000),
  /**
   * How often the partial rollups this process appended are merged (report rollups, see
   * src/domain/reports/rollups.ts). Reports are exact either way; merging keeps them small.
   */
  rollupCompactSeconds: int(1).default(30),
  /** Seconds to let in-flight requests finish on SIGTERM. */
  shutdownGraceSeconds: int(0).default(10),
  /** Analytics reports (reporting-api.md §2): time limit of one report (fractions allowed). */
  analyticsTimeoutSeconds: z.coerce.number().positive().default(30),
  /** Analytics reports running at once per account (per process); one more answers 429. */
  analyticsConcurrency: int(1).default(2),
});

export type Config = Readonly<z.infer<typeof configSchema>>;
export type ConfigInput = z.input<typeof configSchema>;

/** Environment variable for each setting: dataDir → CUEPOINT_DATA_DIR. */
export function envName(key: string): string {
  return 'CUEPOINT_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
}

/**
 * Builds the configuration from environment variables overlaid by explicit options (flags).
 * Fails naming the setting when a value is bad or unknown.
 */
export function loadConfig(
  options: Record<string, unknown> = {},
  env: Record<string, string | undefined> = {},
): Config {
  const input: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const fromEnv = env[envName(key)];
    if (fromEnv !== undefined && fromEnv !== '') input[key] = fromEnv;
  }
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!(key in configSchema.shape)) throw new Error(`unknown setting "${key}"`);
    input[key] = value;
  }
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    throw new Error(`bad setting ${key} (--${kebab(key)} / ${envName(key)}): ${issue.message}`);
  }
  return Object.freeze(parsed.data);
}

export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}
