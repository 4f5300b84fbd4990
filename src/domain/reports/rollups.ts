/**
 * The rollups summary reports read instead of the events (architecture.md §4): exact partial
 * aggregates, written by the store in the same transaction as the events they fold, so that a
 * six-month summary reads ~one row per session instead of every event.
 *
 * - `session_days`: one partial per (account, UTC day, session, project, experience) — everything
 *   the session-based metrics need (reporting-api.md §3.1), and the session's sentiment widget
 *   events (whether any, and the latest rating). Report ranges are whole UTC days, so
 *   the partials of the days in range combine exactly: counts add, flags are `bool_or`, the first
 *   event and the viewer's IDs are `min`, view time is `max`, the latest username keeps its
 *   `(ts, seq)`.
 * - `project_days`: one partial per (account, UTC day, project, experience) — the latest title,
 *   tags, video IDs and duration the events said, each with its own `(ts, seq)`.
 *
 * Partials are appended per commit (no upsert: no lock between writers) and merged later by the
 * store's compaction (`mergeSessionDays` / `mergeProjectDays`), which changes no report.
 * `chapter_days` holds partials too; `widget_events` does not: one narrow row per sign-in or poll
 * event, for the widget summaries, never merged.
 *
 * The annotation type that interactions and the four action kinds depend on comes from the
 * catalog as it is when the events are folded; a catalog change that alters the type of an
 * annotation the events already name re-folds the sessions that name it, and the `chapter_days`
 * and `widget_events` rows of its own events (the stores do that in the catalog write), so the
 * rollups always equal a fold of the events with the catalog of now.
 */
import type { SqlDialect } from './definition.js';
import {
  ACTION_KINDS,
  CATEGORY,
  INTERACTION,
  PROJECT_FACTS,
  is,
  jsonSql,
  latestBy,
} from './sql.js';

export type RollupColumnType = 'text' | 'date' | 'timestamp' | 'bigint' | 'double' | 'boolean';

const KEY_COLUMNS = [
  ['account_id', 'text'],
  ['day', 'date'],
  ['session_id', 'text'],
  ['project_id', 'text'],
  ['experience_id', 'text'],
] as const;

/** `session_days`' columns in table order; the first five are the key (`project_id`, `experience_id` may be NULL). */
export const SESSION_DAYS_COLUMNS: readonly (readonly [string, RollupColumnType])[] = [
  ...KEY_COLUMNS,
  ['first_ts', 'timestamp'],
  ['user_id', 'text'],
  ['anonymous_id', 'text'],
  ['username', 'text'],
  ['last_username', 'text'],
  ['last_username_ts', 'timestamp'],
  ['last_username_seq', 'bigint'],
  ['has_load', 'boolean'],
  ['has_play', 'boolean'],
  ['has_interaction', 'boolean'],
  ['view_time', 'double'],
  ...ACTION_KINDS.map((kind) => [kind, 'bigint'] as const),
  ['has_sentiment', 'boolean'],
  ['rating', 'bigint'],
  ['rating_ts', 'timestamp'],
  ['rating_seq', 'bigint'],
];

/** `project_days`' columns in table order; the key is (account_id, day, project_id, experience_id). */
export const PROJECT_DAYS_COLUMNS: readonly (readonly [string, RollupColumnType])[] = [
  ['account_id', 'text'],
  ['day', 'date'],
  ['project_id', 'text'],
  ['experience_id', 'text'],
  ...PROJECT_FACTS.flatMap(
    (fact) =>
      [
        [fact, fact === 'duration' ? 'double' : 'text'],
        [`${fact}_ts`, 'timestamp'],
        [`${fact}_seq`, 'bigint'],
      ] as const,
  ),
];

/** `value`, `value_ts`, `value_seq`: a latest value and the `(ts, seq)` of the row it came from. */
function latestTriple(
  name: string,
  expr: string,
  ts: string,
  seq: string,
  dialect: SqlDialect,
): string[] {
  return [
    `${latestBy(expr, ts, seq, dialect)} AS ${name}`,
    `max(${ts}) FILTER (WHERE ${expr} IS NOT NULL) AS ${name}_ts`,
    `${latestBy(seq, ts, seq, dialect, expr)} AS ${name}_seq`,
  ];
}

