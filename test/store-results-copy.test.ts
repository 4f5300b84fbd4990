/**
 * Stored results streamed out of PostgreSQL with `COPY … TO STDOUT` (src/store/postgres/
 * copy-out.ts). The text-format decoder is checked on its own at every chunk split; on PostgreSQL
 * (CUEPOINT_TEST_BACKEND=postgres) the stored bodies of values COPY must escape are compared byte
 * for byte with the stored lines read by an ordinary query and framed here, and downloads cut
 * short — by the store's reader, through gzip, and by an HTTP client that leaves — must leave no
 * connection checked out of the pool and no COPY or transaction running on the server.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request } from 'node:http';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import type { Format } from '../src/domain/reports/columns.js';
import { CopyTextDecoder, type Frame } from '../src/store/postgres/copy-out.js';
import { PgDb } from '../src/store/postgres/database.js';
import { MIGRATIONS, migrate } from '../src/store/postgres/migrations.js';
import { pgResults } from '../src/store/postgres/results.js';
import type { ResultColumn, ResultStore } from '../src/store/store.js';
import { setupAccount, type TestAccount } from './helpers/accounts.js';
import {
  BACKEND,
  createTestDatabase,
  databaseFor,
  dropTestDatabase,
  sqlOn,
} from './helpers/backend.js';
import { send } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const skip =
  BACKEND === 'postgres'
    ? false
    : 'COPY is PostgreSQL’s: this runs on the PostgreSQL pass (CUEPOINT_TEST_BACKEND=postgres)';

/** Text COPY must escape, or that a wrong decoder would mangle. */
const NASTY = [
  'two\nlines',
  'cr\rlf\r\n',
  'tab\there',
  'back\\slash',
  'ends with a backslash\\',
  '\\N',
  '\\\\N',
  '\\.',
  '\\n is not a newline',
  'quote " and , comma',
  '"all quoted"',
  '=SUM(A1)',
  '\b\f\v\u0001\u001f',
  'ünïcødé ✓ 😀 中文',
  'nul\0here', // stored as U+FFFD (database.ts)
  '\uFFFD',
  '',
  ' ',
];

/** COPY's text format of one-column rows (copyto.c, `CopyAttributeOutText`). */
function copyText(values: readonly string[]): Buffer {
  const escapes: Record<string, string> = {
    '\\': '\\\\',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
  };
  return Buffer.from(
    values.map((v) => `${v.replace(/[\\\b\f\n\r\t\v]/g, (c) => escapes[c]!)}\n`).join(''),
  );
}

const FRAME: Frame = {
  first: Buffer.from('['),
  between: Buffer.from('|'),
  last: Buffer.from(']'),
  empty: Buffer.from('none'),
};

function decodeInChunks(copy: Buffer, cuts: readonly number[]): string {
  const decoder = new CopyTextDecoder(FRAME);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, copy.length]) {
    out.push(decoder.write(copy.subarray(from, cut)));
    from = cut;
  }
  out.push(decoder.end());
  return Buffer.concat(out).toString();
}

describe('COPY text decoder', () => {
  const values = NASTY.map((v) => v.replace('\0', '\uFFFD'));
  const copy = copyText(values);
  const framed = `[${values.join('|')}]`;

  it('decodes every row whole, wherever the chunks are cut', () => {
    assert.equal(decodeInChunks(copy, []), framed);
    for (let cut = 0; cut <= copy.length; cut++)
      assert.equal(decodeInChunks(copy, [cut]), framed, `cut at ${cut}`);
    const everyByte = Array.from({ length: copy.length }, (_, i) => i);
    assert.equal(decodeInChunks(copy, everyByte), framed);
  });

  it('frames no rows, one empty row, and empty rows', () => {
    assert.equal(decodeInChunks(Buffer.alloc(0), []), 'none');
    assert.equal(decodeInChunks(Buffer.from('\n'), []), '[]');
    assert.equal(decodeInChunks(Buffer.from('\n\n\n'), [1, 2]), '[||]');
  });

  it('refuses NULL, escapes COPY never writes, and output cut inside a row', () => {
    const fails = (text: string, message: RegExp) =>
      assert.throws(() => decodeInChunks(Buffer.from(text), []), message);
    fails('a\n\\N\n', /NULL/);
    fails('\\x41\n', /escape \\"x"/);
    fails('\\101\n', /escape \\"1"/);
    fails('a\\\nb\n', /escape \\"\\n"/);
    fails('row without its end', /inside a row/);
    fails('a\\', /inside a row/);
  });
});

