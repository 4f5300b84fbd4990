/**
 * Collector benchmark: durable events/s over loopback HTTP, batches of 100 and of 1, where the
 * collector's time goes, and bytes on disk per event. Starts `cuepoint serve` as a child process
 * on a fresh data directory — or, with `--database-url`, in server mode on that PostgreSQL
 * database (a fresh account; bytes per event from the growth of the events table and its
 * indexes) — and drives it with concurrent keep-alive clients from this process (both share the
 * machine's cores).
 *
 *   node dist/bench/ingest.js [--seconds 10] [--clients 64] [--database-url URL] [--keep]
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const BIN = fileURLToPath(new URL('../../bin/cuepoint.js', import.meta.url));
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    clients: { type: 'string', default: '64' },
    keep: { type: 'boolean', default: false },
    'database-url': { type: 'string' },
  },
});
const databaseUrl = args['database-url'];
/** The store's flags for every command: the data directory, and the database in server mode. */
const storeArgs = (dataDir: string) => [
  '--data-dir',
  dataDir,
  ...(databaseUrl ? ['--database-url', databaseUrl] : []),
];
const seconds = Number(args.seconds);
const clients = Number(args.clients);

function cuepoint(argv: string[], dataDir: string): string {
  return execFileSync(process.execPath, [BIN, ...argv, ...storeArgs(dataDir), '--json'], {
    encoding: 'utf8',
  });
}

let counter = 0;
/** A plausible event: a mix of player actions and annotation actions, ~400 bytes of JSON. */
function event(): Record<string, unknown> {
  const n = counter++;
  // A viewer's session of 40 events on one project, as players send them.
  const s = Math.floor(n / 40);
  const session = `s-${s}`;
  const annotation = n % 5 === 0;
  return {
    event: annotation ? 'Annotation Action' : 'Player Action',
    event_id: `e-${process.pid}-${n}`,
    timestamp: new Date(Date.now() - (n % 3600) * 1000).toISOString(),
    properties: {
      'Project ID': `64088f5d2b7c4a0012${String(s % 50).padStart(6, '0')}`,
      'Session ID': session,
      'Partner User ID': s % 3 === 0 ? `user-${s % 5000}` : undefined,
      'Anonymous ID': `anon-${s % 20000}`,
      Action: annotation ? 'Answer' : ['Play', 'Pause', 'Progress', 'Seek'][n % 4],
      'Annotation ID': annotation
        ? `640892cb2b7c4a00${String(n % 200).padStart(8, '0')}`
        : undefined,
      'Annotation Type': annotation ? 'quiz' : undefined,
      Question: annotation ? 'Which bird is this?' : undefined,
      Answer: annotation ? ['Royal Tern', 'Gull', 'Pelican'][n % 3] : undefined,
      'Video Offset': (n % 600) + 0.25,
      'Play Time Accrued': (n % 580) + 0.5,
      'Video Duration': 612,
    },
  };
}

interface Served {
  url: string;
  /** Stops the server (SIGTERM) and returns its final "collector totals" log record. */
  stop(): Promise<Record<string, number>>;
}

async function serve(dataDir: string): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...storeArgs(dataDir)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      CUEPOINT_LOG_LEVEL: 'info',
      CUEPOINT_EVENTS_PER_SECOND_PER_KEY: '100000000',
    },
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      const line = out.split('\n').find((l) => l.includes('"collector totals"'));
      return line ? (JSON.parse(line) as { collector: Record<string, number> }).collector : {};
    },
  };
}

async function run(
  url: string,
  key: string,
  batch: number,
): Promise<{ events: number; rate: number; p50: number; p99: number }> {
  const bodies = Array.from({ length: 200 }, () =>
    JSON.stringify(Array.from({ length: batch }, event)),
  );
  // Fresh event_ids for every request: bodies are re-made as they are used.
  let accepted = 0;
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const client = async () => {
    while (performance.now() < deadline) {
      const body =
        bodies.length > 0 ? bodies.pop()! : JSON.stringify(Array.from({ length: batch }, event));
      const t0 = performance.now();
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-cuepoint-key': key },
        body,
      });
      const result = (await res.json()) as { accepted: number };
      latencies.push(performance.now() - t0);
      if (res.status !== 200) throw new Error(`status ${res.status}: ${JSON.stringify(result)}`);
      accepted += result.accepted;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    events: accepted,
    rate: accepted / elapsed,
    p50: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
    p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
}

/** Bytes of the events table with its indexes and TOAST (server mode). */
async function eventsBytes(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string }>(
      `SELECT pg_total_relation_size('events') AS bytes`,
    );
    return Number(rows[0]?.bytes ?? 0);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cuepoint-bench-'));
  // A fresh account each run, so that a database may be benchmarked more than once.
  const account = databaseUrl ? `bench-${Date.now()}` : 'bench';
  cuepoint(['accounts', 'create', '--id', account], dataDir);
  const { key } = JSON.parse(
    cuepoint(['keys', 'create', '--account', account, '--type', 'write'], dataDir),
  ) as { key: string };
  const bytesBefore = databaseUrl ? await eventsBytes(databaseUrl) : 0;
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`,
  );
  console.log(
    `${clients} concurrent clients, ${seconds} s per run, durable (fsync'd) acknowledgements; store: ${databaseUrl ? 'PostgreSQL (server mode)' : 'DuckDB (embedded)'}\n`,
  );
  let total = 0;
  for (const batch of [100, 1]) {
    const server = await serve(dataDir);
    const r = await run(server.url, key, batch);
    const stats = await server.stop();
    total += r.events;
    const events = stats.events || 1;
    const groups = stats.groups || 1;
    const per = (ms = 0) => ((ms * 1000) / events).toFixed(1);
    console.log(
      `batches of ${String(batch).padStart(3)}: ${Math.round(r.rate).toLocaleString('en-US')} events/s` +
        `  (${r.events.toLocaleString('en-US')} events; request p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms)`,
    );
    console.log(
      `    main thread per event: decode ${per(stats.decodeMs)} µs, validate+normalise ${per(stats.normalizeMs)} µs;` +
        ` store: ${groups} commits of ${Math.round(events / groups)} events, ${((stats.storeMs ?? 0) / groups).toFixed(1)} ms each` +
        (databaseUrl
          ? ' (one INSERT … ON CONFLICT, commit)'
          : ' (appender, duplicate check, fsync)'),
    );
  }
  const file = join(dataDir, 'cuepoint.duckdb');
  const bytes = databaseUrl
    ? (await eventsBytes(databaseUrl)) - bytesBefore
    : statSync(file).size + (existsSync(`${file}.wal`) ? statSync(`${file}.wal`).size : 0);
  console.log(
    `on disk: ${(bytes / 2 ** 20).toFixed(1)} MiB for ${total.toLocaleString('en-US')} events = ${(bytes / total).toFixed(1)} bytes/event`,
  );
  if (!args.keep) rmSync(dataDir, { recursive: true, force: true });
  else console.log(`kept ${dataDir}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
