/**
 * Server mode across processes (architecture.md §1): two `cuepoint serve --no-workers` nodes and
 * two `cuepoint worker` processes on one PostgreSQL database, each a real child process. Shows
 * that identical requests through both nodes make one job, that the new-report limit holds across
 * the nodes, that events posted to either node all reach the reports, that a token made by one
 * node is good on the other, and that a worker killed with SIGKILL mid-job loses its claim to the
 * other worker once its (short) lease runs out, and the report still arrives.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { withAdmin } from '../src/cli/admin-client.js';
import { loadConfig } from '../src/config.js';
import { BACKEND, createTestDatabase, dropTestDatabase, sqlOn } from './helpers/backend.js';
import { playerEvent, postEvents, send } from './helpers/http.js';
import { BIN, serveProcess, type ServeProcess } from './helpers/process.js';

const skip =
  BACKEND === 'postgres'
    ? false
    : 'server mode needs PostgreSQL: this file runs on the PostgreSQL pass (CUEPOINT_TEST_BACKEND=postgres)';

const today = new Date().toISOString().slice(0, 10);
const base = '/api/reports/v2';

/** Short lease, quick sweeps and polls: a dead worker's job moves on within a second. */
const FAST = {
  CUEPOINT_LOG_LEVEL: 'info',
  CUEPOINT_JOB_LEASE_MS: '600',
  CUEPOINT_JOB_SWEEP_MS: '200',
  CUEPOINT_JOB_POLL_MS: '100',
};

interface Worker {
  child: ChildProcess;
  pid: number;
}

/** Starts `cuepoint worker` and resolves once it logs that it is ready. */
function startWorker(url: string): Promise<Worker> {
  const child = spawn(process.execPath, [BIN, 'worker', '--report-workers', '1'], {
    env: { ...process.env, ...FAST, CUEPOINT_DATABASE_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${err}`)), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"worker ready"')) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid! });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${err}`));
    });
  });
}

