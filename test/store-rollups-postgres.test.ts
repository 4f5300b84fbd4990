/**
 * The report rollups of server mode (src/domain/reports/rollups.ts, src/store/postgres/
 * rollups.ts): after any sequence of appends, catalog changes and compactions — on one node or on
 * two at once — `session_days`, `project_days` and `chapter_days` merge to exactly what one fold
 * of all events gives with the catalog of now, and `widget_events` holds exactly the rows its fold
 * gives. PostgreSQL only (CUEPOINT_TEST_BACKEND=postgres): each run gets
 * a database of its own, read directly through a `PgDb` the test keeps.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Annotation, AnnotationType } from '../src/domain/catalog-types.js';
import type { NewEvent } from '../src/domain/events/stored-event.js';
import {
  CHAPTER_DAYS_COLUMNS,
  PROJECT_DAYS_COLUMNS,
  SESSION_DAYS_COLUMNS,
  WIDGET_EVENTS_COLUMNS,
} from '../src/domain/reports/rollups.js';
import { PgDb, type Param } from '../src/store/postgres/database.js';
import { openPgStore } from '../src/store/postgres/index.js';
import { MIGRATIONS, migrate } from '../src/store/postgres/migrations.js';
import type { Store } from '../src/store/store.js';
import { BACKEND, createTestDatabase, dropTestDatabase } from './helpers/backend.js';
import { rollupTables } from './helpers/rollup-tables.js';
import {
  ACCOUNT,
  DAY,
  NOW,
  at,
  batches,
  catalogProject,
  event,
  type SessionParts,
  widgetSentAsPop,
} from './helpers/rollup-events.js';

/** The migrations that made the rollups, and `widget_events`. */
const ROLLUPS_MIGRATION = MIGRATIONS.find((m) => m.sql.some((s) => s.includes('session_days')))!;
const WIDGETS_MIGRATION = MIGRATIONS.find((m) => m.sql.some((s) => s.includes('widget_events')))!;
const ALONE_MIGRATION = MIGRATIONS.find((m) => m.sql.some((s) => s.includes('ADD COLUMN alone')))!;

/**
 * Day 2's chapter: a view of ch{n%2} (sent as `bookmark`) and a chapter-menu click (menu, sent as
 * `contents`) targeting it, or ch9 by `target` in every fourth session.
 */
function chapterEvents({ base, time }: SessionParts, n: number): NewEvent[] {
  return [
    event({
      ...base,
      kind: 'annotation_view',
      annotation_id: `ch${n % 2}`,
      annotation_type: 'bookmark',
      text: `Chapter ${n}`,
      extra: JSON.stringify({ annotation_start_time: 10 + n, annotation_duration: 5 }),
      ts: time(DAY[1], '09:00:40'),
    }),
    event({
      ...base,
      kind: 'annotation_action',
      action: 'click',
      annotation_id: 'menu',
      annotation_type: 'contents',
      target_annotation: n % 4 === 0 ? null : `ch${n % 2}`,
      target: n % 4 === 0 ? 'ch9' : null,
      ts: time(DAY[1], '09:00:50'),
    }),
  ];
}

