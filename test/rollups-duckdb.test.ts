/**
 * The report rollups of the embedded store (src/domain/reports/rollups.ts, src/store/duckdb/
 * rollups.ts): after any sequence of appends, catalog changes and compactions, `session_days`,
 * `project_days` and `chapter_days` merge to exactly what one fold of all events gives with the
 * catalog of now, and `widget_events` holds exactly the rows its fold gives — and after a kill -9
 * too. The store is assembled over a `DuckDb` the test keeps, to read the tables
 * and to break one on purpose.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Annotation, AnnotationType } from '../src/domain/catalog-types.js';
import type { NewEvent } from '../src/domain/events/stored-event.js';
import { mergeChapterDays, mergeSessionDays } from '../src/domain/reports/rollups.js';
import { DuckDb } from '../src/store/duckdb/database.js';
import { duckStore } from '../src/store/duckdb/index.js';
import { migrate } from '../src/store/duckdb/migrations.js';
import type { Store } from '../src/store/store.js';
import { postEvents } from './helpers/http.js';
import { cli, serveProcess } from './helpers/process.js';
import { tempDir } from './helpers/server.js';
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

/**
 * Day 2's chapter: a view of bookmark b0 or b1 (text, start, duration) and a click of the chapter
 * menu c1 (`contents`) that targets it.
 */
function chapterEvents({ base, time }: SessionParts, n: number): NewEvent[] {
  return [
    event({
      ...base,
      kind: 'annotation_view',
      annotation_id: `b${n % 2}`,
      annotation_type: 'bookmark',
      text: `Chapter ${n}`,
      extra: JSON.stringify({ annotation_start_time: n, annotation_duration: 10 + n }),
      ts: time(DAY[1], '09:00:40'),
    }),
    event({
      ...base,
      kind: 'annotation_action',
      action: 'click',
      annotation_id: 'c1',
      annotation_type: 'contents',
      target_annotation: `b${n % 2}`,
      ts: time(DAY[1], '09:00:50'),
    }),
  ];
}

/** Rows of `sql` in a fixed order. */
const rowsOf = (db: DuckDb, sql: string) => db.all(`${sql} ORDER BY ALL`);