/** A rating (reporting-api.md §3.1): the value of a sentiment widget's `rate` action. */
const RATING = `CASE WHEN kind = 'annotation_action' AND atype = 'sentiment' AND action = 'rate'
    THEN rating_value END`;

/**
 * The `session_days` partials of the events in `source` (a relation with the events' columns,
 * e.g. `events` or the rows just inserted), one per key, in table column order. Annotation
 * types come from `annotations` as it is now.
 */
export function foldSessionDays(source: string, dialect: SqlDialect): string {
  const count = (category: string) => `count(*) FILTER (WHERE ${CATEGORY} = '${category}')`;
  return `SELECT account_id, CAST(ts AS DATE) AS day, session_id, project_id, experience_id,
  min(ts) AS first_ts, min(user_id) AS user_id, min(anonymous_id) AS anonymous_id,
  min(username) AS username,
  ${latestTriple('last_username', 'username', 'ts', 'seq', dialect).join(',\n  ')},
  bool_or(${is.load}) AS has_load, bool_or(${is.play}) AS has_play,
  bool_or(${INTERACTION}) AS has_interaction, max(play_time_accrued) AS view_time,
  ${ACTION_KINDS.map((kind) => `${count(kind)} AS ${kind}`).join(', ')},
  bool_or(COALESCE(atype = 'sentiment', false)) AS has_sentiment,
  ${latestTriple('rating', RATING, 'ts', 'seq', dialect).join(',\n  ')}
FROM (
  SELECT e.account_id, e.ts, e.seq, e.session_id, e.project_id, e.experience_id, e.user_id,
    e.anonymous_id, e.username, e.kind, e.action, e.play_time_accrued, e.target_time,
    e.rating_value, COALESCE(a.type, e.annotation_type) AS atype
  FROM ${source} e
  LEFT JOIN annotations a ON a.account_id = e.account_id AND a.id = e.annotation_id
) f
GROUP BY account_id, CAST(ts AS DATE), session_id, project_id, experience_id`;
}

/**
 * `session_days` partials in `source` (a table, or a subquery with its alias) merged into one row
 * per key, in table column order.
 */
export function mergeSessionDays(source: string, dialect: SqlDialect): string {
  const keys = ROLLUP_KEYS.session_days.join(', ');
  return `SELECT ${keys},
  min(first_ts) AS first_ts, min(user_id) AS user_id, min(anonymous_id) AS anonymous_id,
  min(username) AS username,
  ${latestTriple('last_username', 'last_username', 'last_username_ts', 'last_username_seq', dialect).join(',\n  ')},
  bool_or(has_load) AS has_load, bool_or(has_play) AS has_play,
  bool_or(has_interaction) AS has_interaction, max(view_time) AS view_time,
  ${ACTION_KINDS.map((kind) => `sum(${kind}) AS ${kind}`).join(', ')},
  bool_or(has_sentiment) AS has_sentiment,
  ${latestTriple('rating', 'rating', 'rating_ts', 'rating_seq', dialect).join(',\n  ')}
FROM ${source}
GROUP BY ${keys}`;
}

/** What each project fact is read from on an event row. */
function factExpressions(dialect: SqlDialect): Record<(typeof PROJECT_FACTS)[number], string> {
  return {
    title: 'project_title',
    tags: jsonSql(dialect).member(`CASE WHEN extra LIKE '%"tags":%' THEN extra END`, 'tags'),
    video_id: 'video_id',
    video_source_id: 'video_source_id',
    duration: 'CASE WHEN video_duration > 0 THEN video_duration END',
  };
}

/** The `project_days` partials of the events in `source` (see `foldSessionDays`). */
export function foldProjectDays(source: string, dialect: SqlDialect): string {
  const facts = factExpressions(dialect);
  return `SELECT account_id, CAST(ts AS DATE) AS day, project_id, experience_id,
  ${PROJECT_FACTS.flatMap((f) => latestTriple(f, facts[f], 'ts', 'seq', dialect)).join(',\n  ')}
FROM ${source} e
WHERE project_id IS NOT NULL
GROUP BY account_id, CAST(ts AS DATE), project_id, experience_id`;
}

