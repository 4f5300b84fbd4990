/**
 * Group commit on PostgreSQL (src/collector/group-commit.ts, src/store/postgres/events.ts): two
 * appends run at once and still store every event once, and an append that PostgreSQL aborts to
 * break a deadlock is retried. PostgreSQL only (CUEPOINT_TEST_BACKEND=postgres).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { GroupCommitter } from '../src/collector/group-commit.js';
import type { NewEvent } from '../src/domain/events/stored-event.js';
import { sqlState } from '../src/store/postgres/database.js';
import { openPgStore } from '../src/store/postgres/index.js';
import type { EventStore, Store } from '../src/store/store.js';
import { BACKEND, createTestDatabase, dropTestDatabase, sqlOn } from './helpers/backend.js';
import { ACCOUNT, DAY, at, event } from './helpers/rollup-events.js';

const keyed = (key: number, account = ACCOUNT): NewEvent =>
  event({
    account_id: account,
    session_id: `s${key % 4}`,
    kind: 'player_action',
    action: 'play',
    event_key: BigInt(key),
    ts: new Date(at(DAY[0], '10:00:00').getTime() + key * 1000),
  });

describe('group commit (PostgreSQL)', { skip: BACKEND !== 'postgres' && 'PostgreSQL only' }, () => {
  let url: string;
  let store: Store;

  before(async () => {
    url = await createTestDatabase();
    store = await openPgStore({ url, poolSize: 2 });
  });
  after(async () => {
    await store?.close();
    if (url) await dropTestDatabase(url);
  });

  it('runs two appends at once on PostgreSQL and stores every event once', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const wrapped: EventStore = {
      appendsAtOnce: store.events.appendsAtOnce,
      count: (accountId) => store.events.count(accountId),
      async append(events) {
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await store.events.append(events);
        } finally {
          inFlight--;
        }
      },
    };
    const committer = new GroupCommitter(wrapped, undefined, { minSecondGroup: 100 });

    const batches = Array.from({ length: 60 }, (_, b) =>
      Array.from({ length: 100 }, (_, i) => keyed(b * 100 + i + 1)),
    );
    const repeated = batches[1]!.slice(20, 30).map((e) => ({ ...e, session_id: 'again' }));
    const all = [...batches, repeated];
    let settled = 0;
    const submits = all.map((batch) =>
      committer.submit(batch).finally(() => {
        settled++;
      }),
    );
    await committer.flushed();
    assert.equal(settled, all.length);

    const results = await Promise.all(submits);
    const reported = results.flatMap((indexes, b) => indexes.map((i) => all[b]![i]!.event_key));
    assert.equal(reported.length, 10);
    assert.deepEqual(
      reported.sort((x, y) => Number(x! - y!)),
      repeated.map((e) => e.event_key),
    );
    assert.equal(await store.events.count(ACCOUNT), 6000);
    assert.equal(maxInFlight, 2);
  });

  it(
    'retries an append that PostgreSQL aborts to break a deadlock',
    { timeout: 20_000 },
    async () => {
      const account = 'deadlock';
      const [k1, k2] = [keyed(1, account), keyed(2, account)];
      const manual = new pg.Client({ connectionString: url });
      const insert = (e: NewEvent) =>
        manual.query(
          `INSERT INTO events (account_id, event_key, kind, ts, received_at, session_id)
         VALUES ($1, $2, 'player_action', now(), now(), 'manual')`,
          [account, String(e.event_key)],
        );
      await manual.connect();
      try {
        await manual.query('BEGIN');
        await insert(k2);
        const appending = store.events.append([k1, k2]);
        appending.catch(() => undefined);

        const waiting = async () =>
          Number(
            (
              await sqlOn(
                url,
                `SELECT count(*) AS n FROM pg_stat_activity
               WHERE wait_event_type = 'Lock' AND datname = current_database()`,
              )
            )[0]?.n,
          );
        while ((await waiting()) === 0) await sleep(20);

        let committed: boolean;
        try {
          await insert(k1);
          await manual.query('COMMIT');
          committed = true;
        } catch (error) {
          assert.equal(sqlState(error), '40P01');
          await manual.query('ROLLBACK');
          committed = false;
        }
        assert.deepEqual(await appending, { duplicates: committed ? [0, 1] : [] });

        const rows = await sqlOn(
          url,
          `SELECT event_key::text AS key, count(*)::int AS n FROM events
         WHERE account_id = '${account}' GROUP BY event_key ORDER BY event_key`,
        );
        assert.deepEqual(rows, [
          { key: '1', n: 1 },
          { key: '2', n: 1 },
        ]);
      } finally {
        await manual.end();
      }
    },
  );
});