const COLUMNS: ResultColumn[] = [
  { name: 'i', kind: 'integer' },
  { name: 'note, "quoted"', kind: 'text' },
  { name: 'tags', kind: 'list' },
];

/** DuckDB's writers' layout (src/store/duckdb/results.ts), written out again as the oracle. */
function framedByHand(format: Format, header: string, lines: readonly string[]): string {
  if (format === 'csv') return `${header}\n${lines.map((l) => `${l}\n`).join('')}`;
  if (format === 'ndjson') return lines.map((l) => `${l}\n`).join('');
  return `[\n\t${lines.join(',\n\t')}\n]\n`;
}

async function bodyOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('PostgreSQL results through COPY', { skip }, () => {
  let url: string;
  let db: PgDb;
  let results: ResultStore;
  const FORMATS: Format[] = ['csv', 'json', 'ndjson'];
  // Job IDs are ours (UUIDs), but the COPY literal is escaped all the same.
  const job = (name: string) => `o'brien\\${name}`;

  before(async () => {
    if (skip) return;
    url = await createTestDatabase();
    db = await PgDb.open({ url, poolSize: 2 });
    await migrate(db);
    results = pgResults(db);
    await db.run('CREATE TABLE nasty (i integer PRIMARY KEY, t text, l text[])');
    // 3,000 rows of the values above, each repeated a varying number of times so that chunk
    // boundaries fall everywhere, and one of 200 kB of escapes.
    for (let first = 1; first <= 3000; first += 500) {
      const ids = Array.from({ length: 500 }, (_, k) => first + k);
      const texts = ids.map((i) => (i % 97 === 0 ? null : NASTY[i % NASTY.length]!.repeat(i % 5)));
      await db.run(
        `INSERT INTO nasty (i, t, l) SELECT i, t, ARRAY[t, '\\|"', NULL]
         FROM unnest($1::integer[], $2::text[]) AS u(i, t)`,
        [ids, texts],
      );
    }
    await db.run(`UPDATE nasty SET t = repeat(E'\\\\\\n\\t"', 50000) WHERE i = 1500`);
    const sql = () => 'SELECT i, t AS "note, ""quoted""", l AS tags FROM nasty ORDER BY i';
    assert.equal(await results.materialize(job('all'), sql, COLUMNS, 5000), 3000);
    assert.equal(await results.materialize(job('capped'), sql, COLUMNS, 1000), 1001);
    const none = () => 'SELECT i, t AS "note, ""quoted""", l AS tags FROM nasty WHERE false';
    assert.equal(await results.materialize(job('none'), none, COLUMNS, 5000), 0);
    const big = () =>
      `SELECT g AS i, repeat('x\\', 100) AS "note, ""quoted""", NULL::text[] AS tags
       FROM generate_series(1, 100000) AS g`;
    assert.equal(await results.materialize(job('big'), big, COLUMNS, 500_000), 100_000);
  });
  after(async () => {
    if (skip) return;
    await db.close();
    await dropTestDatabase(url);
  });

  /** The stored chunks read with an ordinary query, split into their lines and framed by hand. */
  async function expected(jobId: string, format: Format, rows: number): Promise<string> {
    const header = await db.one('SELECT csv_header FROM results WHERE job_id = $1', [jobId]);
    const chunks = await db.all(
      `SELECT lines AS chunk FROM result_lines WHERE job_id = $1 AND encoding = $2 ORDER BY k`,
      [jobId, format === 'csv' ? 'csv' : 'json'],
    );
    const joined = chunks.map((r) => String(r.chunk));
    // A JSON object holds no raw newline, so its chunks split into lines; a CSV line may (a
    // quoted cell), but CSV frames lines with the newline that joins them in a chunk.
    const lines = format === 'csv' ? joined : joined.flatMap((chunk) => chunk.split('\n'));
    if (format !== 'csv') assert.equal(lines.length, rows, `${jobId}: stored lines`);
    return framedByHand(format, String(header?.csv_header), lines);
  }

  /** No client checked out, none waiting, and no COPY or open transaction on the server. */
  async function settled(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const busy = await sqlOn(
        url,
        `SELECT state, query FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'`,
      );
      const { totalCount, idleCount, waitingCount } = db.downloadPool;
      if (busy.length === 0 && totalCount === idleCount && waitingCount === 0) return;
      if (attempt === 50) {
        assert.fail(`still busy: ${JSON.stringify({ busy, totalCount, idleCount, waitingCount })}`);
      }
      await sleep(100);
    }
  }

  /** The pool closing a connection (rather than the COPY being read to its end to free it). */
  const connectionClosed = () =>
    once(db.downloadPool, 'remove', { signal: AbortSignal.timeout(5000) });

  it('streams every format byte for byte as stored, and as long as open() says', async () => {
    for (const [name, cap, rows] of [
      ['all', 5000, 3000],
      ['capped', 1000, 1000],
      ['none', 5000, 0],
    ] as const) {
      for (const format of FORMATS) {
        const { stream, bytes } = await results.open(job(name), format, COLUMNS, cap);
        const body = await bodyOf(stream);
        assert.equal(body.toString(), await expected(job(name), format, rows), `${name} ${format}`);
        assert.equal(body.length, bytes, `${name} ${format}: open()'s byte count`);
        if (format === 'json')
          assert.equal((JSON.parse(body.toString()) as unknown[]).length, rows);
      }
    }
    await settled();
  });

  it('gives back every text as it was stored', async () => {
    const { stream } = await results.open(job('all'), 'json', COLUMNS, 5000);
    const rows = JSON.parse((await bodyOf(stream)).toString()) as Record<string, unknown>[];
    const stored = await db.all('SELECT t FROM nasty ORDER BY i');
    assert.deepEqual(
      rows.map((r) => r['note, "quoted"']),
      stored.map((r) => r.t),
    );
    assert.ok(rows.some((r) => r['note, "quoted"'] === 'nul\uFFFDhere'));
  });

  it('takes no connection for a body destroyed unread (HEAD)', async () => {
    await settled();
    const connections = db.downloadPool.totalCount;
    const { stream } = await results.open(job('big'), 'csv', COLUMNS, 500_000);
    stream.destroy();
    await sleep(50);
    assert.equal(db.downloadPool.totalCount, connections);
    await settled();
  });

  it('closes the connection of a body its reader leaves mid-stream', async () => {
    for (const format of FORMATS) {
      const { stream } = await results.open(job('big'), format, COLUMNS, 500_000);
      const closed = connectionClosed();
      let read = 0;
      for await (const chunk of stream) {
        read += (chunk as Buffer).length;
        break; // leaving the loop destroys the stream
      }
      assert.ok(read > 0);
      assert.ok(stream.destroyed);
      await closed;
      await settled();
    }
  });

  it('closes the connection of a body piped into a gzip stream that is destroyed', async () => {
    const { stream } = await results.open(job('big'), 'json', COLUMNS, 500_000);
    const closed = connectionClosed();
    const gzip = createGzip();
    stream.pipe(gzip);
    await new Promise((resolve) => gzip.once('data', resolve));
    gzip.destroy();
    await closed;
    await settled();
    assert.ok(stream.destroyed);
  });

  it('serves whole bodies on the same pool afterwards', async () => {
    for (let i = 0; i < 3; i++) {
      const { stream, bytes } = await results.open(job('big'), 'json', COLUMNS, 500_000);
      assert.equal((await bodyOf(stream)).length, bytes);
    }
    await settled();
  });

  it('prints each encoding once, on its first download from any node, and removes it all', async () => {
    const id = job('lazy');
    const sql = () => 'SELECT i, t AS "note, ""quoted""", l AS tags FROM nasty ORDER BY i';
    assert.equal(await results.materialize(id, sql, COLUMNS, 2000), 2001);
    const encodings = async () =>
      (
        await db.all(
          `SELECT encoding, count(*) AS c FROM result_lines WHERE job_id = $1
           GROUP BY encoding ORDER BY encoding`,
          [id],
        )
      ).map((r) => `${String(r.encoding)} ${Number(r.c)}`);
    assert.deepEqual(await encodings(), [], 'the job printed nothing');
    // Two nodes ask for CSV at once: one prints it, the other waits for it and prints nothing.
    const other = await PgDb.open({ url, poolSize: 2 });
    try {
      const bodies = await Promise.all(
        [results, pgResults(other)].map(async (store) => {
          const { stream, bytes } = await store.open(id, 'csv', COLUMNS, 2000);
          const body = await bodyOf(stream);
          assert.equal(body.length, bytes);
          return body.toString();
        }),
      );
      assert.equal(bodies[0], bodies[1]);
      assert.equal(bodies[0], await expected(id, 'csv', 2000));
    } finally {
      await other.close();
    }
    assert.deepEqual(await encodings(), ['csv 2'], 'CSV alone, 2,000 rows in two chunks');
    for (const format of ['ndjson', 'json'] as const) {
      const { stream, bytes } = await results.open(id, format, COLUMNS, 2000);
      const body = await bodyOf(stream);
      assert.equal(body.toString(), await expected(id, format, 2000), format);
      assert.equal(body.length, bytes, `${format}: open()'s byte count`);
    }
    assert.deepEqual(await encodings(), ['csv 2', 'json 2'], 'JSON printed once for both formats');
    await results.remove(id);
    const left = await db.one(
      `SELECT (SELECT count(*) FROM results WHERE job_id = $1)
         + (SELECT count(*) FROM result_lines WHERE job_id = $1)
         + (SELECT count(*) FROM pg_tables WHERE schemaname = 'result_tables' AND tablename = $1)
         AS n`,
      [id],
    );
    assert.equal(Number(left?.n), 0, 'no result row, line or table left');
    await settled();
  });
});