async function tokenAt(node: ServeProcess, clientId: string, secret: string): Promise<string> {
  const res = await send(`${node.url}/v4/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  assert.equal(res.status, 200, res.text);
  return (res.body as { access_token: string }).access_token;
}

describe('server mode: two nodes and two workers on one database', { skip }, () => {
  let url: string;
  let nodes: ServeProcess[] = [];
  let workers: Worker[] = [];
  let token: string;
  let writeKey: string;
  let limitedToken: string;

  const get = (node: ServeProcess, path: string, bearer = token) =>
    send(`${node.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } });

  /** Polls a report (send_status=true) through `node` until it is no longer 202. */
  async function untilDone(node: ServeProcess, path: string, bearer = token) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await get(node, path, bearer);
      if (res.status !== 202 || Date.now() > deadline) return res;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  before(async () => {
    url = await createTestDatabase();
    // Accounts and credentials through the admin operations on the database, as the CLI does.
    const config = loadConfig({ databaseUrl: url, logLevel: 'silent' });
    const made = await withAdmin(config, async (admin) => {
      await admin.createAccount({ id: 'acc', limits: { minute: 1000, hour: 1000, day: 1000 } });
      await admin.createAccount({ id: 'limited', limits: { minute: 4, hour: 20, day: 100 } });
      return {
        credential: await admin.createCredential({ accounts: ['acc'] }),
        limited: await admin.createCredential({ accounts: ['limited'] }),
        key: await admin.createKey({ account: 'acc', type: 'write' }),
      };
    });
    writeKey = made.key.key;
    const env = { ...FAST, CUEPOINT_DATABASE_URL: url };
    nodes = await Promise.all([
      serveProcess(['--no-workers'], env),
      serveProcess(['--no-workers'], env),
    ]);
    workers = await Promise.all([startWorker(url), startWorker(url)]);
    // Made by one node, accepted by the other: the signing secret lives in the database.
    token = await tokenAt(nodes[0]!, made.credential.client_id, made.credential.client_secret);
    limitedToken = await tokenAt(nodes[1]!, made.limited.client_id, made.limited.client_secret);
  });

  after(async () => {
    for (const child of [...nodes.map((n) => n.child), ...workers.map((w) => w.child)]) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
    if (url) await dropTestDatabase(url);
  });

  it('stores the events posted to either node, and every report sees them all', async () => {
    for (const [i, node] of nodes.entries()) {
      const events = Array.from({ length: 30 }, (_, j) =>
        playerEvent(
          { event_id: `n${i}-${j}`, timestamp: new Date(Date.now() - 60_000 + j).toISOString() },
          { 'Session ID': `node${i}-s${j % 3}`, Action: j % 2 ? 'Play' : 'Load' },
        ),
      );
      const res = await postEvents(node.url, writeKey, events);
      assert.deepEqual(res.body, { accepted: 30, duplicates: 0, rejected: [] });
    }
    // A retry of node 0's batch through node 1 is recognised as duplicates there.
    const retry = await postEvents(nodes[1]!.url, writeKey, [
      playerEvent({ event_id: 'n0-0', timestamp: new Date(Date.now() - 60_000).toISOString() }),
    ]);
    assert.deepEqual(retry.body, { accepted: 0, duplicates: 1, rejected: [] });
    const res = await untilDone(
      nodes[1]!,
      `${base}/project_stream_raw?start=${today}&end=${today}&send_status=true`,
    );
    assert.equal(res.status, 200, res.text);
    const rows = res.body as { session_id: string }[];
    assert.equal(rows.length, 60);
    assert.deepEqual([...new Set(rows.map((r) => r.session_id))].sort(), [
      'node0-s0',
      'node0-s1',
      'node0-s2',
      'node1-s0',
      'node1-s1',
      'node1-s2',
    ]);
  });

  it('makes one job for twenty clients polling the same report through both nodes', async () => {
    const path = `${base}/project_engagement_summary_raw?start=${today}&end=${today}&send_status=true`;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => untilDone(nodes[i % 2]!, path)),
    );
    assert.deepEqual(
      answers.map((a) => a.status),
      Array.from({ length: 20 }, () => 200),
    );
    const jobs = new Set(answers.map((a) => a.headers.get('etag')));
    assert.equal(jobs.size, 1, `ETags: ${[...jobs].join(', ')}`);
    const [row] = await sqlOn(
      url,
      `SELECT count(*) AS n FROM jobs WHERE report = 'project_engagement_summary_raw'`,
    );
    assert.equal(Number(row?.n), 1, 'one job row for the twenty requests');
  });

  it('holds the new-report limit (4 a minute) across the two nodes', async () => {
    const path = (days: number) =>
      `${base}/project_stream_raw?start=${addDays(today, -days)}&end=${today}&send_status=true&account_id=limited`;
    const statuses: number[] = [];
    for (let days = 0; days < 6; days++) {
      statuses.push((await get(nodes[days % 2]!, path(days), limitedToken)).status);
    }
    assert.deepEqual(
      statuses.slice(0, 4).map((s) => s === 200 || s === 202),
      [true, true, true, true],
    );
    assert.deepEqual(
      statuses.slice(4),
      [429, 429],
      'the fifth and sixth new reports, on either node',
    );
    // Let the four accepted jobs finish, so that the workers are idle for the next test.
    for (let days = 0; days < 4; days++) {
      assert.equal((await untilDone(nodes[days % 2]!, path(days), limitedToken)).status, 200);
    }
  });

  it('runs the job of a worker killed mid-job on the other worker once its lease runs out', async () => {
    // Hold the results table so that the claiming worker stops inside its job, then find it by
    // the process ID its session names and kill it.
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    let killed: Worker | undefined;
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE results IN EXCLUSIVE MODE');
      const path = `${base}/user_engagement_summary_raw?start=${today}&end=${today}&send_status=true`;
      assert.equal((await get(nodes[0]!, path)).status, 202);
      const deadline = Date.now() + 10_000;
      while (!killed && Date.now() < deadline) {
        const waiting = await blocker.query<{ application_name: string }>(
          `SELECT application_name FROM pg_stat_activity
           WHERE wait_event_type = 'Lock' AND application_name LIKE 'cuepoint-%'`,
        );
        const pids = waiting.rows.map((r) => Number(r.application_name.split('-')[1]));
        killed = workers.find((w) => pids.includes(w.pid));
        if (!killed) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.ok(killed, 'a worker is inside the job');
      const exited = new Promise((resolve) => killed!.child.once('exit', resolve));
      killed.child.kill('SIGKILL');
      await exited;
      await blocker.query('COMMIT');
      const res = await untilDone(nodes[1]!, path);
      assert.equal(res.status, 200, res.text);
      const [job] = await sqlOn(
        url,
        `SELECT state, attempt FROM jobs WHERE report = 'user_engagement_summary_raw'`,
      );
      assert.deepEqual(
        job,
        { state: 'done', attempt: 2 },
        'claimed twice: the second claim ran it',
      );
    } finally {
      await blocker.end();
    }
  });
});

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