/** `project_days` partials in `source` merged into one row per key. */
export function mergeProjectDays(source: string, dialect: SqlDialect): string {
  const keys = ROLLUP_KEYS.project_days.join(', ');
  return `SELECT ${keys},
  ${PROJECT_FACTS.flatMap((f) => latestTriple(f, f, `${f}_ts`, `${f}_seq`, dialect)).join(',\n  ')}
FROM ${source}
GROUP BY ${keys}`;
}

/**
 * `chapter_days`' columns in table order; the key is (account_id, day, project_id, experience_id,
 * source_id, chapter_id, is_view). One partial per chapter seen in playback (`is_view`, the view's
 * own annotation) or chosen in a chapter menu (the click's target), per the annotation whose events
 * they are (`source_id`: what a catalog type change re-folds): how many, and the latest text, start
 * and duration the events said.
 */
export const CHAPTER_DAYS_COLUMNS: readonly (readonly [string, RollupColumnType])[] = [
  ['account_id', 'text'],
  ['day', 'date'],
  ['project_id', 'text'],
  ['experience_id', 'text'],
  ['source_id', 'text'],
  ['chapter_id', 'text'],
  ['is_view', 'boolean'],
  ['n', 'bigint'],
  ...(['text', 'event_start', 'event_duration'] as const).flatMap(
    (fact) =>
      [
        [fact, fact === 'text' ? 'text' : 'double'],
        [`${fact}_ts`, 'timestamp'],
        [`${fact}_seq`, 'bigint'],
      ] as const,
  ),
];

/**
 * The `chapter_days` partials of the events in `source` (see `foldSessionDays`): chapter views
 * (`annotation_view`s of `bookmark` annotations) and chapter-menu clicks (`click`s of `contents`
 * annotations, for their `target_annotation`, else `target`). Whether a click's target is a
 * chapter is the catalog's say when the report runs.
 */
export function foldChapterDays(source: string, dialect: SqlDialect): string {
  const json = jsonSql(dialect);
  const fromView = (expr: string) =>
    `CASE WHEN e.kind = 'annotation_view' THEN CAST(${expr} AS DOUBLE PRECISION) END`;
  return `SELECT account_id, CAST(ts AS DATE) AS day, project_id, experience_id, source_id,
  chapter_id, is_view, count(*) AS n,
  ${(['text', 'event_start', 'event_duration'] as const)
    .flatMap((f) => latestTriple(f, f, 'ts', 'seq', dialect))
    .join(',\n  ')}
FROM (
  SELECT e.account_id, e.ts, e.seq, e.project_id, e.experience_id, e.annotation_id AS source_id,
    CASE WHEN e.kind = 'annotation_view' THEN e.annotation_id
      ELSE COALESCE(e.target_annotation, e.target) END AS chapter_id,
    e.kind = 'annotation_view' AS is_view, e.text,
    ${fromView(json.text('e.extra', 'annotation_start_time'))} AS event_start,
    ${fromView(json.text('e.extra', 'annotation_duration'))} AS event_duration
  FROM ${source} e
  LEFT JOIN annotations a ON a.account_id = e.account_id AND a.id = e.annotation_id
  WHERE e.project_id IS NOT NULL
    AND ((e.kind = 'annotation_view' AND COALESCE(a.type, e.annotation_type) = 'bookmark'
        AND e.annotation_id IS NOT NULL)
      OR (e.kind = 'annotation_action' AND COALESCE(a.type, e.annotation_type) = 'contents'
        AND e.action = 'click' AND COALESCE(e.target_annotation, e.target) IS NOT NULL))
) f
GROUP BY account_id, CAST(ts AS DATE), project_id, experience_id, source_id, chapter_id, is_view`;
}