describe('PostgreSQL result downloads cut short over HTTP', { skip }, () => {
  let server: TestServer;
  let account: TestAccount;
  let dbUrl: string;
  const today = new Date().toISOString().slice(0, 10);
  const path = `/api/reports/v2/chapter_summary?start=${today}&end=${today}&format=csv`;

  before(async () => {
    if (skip) return;
    // Two connections: a download that kept one would soon leave none for the requests after it.
    server = await startTestServer({ databasePoolSize: 2 });
    account = await setupAccount(server, 'copy');
    const res = await send(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${account.token}` },
    });
    assert.equal(res.status, 200, res.text);
    // The stored (empty) result made large: 100,000 lines of 1 kB.
    dbUrl = await databaseFor(server.dataDir);
    await sqlOn(
      dbUrl,
      `INSERT INTO result_lines (job_id, encoding, k, lines)
       SELECT r.job_id, 'csv', g, array_to_string(array_fill(repeat('c', 1000), ARRAY[1000]), E'\\n')
       FROM results AS r, generate_series(0, 99) AS g;
       UPDATE results SET rows = 100000, csv_bytes = csv_bytes + 100000 * 1001;
       UPDATE jobs SET rows = 100000`,
    );
  });
  after(() => (skip ? undefined : server.stop()));

  /** Starts a download and leaves after its first chunk of body. */
  function leaveEarly(headers: Record<string, string> = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(`${server.url}${path}`, {
        headers: { authorization: `Bearer ${account.token}`, ...headers },
      });
      req.on('response', (res) => {
        assert.equal(res.statusCode, 200);
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  async function serverSettled(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const busy = await sqlOn(
        dbUrl,
        `SELECT state, query FROM pg_stat_activity WHERE datname = current_database()
         AND pid <> pg_backend_pid() AND state <> 'idle'`,
      );
      if (busy.length === 0) return;
      if (attempt === 50) assert.fail(`still busy: ${JSON.stringify(busy)}`);
      await sleep(100);
    }
  }

  it('leaves no connection held, plain or gzipped, and serves whole downloads after', async () => {
    for (let i = 0; i < 3; i++) await leaveEarly();
    for (let i = 0; i < 3; i++) await leaveEarly({ 'accept-encoding': 'gzip' });
    await serverSettled();
    const res = await send(`${server.url}${path}`, {
      headers: { authorization: `Bearer ${account.token}`, 'accept-encoding': 'identity' },
      signal: AbortSignal.timeout(20_000),
    });
    assert.equal(res.status, 200);
    assert.equal(res.text.length, Number(res.headers.get('content-length')));
    assert.equal(res.text.split('\n').length, 100_000 + 2);
    await serverSettled();
  });
});

describe('PostgreSQL results stored one row per line (before migration 4)', { skip }, () => {
  let url: string;
  let db: PgDb;

  before(async () => {
    if (skip) return;
    url = await createTestDatabase();
    db = await PgDb.open({ url, poolSize: 2 });
  });
  after(async () => {
    if (skip) return;
    await db.close();
    await dropTestDatabase(url);
  });

  it('serves results stored before chunks (migration 4)', async () => {
    // The schema before version 4, recorded as migrate() records it: it then applies 4 alone.
    await db.transaction(async (tx) => {
      await tx.run(`CREATE TABLE schema_migrations (version integer PRIMARY KEY,
        name text NOT NULL, applied_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'))`);
      for (const migration of MIGRATIONS.filter((m) => m.version < 4)) {
        for (const statement of migration.sql) await tx.run(statement);
        await tx.run('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
          migration.version,
          migration.name,
        ]);
      }
    });
    // Job A: 2,500 rows served of 2,501 stored (the last only told that it was truncated), as the
    // old code stored them; job B: none. The lines are printed here, as CSV and JSON writers do.
    const header = 'i,"a, b"';
    const TEXTS = [
      'two\nlines',
      'say "hi",\n"bye"',
      'back\\slash\\',
      'cr\r\nlf\\n',
      'ü ✓ 😀\u0001\t',
    ];
    const text = (i: number) => `${TEXTS[i % TEXTS.length]!}${i === 2501 ? ' past the cap' : ''}`;
    const ns = Array.from({ length: 2501 }, (_, k) => k + 1);
    const csv = ns.map((i) => `${i},"${text(i).replaceAll('"', '""')}"`);
    const json = ns.map((i) => JSON.stringify({ i, 'a, b': text(i) }));
    const served = (format: Format, rows: number) => (format === 'csv' ? csv : json).slice(0, rows);
    const bytes = (format: Format, rows: number) =>
      Buffer.byteLength(framedByHand(format, header, served(format, rows)));
    const JOBS = [
      ['old-a', 2500, 2501],
      ['old-b', 0, 0],
    ] as const;
    for (const [id, rows, stored] of JOBS) {
      await db.run(
        `INSERT INTO jobs (id, identity, account_id, report, scope, state, counted, created_at,
           started_at, finished_at, expires_at, rows, truncated)
         VALUES ($1, $1, 'acct', 'chapter_summary', '{}', 'done', true, now(), now(), now(),
           now() + interval '1 day', $2, $3)`,
        [id, rows, stored > rows],
      );
      await db.run(
        `INSERT INTO results (job_id, rows, csv_header, csv_bytes, json_bytes, ndjson_bytes,
           created_at) VALUES ($1, $2, $3, $4, $5, $6, now())`,
        [id, stored, header, bytes('csv', rows), bytes('json', rows), bytes('ndjson', rows)],
      );
    }
    // Inserted last row first, so that lines joined in any order but n's come out wrong.
    const back = [...ns].reverse();
    await db.run(
      `INSERT INTO result_rows (job_id, n, csv, json)
       SELECT 'old-a', * FROM unnest($1::integer[], $2::text[], $3::text[])`,
      [back, back.map((i) => csv[i - 1]!), back.map((i) => json[i - 1]!)],
    );
    // Job C's worker stored its result and died before finishing the job (no rows yet).
    await db.run(
      `INSERT INTO jobs (id, identity, account_id, report, scope, state, counted, created_at)
       VALUES ('old-c', 'old-c', 'acct', 'chapter_summary', '{}', 'queued', true, now())`,
    );
    await db.run(
      `INSERT INTO results (job_id, rows, csv_header, csv_bytes, json_bytes, ndjson_bytes,
         created_at) VALUES ('old-c', 1, $1, 4, 5, 3, now())`,
      [header],
    );
    await db.run(`INSERT INTO result_rows (job_id, n, csv, json) VALUES ('old-c', 1, '1,x', '{}')`);

    await migrate(db);
    const gone = await db.one(`SELECT to_regclass('result_rows') IS NULL AS gone`);
    assert.equal(gone?.gone, true, 'result_rows dropped');
    const chunks = await db.all(
      `SELECT encoding, count(*) AS c FROM result_lines WHERE job_id = 'old-a'
       GROUP BY encoding ORDER BY encoding`,
    );
    assert.deepEqual(
      chunks.map((r) => [r.encoding, Number(r.c)]),
      [
        ['csv', 3],
        ['json', 3],
      ],
      'chunks of job A, in both encodings (migrations 4 and 6)',
    );
    const unfinished = await db.one(
      `SELECT (SELECT count(*) FROM results WHERE job_id = 'old-c')
         + (SELECT count(*) FROM result_lines WHERE job_id = 'old-c') AS n`,
    );
    assert.equal(Number(unfinished?.n), 0, "an unfinished job's result is forgotten");
    const results = pgResults(db);
    for (const [id, rows] of JOBS) {
      for (const format of ['csv', 'json', 'ndjson'] as const) {
        const opened = await results.open(id, format, COLUMNS, rows);
        const body = await bodyOf(opened.stream);
        const want = framedByHand(format, header, served(format, rows));
        assert.equal(body.toString(), want, `${id} ${format}`);
        assert.equal(body.length, opened.bytes, `${id} ${format}: open()'s byte count`);
      }
    }
  });
});
