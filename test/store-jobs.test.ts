/**
 * The job queue of the Store interface, on the backend under test (DuckDB, or PostgreSQL on the
 * second pass): find-or-create and its limits, claims, leases renewed or lapsed, release, and
 * that a worker whose claim was lost can change nothing. The same file runs against each backend.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/store/open.js';
import type { NewJob, Store } from '../src/store/store.js';
import { BACKEND, forgetDatabase, storeSettings } from './helpers/backend.js';
import { tempDir } from './helpers/server.js';

const LIMITS = { minute: 2, hour: 10, day: 10 };
const t0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms);

function newJob(identity: string, account = 'acc'): NewJob {
  return {
    id: randomUUID(),
    identity,
    account_id: account,
    report: 'project_stream_raw',
    scope: {
      accountId: account,
      start: '2030-01-01',
      end: '2030-01-01',
      projectIds: [],
      experienceIds: [],
    },
    counted: true,
  };
}

describe(`job store (${BACKEND})`, () => {
  const dataDir = tempDir();
  let store: Store;

  before(async () => {
    store = await openStore(loadConfig({ ...(await storeSettings(dataDir)), logLevel: 'silent' }));
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
    await forgetDatabase(dataDir);
  });

  it('joins identical requests, even at once, and refuses past the limit', async () => {
    const opened = await Promise.all(
      Array.from({ length: 10 }, () => store.jobs.open(newJob('same'), LIMITS, at(0))),
    );
    const ids = new Set(opened.map((o) => ('job' in o ? o.job.id : 'refused')));
    assert.equal(ids.size, 1);
    assert.equal(opened.filter((o) => 'created' in o && o.created).length, 1);
    assert.ok('job' in (await store.jobs.open(newJob('second'), LIMITS, at(1000))));
    const third = await store.jobs.open(newJob('third'), LIMITS, at(2000));
    assert.ok('refused' in third && third.retryAfter >= 1 && third.retryAfter <= 60);
  });

  it('claims each job once, holds it with a lease, and requeues it when the lease lapses', async () => {
    const a = await store.jobs.claim(at(10_000), 1000);
    const b = await store.jobs.claim(at(10_000), 1000);
    const c = await store.jobs.claim(at(10_000), 1000);
    assert.ok(a && b, 'two queued jobs, two claims');
    assert.equal(c, null, 'nothing left to claim');
    assert.notEqual(a.id, b.id);
    assert.equal(a.state, 'running');
    assert.equal(a.attempt, 1);

    assert.equal(await store.jobs.renew(a, at(10_500), 1000), true, 'renewed: a holds to 11.5 s');
    assert.equal(await store.jobs.requeueExpired(at(11_200)), 1, "only b's lease has lapsed");
    assert.equal(await store.jobs.renew(b, at(11_300), 1000), false, 'b lost its claim');
    assert.equal(
      await store.jobs.finish(b, { rows: 1, truncated: false, expiresAt: at(99_000) }, at(11_300)),
      false,
      'a lost claim writes nothing',
    );
    const again = await store.jobs.claim(at(11_400), 1000);
    assert.equal(again?.id, b.id);
    assert.equal(again?.attempt, 2, 'a new claim of the same job');
    assert.equal(
      await store.jobs.finish(
        again,
        { rows: 3, truncated: false, expiresAt: at(99_000) },
        at(11_500),
      ),
      true,
    );
    const done = await store.jobs.get(b.id);
    assert.equal(done?.state, 'done');
    assert.equal(done?.rows, 3);
  });

  it('releases a claim back to the queue, and fails a job only under its claim', async () => {
    assert.equal(await store.jobs.claim(at(20_000), 1000), null, 'every job is taken or done');
    const job = await store.jobs.open(newJob('fourth', 'other'), LIMITS, at(30_000));
    assert.ok('job' in job);
    const claim = await store.jobs.claim(at(30_000), 60_000);
    assert.equal(claim?.id, job.job.id);
    assert.equal(await store.jobs.release(claim), true);
    assert.equal((await store.jobs.get(claim.id))?.state, 'queued');
    assert.equal(await store.jobs.fail(claim, 'boom', at(90_000), at(30_100)), false);
    const next = await store.jobs.claim(at(30_200), 60_000);
    assert.equal(next?.attempt, 2);
    assert.equal(await store.jobs.fail(next, 'boom', at(90_000), at(30_300)), true);
    const failed = await store.jobs.open(newJob('fourth', 'other'), LIMITS, at(30_400));
    assert.ok(
      'job' in failed && failed.job.state === 'failed',
      'the failure is answered while it lasts',
    );
  });
});