/** `chapter_days` partials in `source` merged into one row per key. */
export function mergeChapterDays(source: string, dialect: SqlDialect): string {
  const keys = ROLLUP_KEYS.chapter_days.join(', ');
  return `SELECT ${keys}, sum(n) AS n,
  ${(['text', 'event_start', 'event_duration'] as const)
    .flatMap((f) => latestTriple(f, f, `${f}_ts`, `${f}_seq`, dialect))
    .join(',\n  ')}
FROM ${source}
GROUP BY ${keys}`;
}

/**
 * `widget_events`' columns in table order: one row per stored event of a sign-in widget (every
 * kind: views, ends, actions) or per submit of a poll, with what the widget summaries read of it.
 * Not partials: each row is one event, final when written, so there is nothing to merge.
 */
export const WIDGET_EVENTS_COLUMNS: readonly (readonly [string, RollupColumnType])[] = [
  ['account_id', 'text'],
  ['day', 'date'],
  ['ts', 'timestamp'],
  ['seq', 'bigint'],
  ['session_id', 'text'],
  ['project_id', 'text'],
  ['experience_id', 'text'],
  ['annotation_id', 'text'],
  ['atype', 'text'],
  ['kind', 'text'],
  ['action', 'text'],
  ['text', 'text'],
  ['skipped', 'boolean'],
  ['sign_in_type', 'text'],
  ['response', 'text'],
  ['poll_type', 'text'],
  ['prompt', 'text'],
];

/**
 * The `widget_events` rows of the events in `source` (see `foldSessionDays`), in table column
 * order: the events naming an annotation whose type is `signin` — all of them, since the sign-in
 * summary counts views and takes the latest text of any — or `poll` when they are submits, the
 * only poll events its summary reads.
 */
export function foldWidgetEvents(source: string, _dialect: SqlDialect): string {
  // No dialect seam (no JSON, no latest): the parameter keeps the folds' one signature.
  return `SELECT account_id, CAST(ts AS DATE) AS day, ts, seq, session_id, project_id,
  experience_id, annotation_id, atype, kind, action, text, skipped, sign_in_type, response,
  poll_type, prompt
FROM (
  SELECT e.account_id, e.ts, e.seq, e.session_id, e.project_id, e.experience_id, e.annotation_id,
    COALESCE(a.type, e.annotation_type) AS atype, e.kind, e.action, e.text, e.skipped,
    e.sign_in_type, e.response, e.poll_type, e.prompt
  FROM ${source} e
  LEFT JOIN annotations a ON a.account_id = e.account_id AND a.id = e.annotation_id
  WHERE e.annotation_id IS NOT NULL
) f
WHERE atype = 'signin' OR (atype = 'poll' AND kind = 'annotation_action' AND action = 'submit')`;
}

/**
 * The rollups whose rows come from one annotation's own events, and the column naming it: what a
 * catalog change of that annotation's type replaces (rows deleted by `column`, the annotation's
 * events folded again). `session_days` is re-folded per session instead; `project_days` reads no
 * annotation type.
 */
export const ANNOTATION_ROLLUPS = [
  { table: 'chapter_days', column: 'source_id', fold: foldChapterDays },
  { table: 'widget_events', column: 'annotation_id', fold: foldWidgetEvents },
] as const;

/**
 * Each rollup table's key: its first columns. Partials with the same key merge into one row; the
 * key columns after `account_id` and `day` may be NULL.
 */
export const ROLLUP_KEYS = {
  session_days: SESSION_DAYS_COLUMNS.slice(0, 5).map(([name]) => name),
  project_days: PROJECT_DAYS_COLUMNS.slice(0, 4).map(([name]) => name),
  chapter_days: CHAPTER_DAYS_COLUMNS.slice(0, 7).map(([name]) => name),
} as const;

/**
 * The rollups whose partials compaction merges, each with its merge (`widget_events` has none: its
 * rows are final). Both stores loop over this list; the key of each is `ROLLUP_KEYS[table]`.
 */
export const COMPACTED_ROLLUPS = [
  { table: 'session_days', merge: mergeSessionDays },
  { table: 'project_days', merge: mergeProjectDays },
  { table: 'chapter_days', merge: mergeChapterDays },
] as const;