describe('rollups (PostgreSQL)', { skip: BACKEND !== 'postgres' && 'PostgreSQL only' }, () => {
  let url: string;
  let db: PgDb;
  let store: Store;
  let keySerial = 0n;

  /** Gives each event a de-duplication key of its own (as an event_id would). */
  const keyed = (events: NewEvent[]) => events.map((e) => ({ ...e, event_key: ++keySerial }));

  const tables = () => rollupTables<Param>((sql, params) => db.all(sql, params), 'postgres');
  const sessionRows = (source: string, params?: Param[]) => tables().sessions(source, params);
  const chapterRows = (source: string, params?: Param[]) => tables().chapters(source, params);
  const merged = () => tables().merged();
  const foldedNow = () => tables().foldedNow();

  const count = async (table: string) =>
    Number((await db.one(`SELECT count(*) AS n FROM ${table}`))?.n);

  /** One row per key in the three tables: nothing left to merge. */
  const compacted = async () => {
    assert.equal(
      await count('session_days'),
      await count(
        '(SELECT DISTINCT account_id, day, session_id, project_id, experience_id FROM session_days) k',
      ),
    );
    assert.equal(
      await count('project_days'),
      await count(
        '(SELECT DISTINCT account_id, day, project_id, experience_id FROM project_days) k',
      ),
    );
    assert.equal(
      await count('chapter_days'),
      await count(
        `(SELECT DISTINCT account_id, day, project_id, experience_id, source_id, chapter_id, is_view
          FROM chapter_days) k`,
      ),
    );
    // Never two partials of one session alone, and every session's only partial alone.
    assert.deepEqual(await tables().aloneTwice(), []);
    assert.deepEqual(await tables().unsettled(), []);
  };

  /** A session's day, merged; its counts as numbers (`pg` gives BIGINTs as text). */
  const sessionRow = async (session: string, day: string) => {
    const [row] = await sessionRows(
      '(SELECT * FROM session_days WHERE session_id = $1 AND day = $2::date) s',
      [session, day],
    );
    assert.ok(row, `no rollup of ${session} on ${day}`);
    return {
      has_interaction: row.has_interaction,
      links: Number(row.links),
      navigation: Number(row.navigation),
      responses: Number(row.responses),
      widgets: Number(row.widgets),
    };
  };

  const annotation = (id: string, type: AnnotationType): Annotation => ({
    id,
    account_id: ACCOUNT,
    project_id: 'p0',
    type,
    title: null,
    start_time: null,
    duration: null,
    properties: {},
    created_at: NOW,
    updated_at: NOW,
  });

  const retype = (id: string, type: AnnotationType, on = store) =>
    on.catalog.updateAnnotation({ accountId: ACCOUNT, projectId: 'p0', id }, (a) => ({
      ...a,
      type,
    }));

  before(async () => {
    url = await createTestDatabase();
    store = await openPgStore({ url, poolSize: 4 });
    db = await PgDb.open({ url, poolSize: 2 });
  });
  after(async () => {
    await store?.close();
    await db?.close();
    if (url) await dropTestDatabase(url);
  });

  it('creates the tables with the columns of rollups.ts, in order', async () => {
    for (const [table, columns] of [
      // `alone` last: no fold writes it (rollups.ts).
      ['session_days', [...SESSION_DAYS_COLUMNS, ['alone', 'boolean']]],
      ['project_days', PROJECT_DAYS_COLUMNS],
      ['chapter_days', CHAPTER_DAYS_COLUMNS],
      ['widget_events', WIDGET_EVENTS_COLUMNS],
    ] as const) {
      const stored = await db.all(
        `SELECT column_name FROM information_schema.columns
         WHERE table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
      assert.deepEqual(
        stored.map((r) => r.column_name),
        columns.map(([name]) => name),
      );
    }
  });

  it('appends partials with every batch that merge to a fold of all events', async () => {
    for (const batch of batches(12, 5, chapterEvents)) await store.events.append(keyed(batch));
    assert.equal(await count('events'), 12 * 13);
    // Several partials per key: batches split sessions, and chapters' days.
    assert.ok((await count('session_days')) > 12 * 2);
    const chapters = await chapterRows('chapter_days');
    assert.ok((await count('chapter_days')) > chapters.length);
    const folded = await foldedNow();
    assert.deepEqual(await merged(), folded);
    // Each session's sign-in view and submit, and poll submit (not its view).
    assert.equal(folded.widgets.length, 12 * 3);
    // Views and menu clicks of the 8 sessions with a project, ch0 and ch1 alternating.
    assert.equal(
      chapters.reduce((n, row) => n + Number(row.n), 0),
      16,
    );
    assert.ok(chapters.some((row) => row.chapter_id === 'ch9' && row.source_id === 'menu'));
    assert.ok(chapters.some((row) => row.is_view && row.event_start !== null && row.text));
    assert.deepEqual(await db.all('SELECT * FROM annotations_seen ORDER BY 1, 2'), [
      { account_id: ACCOUNT, annotation_id: 'a1' },
      { account_id: ACCOUNT, annotation_id: 'a2' },
      { account_id: ACCOUNT, annotation_id: 'a3' },
      { account_id: ACCOUNT, annotation_id: 'ch0' },
      { account_id: ACCOUNT, annotation_id: 'ch1' },
      { account_id: ACCOUNT, annotation_id: 'menu' },
      { account_id: ACCOUNT, annotation_id: 'pl' },
      { account_id: ACCOUNT, annotation_id: 'si' },
    ]);
  });

  it('compacts to one row per key with the same merged content', async () => {
    const before = await merged();
    const partials = async () =>
      (await count('session_days')) + (await count('project_days')) + (await count('chapter_days'));
    const chapterPartials = await count('chapter_days');
    const partialsBefore = await partials();
    const mergedAway = await store.rollups.compact();
    const after = await partials();
    assert.ok((await count('chapter_days')) < chapterPartials, 'chapter partials merged');
    assert.equal(mergedAway, partialsBefore - after);
    assert.ok(mergedAway > 0);
    await compacted();
    // Merged rows are what the tables now hold, row for row.
    assert.deepEqual(await tables().stored(), before);
    assert.deepEqual(await merged(), before);
    assert.equal(await store.rollups.compact(), 0, 'nothing appended since');
  });

  it('rewrites only the keys that got another partial when it compacts', async () => {
    // Which transaction wrote each row: a row compaction rewrites gets a new one.
    const writers = () =>
      db.all(
        `SELECT session_id, day, CAST(xmin AS text) AS xmin FROM session_days
         WHERE NOT (session_id = 's0' AND day = $1::date) ORDER BY 1, 2`,
        [DAY[0]],
      );
    const before = await writers();
    await store.events.append(
      keyed([
        event({
          session_id: 's0',
          project_id: 'p0',
          kind: 'player_action',
          action: 'pause',
          ts: at(DAY[0], '11:00:00'),
        }),
      ]),
    );
    // s0's day and p0's day had one row each, and got one more.
    assert.equal(await store.rollups.compact(), 2);
    await compacted();
    assert.deepEqual(await writers(), before);
    assert.deepEqual(await merged(), await foldedNow());
  });

  it("marks a session's only partial alone once its day is compacted, and never two", async () => {
    const play = (day: string, time: string) =>
      event({
        session_id: 'solo',
        project_id: 'p1',
        kind: 'player_action',
        action: 'play',
        ts: at(day, time),
      });
    const solo = () =>
      db.all(
        `SELECT CAST(day AS VARCHAR) AS day, alone FROM session_days WHERE session_id = 'solo'
         ORDER BY day, alone`,
      );
    await store.events.append(keyed([play(DAY[1], '10:00:00')]));
    await store.events.append(keyed([play(DAY[1], '10:00:05')]));
    assert.deepEqual(await solo(), [
      { day: DAY[1], alone: false },
      { day: DAY[1], alone: false },
    ]);
    await store.rollups.compact();
    assert.deepEqual(
      await solo(),
      [{ day: DAY[1], alone: true }],
      "merged, its session's only one",
    );
    // Another day's partial: appended fresh, and never alone, since the first is still there.
    await store.events.append(keyed([play(DAY[2], '10:00:00')]));
    assert.deepEqual(await solo(), [
      { day: DAY[1], alone: true },
      { day: DAY[2], alone: false },
    ]);
    await store.rollups.compact();
    assert.deepEqual(await solo(), [
      { day: DAY[1], alone: true },
      { day: DAY[2], alone: false },
    ]);
    await compacted();
    assert.deepEqual(await merged(), await foldedNow());
    // A re-fold folds every day of its sessions, so it knows: `once`, split in two partials,
    // is one partial again and alone, without a compaction.
    const answer = (time: string) =>
      event({
        session_id: 'once',
        project_id: 'p9',
        kind: 'annotation_action',
        action: 'click',
        annotation_id: 'x1',
        annotation_type: 'pop',
        ts: at(DAY[1], time),
      });
    await store.events.append(keyed([answer('11:00:00')]));
    await store.events.append(keyed([answer('11:00:05')]));
    const once = () =>
      db.all(
        `SELECT CAST(day AS VARCHAR) AS day, alone FROM session_days WHERE session_id = 'once'`,
      );
    assert.deepEqual(await once(), [
      { day: DAY[1], alone: false },
      { day: DAY[1], alone: false },
    ]);
    await store.catalog.createProject(catalogProject('p9'));
    await store.catalog.createAnnotation({ ...annotation('x1', 'quiz'), project_id: 'p9' });
    assert.deepEqual(await once(), [{ day: DAY[1], alone: true }]);
    assert.deepEqual(await tables().aloneTwice(), []);
    assert.deepEqual(await tables().unsettled(), []);
    assert.deepEqual(await merged(), await foldedNow());
    // Its project's partials, which no re-fold touches, merged for the tests that follow.
    await store.rollups.compact();
    assert.deepEqual(await once(), [{ day: DAY[1], alone: true }]);
  });

  it('re-folds the sessions naming an annotation whose catalog type changes', async () => {
    assert.equal((await sessionRow('s0', DAY[0])).links, 1, 'a1 sent as pop: a link');
    assert.equal((await sessionRow('s0', DAY[1])).has_interaction, true, 'a3 action');

    await store.catalog.createProject(catalogProject('p0'));
    await store.catalog.createAnnotation(annotation('a1', 'quiz'));
    assert.deepEqual(await sessionRow('s0', DAY[0]), {
      has_interaction: true,
      links: 0,
      navigation: 0,
      responses: 1,
      widgets: 0,
    });
    assert.deepEqual(await merged(), await foldedNow());

    await retype('a1', 'poll');
    const asPoll = await sessionRow('s0', DAY[0]);
    assert.equal(asPoll.responses, 0);
    assert.equal(asPoll.widgets, 1);
    assert.deepEqual(await merged(), await foldedNow());

    // A soft delete keeps the type (reports read deleted rows); reviving as another re-folds.
    await store.catalog.deleteAnnotation(ACCOUNT, 'p0', 'a1');
    assert.deepEqual(await merged(), await foldedNow());
    assert.equal((await sessionRow('s0', DAY[0])).widgets, 1);
    await store.catalog.createAnnotation(annotation('a1', 'contents'));
    assert.equal((await sessionRow('s0', DAY[0])).navigation, 1);
    assert.deepEqual(await merged(), await foldedNow());
    // A re-fold leaves one row per key of the sessions it re-folds.
    await compacted();
  });

  it('makes a view of an annotation that becomes ontime an interaction', async () => {
    await store.events.append(
      keyed([
        event({
          session_id: 'viewer',
          kind: 'player_action',
          action: 'load',
          ts: at(DAY[2], '08:00:00'),
        }),
        event({
          session_id: 'viewer',
          kind: 'annotation_view',
          annotation_id: 'a2',
          annotation_type: 'pop',
          ts: at(DAY[2], '08:00:01'),
        }),
      ]),
    );
    assert.equal((await sessionRow('viewer', DAY[2])).has_interaction, false);
    await store.catalog.createAnnotation(annotation('a2', 'ontime'));
    assert.equal((await sessionRow('viewer', DAY[2])).has_interaction, true);
    assert.deepEqual(await merged(), await foldedNow());
    // An annotation no event names changes no rollup (and needs no re-fold).
    await store.catalog.createAnnotation(annotation('unseen', 'quiz'));
    assert.deepEqual(await merged(), await foldedNow());
  });

  it('re-folds the chapter partials of an annotation that becomes a bookmark', async () => {
    const views = ['v1', 'v2'].map((session, i) =>
      event({
        session_id: session,
        project_id: 'p0',
        experience_id: i ? 'x1' : null,
        kind: 'annotation_view',
        annotation_id: 'qz',
        annotation_type: 'quiz',
        text: 'Quiz or chapter',
        ts: at(DAY[2], `08:10:0${i}`),
      }),
    );
    await store.events.append(keyed(views));
    const ofQz = () => chapterRows('(SELECT * FROM chapter_days WHERE source_id = $1) c', ['qz']);
    assert.deepEqual(await ofQz(), [], 'a quiz view is no chapter');
    await store.catalog.createAnnotation(annotation('qz', 'bookmark'));
    const rows = await ofQz();
    assert.deepEqual(
      rows.map((row) => [row.chapter_id, row.experience_id, row.is_view, Number(row.n)]),
      [
        ['qz', 'x1', true, 1],
        ['qz', null, true, 1],
      ],
    );
    assert.deepEqual(await merged(), await foldedNow());
    await retype('qz', 'quiz');
    assert.deepEqual(await ofQz(), []);
    assert.deepEqual(await merged(), await foldedNow());
    await retype('qz', 'bookmark');
    assert.deepEqual(await merged(), await foldedNow());
    await compacted();
  });

  it('re-folds the widget events of an annotation whose catalog type changes', async () => {
    await store.events.append(keyed(widgetSentAsPop()));
    const ofW1 = () =>
      db.all(`SELECT kind, atype FROM widget_events WHERE annotation_id = 'w1' ORDER BY kind`);
    assert.deepEqual(await ofW1(), [], 'a pop is no widget');
    await store.catalog.createAnnotation(annotation('w1', 'signin'));
    assert.deepEqual(await ofW1(), [
      { kind: 'annotation_action', atype: 'signin' },
      { kind: 'annotation_view', atype: 'signin' },
    ]);
    assert.deepEqual(await merged(), await foldedNow());
    await retype('w1', 'poll');
    assert.deepEqual(await ofW1(), [{ kind: 'annotation_action', atype: 'poll' }], 'submits only');
    assert.deepEqual(await merged(), await foldedNow());
    await retype('w1', 'pop');
    assert.deepEqual(await ofW1(), []);
    assert.deepEqual(await merged(), await foldedNow());
    // And a widget sent as one that the catalog says is none.
    await store.catalog.createAnnotation(annotation('si', 'pop'));
    assert.equal(await count(`widget_events WHERE annotation_id = 'si'`), 0);
    assert.deepEqual(await merged(), await foldedNow());
    await retype('si', 'signin');
    assert.equal(await count(`widget_events WHERE annotation_id = 'si'`), 12 * 2);
    assert.deepEqual(await merged(), await foldedNow());
  });

  it('folds a duplicate event once', async () => {
    const before = await merged();
    const first = event({
      session_id: 'dup',
      kind: 'annotation_action',
      action: 'answer',
      annotation_id: 'a1',
      event_key: 1_000_001n,
      ts: at(DAY[2], '12:00:00'),
    });
    const again = { ...first, received_at: new Date() };
    assert.deepEqual(await store.events.append([first, again]), { duplicates: [1] });
    assert.deepEqual(await store.events.append([again]), { duplicates: [0] });
    assert.equal(await count("events WHERE session_id = 'dup'"), 1);
    assert.equal((await sessionRow('dup', DAY[2])).navigation, 1, 'a1 is contents now: once');
    const submit = event({
      session_id: 'dup',
      kind: 'annotation_action',
      action: 'submit',
      annotation_id: 'pl',
      annotation_type: 'poll',
      response: 'r0',
      event_key: 1_000_002n,
      ts: at(DAY[2], '12:00:01'),
    });
    assert.deepEqual(await store.events.append([submit, { ...submit }]), { duplicates: [1] });
    assert.deepEqual(await store.events.append([submit]), { duplicates: [0] });
    assert.equal(await count(`widget_events WHERE session_id = 'dup'`), 1);
    assert.notDeepEqual(await merged(), before);
    assert.deepEqual(await merged(), await foldedNow());
  });

  it('stays exact with two nodes appending, re-typing and compacting at once', async () => {
    const other = await openPgStore({ url, poolSize: 4 });
    try {
      const types: AnnotationType[] = ['quiz', 'pop', 'ontime', 'poll', 'contents', 'bookmark'];
      // Both nodes append sessions naming a1 and a2 while they are re-typed, and compact the
      // (account, day)s they appended to meanwhile.
      const appendAll = (node: Store, prefix: string) =>
        Promise.all(
          batches(30, 3, chapterEvents, prefix).map(async (batch, i) => {
            await node.events.append(keyed(batch));
            if (i % 10 === 9) await node.rollups.compact();
          }),
        );
      const retypeAll = async (node: Store, id: string) => {
        for (const type of types) await retype(id, type, node);
      };
      await Promise.all([
        appendAll(store, 'a'),
        appendAll(other, 'b'),
        retypeAll(other, 'a1'),
        retypeAll(store, 'a2'),
      ]);
      assert.deepEqual(await merged(), await foldedNow());
      await Promise.all([store.rollups.compact(), other.rollups.compact()]);
      assert.deepEqual(await merged(), await foldedNow());
      await compacted();
    } finally {
      await other.close();
    }
  });

  it('backfills the rollups from the stored events when the migration runs', async () => {
    const expected = await foldedNow();
    assert.ok(expected.chapters.length > 0);
    assert.ok(expected.widgets.length > 0);
    const seen = await db.all('SELECT * FROM annotations_seen ORDER BY 1, 2');
    // Undo the migrations and run them again over the events stored so far.
    await db.run(
      'DROP TABLE session_days, project_days, chapter_days, annotations_seen, widget_events',
    );
    await db.run('DELETE FROM schema_migrations WHERE version IN ($1, $2, $3)', [
      ROLLUPS_MIGRATION.version,
      WIDGETS_MIGRATION.version,
      ALONE_MIGRATION.version,
    ]);
    await migrate(db);
    assert.deepEqual(await merged(), expected);
    assert.deepEqual(await db.all('SELECT * FROM annotations_seen ORDER BY 1, 2'), seen);
    // One fold of everything: already one row per key; and each session's only one alone.
    await compacted();
    assert.ok((await tables().aloneCount()) > 0);
  });
});
