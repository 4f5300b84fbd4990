/**
 * The PostgreSQL append (src/store/postgres/events.ts) sends each column as array text built by
 * `arrayLiteral`: the text must parse back to the values given, and the events stored must hold
 * exactly what was appended, whatever their strings hold. PostgreSQL only
 * (CUEPOINT_TEST_BACKEND=postgres).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EVENT_COLUMNS, type NewEvent } from '../src/domain/events/stored-event.js';
import { PgDb } from '../src/store/postgres/database.js';
import { arrayLiteral } from '../src/store/postgres/events.js';
import { openPgStore } from '../src/store/postgres/index.js';
import type { Store } from '../src/store/store.js';
import { BACKEND, createTestDatabase, dropTestDatabase } from './helpers/backend.js';
import { DAY, at, event } from './helpers/rollup-events.js';

const ODD = [
  '',
  'NULL',
  'null',
  'a"b',
  'c\\d',
  '\\"',
  '{,}',
  ' lead and trail ',
  'new\nline',
  'tab\there',
  'ünïcödé ✓',
];

const STORED = EVENT_COLUMNS.map(([name]) => name).filter((name) => name !== 'seq');

describe('events (PostgreSQL)', { skip: BACKEND !== 'postgres' && 'PostgreSQL only' }, () => {
  let url: string;
  let db: PgDb;
  let store: Store;

  const parsed = async (literal: string, type: string) =>
    (await db.one(`SELECT $1::${type} AS a`, [literal]))?.a;

  before(async () => {
    url = await createTestDatabase();
    store = await openPgStore({ url, poolSize: 2 });
    db = await PgDb.open({ url, poolSize: 1 });
  });
  after(async () => {
    await store?.close();
    await db?.close();
    if (url) await dropTestDatabase(url);
  });

  it('builds array text that PostgreSQL parses back to the values given', async () => {
    const texts = [...ODD, null];
    assert.deepEqual(await parsed(arrayLiteral(texts), 'text[]'), texts);
    assert.deepEqual(await parsed(arrayLiteral([]), 'text[]'), []);
    assert.deepEqual(await parsed(arrayLiteral([1.5, -0.25, 1e21, null]), 'float8[]'), [
      1.5,
      -0.25,
      1e21,
      null,
    ]);
    assert.deepEqual(await parsed(arrayLiteral([true, false, null]), 'bool[]'), [
      true,
      false,
      null,
    ]);
  });

  it('stores the strings of appended events exactly', async () => {
    const odd = (i: number) => ODD[i % ODD.length]!;
    const extra = (i: number) => JSON.stringify({ q: odd(i), note: 'say "hi" \\ bye' });
    const events: NewEvent[] = ODD.map((value, i) =>
      event({
        session_id: value,
        user_id: i % 2 ? odd(i + 1) : null,
        username: odd(i + 2),
        kind: 'annotation_view',
        annotation_id: value,
        text: odd(i + 3),
        question: i % 3 ? null : odd(i + 4),
        response: odd(i + 5),
        referrer: odd(i + 6),
        video_duration: i % 2 ? 60.5 + i : null,
        correct: i % 3 ? i % 3 === 1 : null,
        extra: extra(i),
        event_key: BigInt(i + 1),
        ts: new Date(at(DAY[0], '10:00:00').getTime() + i * 1001),
      }),
    );
    const nul = event({
      session_id: 'nul\0session',
      username: '\0',
      kind: 'player_action',
      action: 'load',
      text: 'a\0b"c\\',
      extra: JSON.stringify({ q: 'x' }),
      event_key: 1000n,
      ts: at(DAY[0], '11:00:00'),
    });
    assert.deepEqual(await store.events.append([...events, nul]), { duplicates: [] });

    const rows = await db.all(
      `SELECT ${STORED.join(', ')}, extra::jsonb ->> 'q' AS q FROM events ORDER BY event_key`,
    );
    const expected = [...events, nul].map((e, i) => ({
      ...e,
      event_key: String(e.event_key),
      q: e === nul ? 'x' : odd(i),
    }));
    const fffd = expected.at(-1)!;
    Object.assign(fffd, {
      session_id: 'nul\uFFFDsession',
      viewer_id: 'nul\uFFFDsession',
      username: '\uFFFD',
      text: 'a\uFFFDb"c\\',
    });
    assert.equal(rows.length, expected.length);
    rows.forEach((row, i) => assert.deepEqual(row, expected[i], `event ${i}`));
  });
});