describe('rollups (DuckDB)', () => {
  const dataDir = tempDir();
  let db: DuckDb;
  let store: Store;
  let keySerial = 0n;

  /** Gives each event a de-duplication key of its own (as an event_id would). */
  const keyed = (events: NewEvent[]) => events.map((e) => ({ ...e, event_key: ++keySerial }));

  const rows = (sql: string) => rowsOf(db, sql);
  const tables = () => rollupTables((sql) => db.all(sql), 'duckdb');
  const merged = () => tables().merged();
  const foldedNow = () => tables().foldedNow();

  const count = async (table: string) =>
    Number((await db.one(`SELECT count(*) AS n FROM ${table}`))?.n);

  const sessionRow = async (session: string, day: string) =>
    (
      await rows(
        `${mergeSessionDays(`(SELECT * FROM session_days WHERE session_id = '${session}' AND day = DATE '${day}')`, 'duckdb')}`,
      )
    )[0];

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

  const retype = (id: string, type: AnnotationType) =>
    store.catalog.updateAnnotation({ accountId: ACCOUNT, projectId: 'p0', id }, (a) => ({
      ...a,
      type,
    }));

  before(async () => {
    const options = { dataDir, memoryLimit: '512MB', threads: 2, dedupWindowDays: 8 };
    db = await DuckDb.open(options);
    await migrate(db);
    store = await duckStore(db, options);
  });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('appends partials with every batch that merge to a fold of all events', async () => {
    for (const batch of batches(12, 5, chapterEvents)) await store.events.append(keyed(batch));
    assert.equal(await count('events'), 12 * 13);
    // Several partials per key: batches split sessions (and chapters).
    assert.ok((await count('session_days')) > 12 * 2);
    assert.ok(
      (await count('chapter_days')) >
        (await count(
          '(SELECT DISTINCT account_id, day, project_id, experience_id, source_id, chapter_id, is_view FROM chapter_days)',
        )),
    );
    const folded = await foldedNow();
    // Views of b0/b1 and clicks of c1 targeting them, per project (p0, p1) and experience.
    assert.equal(folded.chapters.length, 8);
    // Each session's sign-in view and submit, and poll submit (not its view).
    assert.equal(folded.widgets.length, 12 * 3);
    assert.deepEqual(await merged(), folded);
    assert.deepEqual(await rows('SELECT * FROM annotations_seen'), [
      { account_id: ACCOUNT, annotation_id: 'a1' },
      { account_id: ACCOUNT, annotation_id: 'a2' },
      { account_id: ACCOUNT, annotation_id: 'a3' },
      { account_id: ACCOUNT, annotation_id: 'b0' },
      { account_id: ACCOUNT, annotation_id: 'b1' },
      { account_id: ACCOUNT, annotation_id: 'c1' },
      { account_id: ACCOUNT, annotation_id: 'pl' },
      { account_id: ACCOUNT, annotation_id: 'si' },
    ]);
  });

  it('compacts to one row per key with the same merged content', async () => {
    const before = await merged();
    const total = async () =>
      (await count('session_days')) + (await count('project_days')) + (await count('chapter_days'));
    const partials = await total();
    const chapterPartials = await count('chapter_days');
    const mergedAway = await store.rollups.compact();
    const after = await total();
    assert.equal(mergedAway, partials - after);
    assert.ok(mergedAway > 0);
    assert.equal(
      await count('session_days'),
      await count(
        '(SELECT DISTINCT account_id, day, session_id, project_id, experience_id FROM session_days)',
      ),
    );
    assert.equal(
      await count('(SELECT DISTINCT account_id, day, project_id, experience_id FROM project_days)'),
      await count('project_days'),
    );
    assert.ok((await count('chapter_days')) < chapterPartials);
    assert.equal(
      await count(
        '(SELECT DISTINCT account_id, day, project_id, experience_id, source_id, chapter_id, is_view FROM chapter_days)',
      ),
      await count('chapter_days'),
    );
    // Merged rows are what the tables now hold, row for row.
    assert.deepEqual(await tables().stored(), before);
    assert.deepEqual(await merged(), before);
    assert.equal(await store.rollups.compact(), 0, 'nothing appended since');
  });

  it('re-folds the sessions naming an annotation whose catalog type changes', async () => {
    const s0 = await sessionRow('s0', DAY[0]);
    assert.equal(s0?.links, 1n, 'a1 sent as pop: a link');
    assert.equal((await sessionRow('s0', DAY[1]))?.has_interaction, true, 'a3 action');

    await store.catalog.createProject(catalogProject('p0'));
    await store.catalog.createAnnotation(annotation('a1', 'quiz'));
    const asQuiz = await sessionRow('s0', DAY[0]);
    assert.equal(asQuiz?.links, 0n);
    assert.equal(asQuiz?.responses, 1n);
    assert.deepEqual(await merged(), await foldedNow());

    await retype('a1', 'poll');
    const asPoll = await sessionRow('s0', DAY[0]);
    assert.equal(asPoll?.responses, 0n);
    assert.equal(asPoll?.widgets, 1n);
    assert.deepEqual(await merged(), await foldedNow());

    // A soft delete keeps the type (reports read deleted rows); reviving as another re-folds.
    await store.catalog.deleteAnnotation(ACCOUNT, 'p0', 'a1');
    assert.deepEqual(await merged(), await foldedNow());
    assert.equal((await sessionRow('s0', DAY[0]))?.widgets, 1n);
    await store.catalog.createAnnotation(annotation('a1', 'contents'));
    assert.equal((await sessionRow('s0', DAY[0]))?.navigation, 1n);
    assert.deepEqual(await merged(), await foldedNow());
  });

  it('makes a view of an annotation that becomes ontime an interaction', async () => {
    // Day 2 of a session whose only action names a3 (not in the catalog) is an interaction
    // already; an ontime a2 makes a view one: check on a session with views only.
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
    assert.equal((await sessionRow('viewer', DAY[2]))?.has_interaction, false);
    await store.catalog.createAnnotation(annotation('a2', 'ontime'));
    assert.equal((await sessionRow('viewer', DAY[2]))?.has_interaction, true);
    assert.deepEqual(await merged(), await foldedNow());
    // An annotation no event names changes no rollup (and needs no re-fold).
    await store.catalog.createAnnotation(annotation('unseen', 'quiz'));
    assert.deepEqual(await merged(), await foldedNow());
  });

  it('re-folds the chapter partials of an annotation whose catalog type changes', async () => {
    const quizView = (session: string, time: string) =>
      event({
        session_id: session,
        project_id: 'p0',
        kind: 'annotation_view',
        annotation_id: 'q1',
        annotation_type: 'quiz',
        text: `Quiz at ${time}`,
        extra: JSON.stringify({ annotation_start_time: 12, annotation_duration: 3 }),
        ts: at(DAY[2], time),
      });
    await store.events.append(keyed([quizView('qs1', '07:00:00')]));
    await store.events.append(keyed([quizView('qs2', '07:30:00')]));
    const ofQ1 = `SELECT * FROM chapter_days WHERE source_id = 'q1'`;
    assert.deepEqual(await rows(ofQ1), [], 'views of a quiz are no chapter views');
    await store.catalog.createAnnotation(annotation('q1', 'bookmark'));
    const views = await rows(mergeChapterDays(`(${ofQ1})`, 'duckdb'));
    assert.equal(views.length, 1);
    assert.equal(views[0]?.chapter_id, 'q1');
    assert.equal(views[0]?.is_view, true);
    assert.equal(views[0]?.n, 2n);
    assert.equal(views[0]?.text, 'Quiz at 07:30:00');
    assert.equal(views[0]?.event_start, 12);
    assert.deepEqual(await merged(), await foldedNow());
    // And back: a poll's views are no chapter's.
    await retype('q1', 'poll');
    assert.deepEqual(await rows(ofQ1), []);
    assert.deepEqual(await merged(), await foldedNow());
    await retype('q1', 'bookmark');
    assert.equal((await rows(ofQ1)).length, 1, 're-folded as one row');
    assert.deepEqual(await merged(), await foldedNow());
  });

  it('re-folds the widget events of an annotation whose catalog type changes', async () => {
    await store.events.append(keyed(widgetSentAsPop()));
    const ofW1 = () => rows(`SELECT kind, atype FROM widget_events WHERE annotation_id = 'w1'`);
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
    assert.deepEqual(await rows(`SELECT * FROM widget_events WHERE annotation_id = 'si'`), []);
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
    assert.equal(
      Number((await db.one("SELECT count(*) AS n FROM events WHERE session_id = 'dup'"))?.n),
      1,
    );
    assert.equal((await sessionRow('dup', DAY[2]))?.navigation, 1n, 'a1 is contents now: once');
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

  it('keeps neither the events nor their partials of an append that fails', async () => {
    const tables = [
      'events',
      'session_days',
      'project_days',
      'chapter_days',
      'widget_events',
      'annotations_seen',
    ];
    const counts = async () => Promise.all(tables.map(count));
    const before = await counts();
    // A batch naming an annotation no event named before: the last statement of its transaction
    // notes it in annotations_seen, and fails, after the appender has flushed the events and both
    // folds have run. The ROLLBACK must take them all back.
    const naming = (annotationId: string) =>
      keyed(
        batches(2, 18, chapterEvents)[0]!.map((e) => ({
          ...e,
          annotation_id: e.annotation_id && annotationId,
        })),
      );
    await db.run('ALTER TABLE annotations_seen RENAME TO annotations_seen_away');
    try {
      await assert.rejects(store.events.append(naming('new')), /annotations_seen/);
    } finally {
      await db.run('ALTER TABLE annotations_seen_away RENAME TO annotations_seen');
    }
    assert.deepEqual(await counts(), before);
    // The writer is usable again, and what it appends next is folded and noted as ever, the
    // annotation of the failed batch too.
    await store.events.append(naming('new'));
    assert.equal(await count('events'), before[0]! + 18);
    assert.deepEqual(
      await rows(`SELECT annotation_id FROM annotations_seen WHERE annotation_id = 'new'`),
      [{ annotation_id: 'new' }],
    );
    assert.deepEqual(await merged(), await foldedNow());
    assert.ok((await store.rollups.compact()) > 0);
    assert.deepEqual(await merged(), await foldedNow());
  });

  it('backfills the rollups from the stored events when the migration runs', async () => {
    const expected = await foldedNow();
    const seen = await rows('SELECT * FROM annotations_seen');
    assert.ok(expected.widgets.length > 0);
    // Undo migrations 4 and 5 and run them again over the events stored so far.
    await db.run('DROP TABLE session_days');
    await db.run('DROP TABLE project_days');
    await db.run('DROP TABLE chapter_days');
    await db.run('DROP TABLE annotations_seen');
    await db.run('DROP TABLE widget_events');
    await db.run('DELETE FROM schema_migrations WHERE version IN (4, 5)');
    await migrate(db);
    assert.deepEqual(await merged(), expected);
    assert.deepEqual(await rows('SELECT * FROM annotations_seen'), seen);
    // One fold of everything: already one row per key.
    assert.equal(
      await count('session_days'),
      await count(
        '(SELECT DISTINCT account_id, day, session_id, project_id, experience_id FROM session_days)',
      ),
    );
    assert.ok((await count('chapter_days')) > 0);
    assert.equal(
      await count('chapter_days'),
      await count(
        '(SELECT DISTINCT account_id, day, project_id, experience_id, source_id, chapter_id, is_view FROM chapter_days)',
      ),
    );
  });
});

describe('rollups (DuckDB) across kill -9', () => {
  it('keeps every acknowledged event with its partials, and no partial without its events', async () => {
    const dataDir = tempDir();
    try {
      const withDir = (args: string[]) => [...args, '--json', '--data-dir', dataDir];
      assert.equal((await cli(withDir(['accounts', 'create', '--id', ACCOUNT]))).code, 0);
      const made = await cli(withDir(['keys', 'create', '--account', ACCOUNT, '--type', 'write']));
      assert.equal(made.code, 0, made.stderr);
      const { key } = JSON.parse(made.stdout) as { key: string };

      const server = await serveProcess(['--data-dir', dataDir]);
      let acknowledged = 0;
      let killed = false;
      // Four clients send sessions' events (annotation actions among them) until the server is
      // killed the instant its 40th 200 arrives, with other requests mid-commit.
      const client = async (c: number) => {
        for (let r = 0; !killed; r++) {
          const body = Array.from({ length: 10 }, (_, i) => ({
            event: i % 3 ? 'Player Action' : 'Annotation Action',
            event_id: `c${c}-r${r}-e${i}`,
            properties: {
              'Project ID': `p${c}`,
              'Session ID': `c${c}-s${r % 3}`,
              Action: i % 3 ? 'Play' : 'Click',
              ...(i % 3 ? {} : { 'Annotation ID': `a${i}`, 'Annotation Type': 'pop' }),
              'Play Time Accrued': r + i,
            },
          }));
          try {
            const res = await postEvents(server.url, key, body);
            if (res.status !== 200) continue;
            if (++acknowledged >= 40 && !killed) {
              killed = true;
              server.child.kill('SIGKILL');
            }
          } catch {
            return; // the connection died with the server
          }
        }
      };
      await Promise.all(Array.from({ length: 4 }, (_, c) => client(c)));
      if (server.child.exitCode === null && server.child.signalCode === null) {
        await new Promise((resolve) => server.child.once('exit', resolve));
      }

      // Opening replays the WAL: whatever commits it holds, events and partials came together.
      const db = await DuckDb.open({
        dataDir,
        memoryLimit: '512MB',
        threads: 2,
        dedupWindowDays: 8,
      });
      try {
        const stored = Number((await db.one('SELECT count(*) AS n FROM events'))?.n);
        assert.ok(stored >= acknowledged * 10, `${stored} events for ${acknowledged} 200s`);
        const reopened = rollupTables((sql) => db.all(sql), 'duckdb');
        assert.deepEqual(await reopened.merged(), await reopened.foldedNow());
      } finally {
        await db.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
