/**
 * The building blocks every engagement report's SQL is made of, so that each metric rule of
 * reporting-api.md §3 is written once: literal escaping, the events in scope, the annotation type
 * and category of an event, interactions, the per-session rollup, the per-project facts (title,
 * tags, video, duration) and the stream `action` and `details` of §3.2 and details.md §1.
 *
 * Everything here is SQL text in the dialect DuckDB and PostgreSQL 15 share (architecture.md §1):
 * `count(… ) FILTER (WHERE …)`, `bool_or`, `percentile_cont … WITHIN GROUP`, ordered `array_agg`
 * with a 1-based subscript, `CAST(… AS DOUBLE PRECISION)`. The one exception is reading JSON text,
 * which the two engines spell differently: that lives in `jsonSql` below, the dialect seam.
 *
 * The CTE names are shared by the reports: `ev` (events in scope), `sv` (session viewers),
 * `sessions` (the per-session rollup) and `project_info`.
 */
import { SERVER_COLUMNS, eventColumnsExcept } from '../events/stored-event.js';
import { addDays } from './dates.js';
import type { ReportScope, SqlDialect } from './definition.js';

/**
 * A string literal, standard SQL: single quotes doubled, backslashes literal (both engines). A NUL
 * character, which no literal may hold, is spliced in as `chr(0)` (PostgreSQL refuses it in text:
 * its report scopes go through `scopeInDialect` first).
 */
export function lit(value: string): string {
  const quoted = `'${value.replaceAll("'", "''")}'`;
  return value.includes('\0') ? `(${quoted.replaceAll('\0', "' || chr(0) || '")})` : quoted;
}

/**
 * DIALECT SEAM: PostgreSQL text cannot hold U+0000, so its store keeps one as U+FFFD (the Unicode
 * replacement character); a filter ID is spelled the same way there, and matches what it would
 * match in DuckDB.
 */
export function scopeInDialect(scope: ReportScope, dialect: SqlDialect): ReportScope {
  if (dialect !== 'postgres') return scope;
  const storable = (ids: readonly string[]) => ids.map((id) => id.replaceAll('\0', '\uFFFD'));
  return {
    ...scope,
    projectIds: storable(scope.projectIds),
    experienceIds: storable(scope.experienceIds),
  };
}

/** `(lit, lit, …)` for `IN`; callers never pass an empty list. */
export function litList(values: readonly string[]): string {
  return `(${values.map(lit).join(', ')})`;
}

/** The midnight (UTC) that starts `day` (`YYYY-MM-DD`), as a TIMESTAMP literal. */
export function dayStart(day: string): string {
  return `TIMESTAMP ${lit(`${day} 00:00:00`)}`;
}

/** `a ÷ b` as a double, 0 when `b` is 0: the rates of §3.1 (never NULL, never clamped). */
export function ratio(numerator: string, denominator: string): string {
  return `CASE WHEN ${denominator} = 0 THEN CAST(0 AS DOUBLE PRECISION) ELSE CAST(${numerator} AS DOUBLE PRECISION) / ${denominator} END`;
}

/**
 * min(100, 100 × part ÷ whole); NULL when `whole` is NULL (an unknown video duration). Not
 * `LEAST`, which both engines make skip a NULL argument.
 */
export function cappedPercent(part: string, whole: string): string {
  const percent = `100 * CAST(${part} AS DOUBLE PRECISION) / ${whole}`;
  return `CASE WHEN ${percent} > 100 THEN CAST(100 AS DOUBLE PRECISION) ELSE ${percent} END`;
}

/**
 * `expr` of the latest event (by `ts`, then `seq`) on which it is not NULL; an aggregate over
 * event rows (`alias` their table's alias, or '').
 */
export function latest(expr: string, alias: string, dialect: SqlDialect): string {
  const p = alias === '' ? '' : `${alias}.`;
  return latestBy(expr, `${p}ts`, `${p}seq`, dialect);
}

/**
 * `expr` of the row with the greatest `(ts, seq)` among those where `nonNull` is not NULL; an
 * aggregate. A dialect seam: DuckDB's `arg_max` keeps one value per group, where the shared
 * spelling (`array_agg … ORDER BY`, PostgreSQL's) holds every value of the group in memory — which
 * ran a six-month user summary out of memory at 10 million events.
 */
export function latestBy(
  expr: string,
  ts: string,
  seq: string,
  dialect: SqlDialect,
  nonNull = expr,
): string {
  if (dialect === 'duckdb') {
    // One HUGEINT key (microseconds, then seq) is cheaper to compare than a (ts, seq) struct: a
    // 30-event fold took ~6 ms of CPU instead of ~10.
    const key = `(CAST(epoch_us(${ts}) AS HUGEINT) << 64) + ${seq}`;
    return `arg_max(${expr}, ${key}) FILTER (WHERE ${nonNull} IS NOT NULL)`;
  }
  return `(array_agg(${expr} ORDER BY ${ts} DESC, ${seq} DESC) FILTER (WHERE ${nonNull} IS NOT NULL))[1]`;
}

/**
 * The non-NULL values of `expr` on the rows that meet `condition`, one entry per row (not
 * de-duplicated), in time order; an empty list when there are none. An aggregate over `ev` rows.
 */
export function listInTimeOrder(expr: string, condition: string, alias = 'ev'): string {
  return `COALESCE(array_agg(${expr} ORDER BY ${alias}.ts, ${alias}.seq)
      FILTER (WHERE ${condition} AND ${expr} IS NOT NULL), CAST(ARRAY[] AS VARCHAR[]))`;
}

/**
 * Properties of events.md §2.2 that the collector keeps in `extra` (they have no column of their
 * own), plus its `original_action`. What remains of `extra` without them is the event's custom
 * properties (Brightcove's `custom_*`).
 */
export const KNOWN_EXTRA_PROPERTIES = [
  'original_action',
  'track_id',
  'host',
  'video_source',
  'video_title',
  'num_annotations',
  'tags',
  'paused',
  'annotation_start_time',
  'annotation_duration',
  'elapsed',
  'remaining',
  'target_track',
  'target_expression',
  'num_questions',
  'num_answered',
  'num_correct',
  'pass',
] as const;

/** The JSON functions report SQL needs, spelled for one engine (see `jsonSql`). */
export interface JsonSql {
  /** The scalar at `doc.key1.key2…` as text; NULL when absent or `doc` is NULL. */
  text(doc: string, ...keys: string[]): string;
  /** The JSON text of member `key` of `doc` (`["a","b"]`, `"a"`); NULL when absent. */
  member(doc: string, key: string): string;
  /** JSON text holding an array of strings (or one string) as a text array; NULL otherwise. */
  textArray(jsonText: string): string;
  /**
   * The `details` of a custom action (details.md §1): one compact JSON object, the original action
   * first, then the event's custom properties in the order they were sent (members that are
   * JSON null left out, at any depth).
   */
  customDetails(action: string, extra: string): string;
}

const DUCKDB_JSON: JsonSql = {
  text(doc, ...keys) {
    return `json_extract_string(${doc}, ${lit(`$.${keys.map((k) => `"${k}"`).join('.')}`)})`;
  },
  member(doc, key) {
    return `CAST(json_extract(${doc}, ${lit(`$."${key}"`)}) AS VARCHAR)`;
  },
  textArray(jsonText) {
    return `CASE json_type(${jsonText})
      WHEN 'ARRAY' THEN CAST(CAST(${jsonText} AS JSON) AS VARCHAR[])
      WHEN 'VARCHAR' THEN ARRAY[json_extract_string(${jsonText}, '$')] END`;
  },
  customDetails(action, extra) {
    // RFC 7396 merge patches: the first drops the known properties (null members), the second
    // puts the action first and, as merge patches do, strips null members at every depth.
    const drop = `{${KNOWN_EXTRA_PROPERTIES.map((k) => `"${k}":null`).join(',')}}`;
    return `CAST(json_merge_patch(json_object('action', ${action}),
      COALESCE(json_merge_patch(${extra}, ${lit(drop)}), '{}')) AS VARCHAR)`;
  },
};

/**
 * PostgreSQL reads the stored JSON text as `json`, not `jsonb`: `json` keeps the members in the
 * order they were sent and their text as stored (compact, from JSON.stringify), which is what
 * DuckDB prints; `jsonb` would reorder keys and print spaces after `:` and `,`.
 */
const POSTGRES_JSON: JsonSql = {
  text(doc, ...keys) {
    return `(CAST(${doc} AS json) #>> ${lit(`{${keys.map((k) => `"${k}"`).join(',')}}`)})`;
  },
  member(doc, key) {
    return `CAST(CAST(${doc} AS json) -> ${lit(key)} AS text)`;
  },
  textArray(jsonText) {
    const doc = `CAST(${jsonText} AS json)`;
    return `CASE json_typeof(${doc})
      WHEN 'array' THEN ARRAY(SELECT json_array_elements_text(${doc}))
      WHEN 'string' THEN ARRAY[${doc} #>> '{}'] END`;
  },
  customDetails(action, extra) {
    const string = (x: string) => `COALESCE(CAST(to_json(CAST(${x} AS text)) AS text), 'null')`;
    const members = `(SELECT string_agg(',' || ${string('m.key')} || ':' || CAST(json_strip_nulls(m.value) AS text), '' ORDER BY m.ord)
        FROM json_each(CAST(${extra} AS json)) WITH ORDINALITY AS m(key, value, ord)
        WHERE m.key NOT IN ${litList(KNOWN_EXTRA_PROPERTIES)} AND json_typeof(m.value) <> 'null')`;
    const details = `'{"action":' || ${string(action)} || COALESCE(${members}, '') || '}'`;
    // PostgreSQL prints control characters as `\u001f`, DuckDB as `\u001F`: the hex digits
    // that are letters go to upper case, in escapes only (not after an escaped backslash).
    let upper = 'd';
    for (const hex of ['0b', '0e', '0f', '1a', '1b', '1c', '1d', '1e', '1f']) {
      upper = `regexp_replace(${upper}, '(?<!\\\\)((?:\\\\\\\\)*)\\\\u00${hex}', '\\1\\\\u00${hex.toUpperCase()}', 'g')`;
    }
    return `(SELECT CASE WHEN strpos(d, '\\u00') = 0 THEN d ELSE ${upper} END FROM (SELECT ${details} AS d) AS cd)`;
  },
};

/**
 * DIALECT SEAM: the only SQL that reads or writes JSON text (the catalog's `start_time`,
 * `duration`, `properties` and `tags`, and the events' `extra`), spelled for each engine. Both
 * spellings give the same values and, for `customDetails`, the same bytes (details.md §1).
 */
export function jsonSql(dialect: SqlDialect): JsonSql {
  return dialect === 'postgres' ? POSTGRES_JSON : DUCKDB_JSON;
}

/** A load and a play, as conditions on an `ev` row. */
export const is = {
  load: `(kind = 'player_action' AND action = 'load')`,
  play: `(kind = 'player_action' AND action = 'play')`,
} as const;

/** Columns of `events` that `ev` carries (besides those it derives). */
const EV_COLUMNS = eventColumnsExcept([
  ...SERVER_COLUMNS.filter((c) => !['seq', 'kind', 'action', 'ts', 'extra'].includes(c)),
  'annotation_type', // replaced by the resolved `atype`
  'correct', // graded by the analytics reports, not read here
]);

/**
 * The disjoint category of an `annotation_action` (§3.1), first match wins: quiz → responses;
 * widget → widgets; `contents`/`bookmark` or a `target_time` → navigation; links → links; else
 * NULL (as for every other kind of event).
 */
export const CATEGORY = `CASE WHEN kind <> 'annotation_action' THEN NULL
      WHEN atype = 'quiz' THEN 'responses'
      WHEN atype IN ('poll', 'signin', 'sentiment', 'form') THEN 'widgets'
      WHEN atype IN ('contents', 'bookmark') OR target_time IS NOT NULL THEN 'navigation'
      WHEN atype IN ('pop', 'image', 'hotlink') THEN 'links' END`;

/** An interaction (§3.1): any annotation action, or a view of an `ontime` annotation. */
export const INTERACTION = `(kind = 'annotation_action' OR (kind = 'annotation_view' AND COALESCE(atype = 'ontime', false)))`;

/**
 * `ev`: the account's events in range and filters — `start 00:00 ≤ ts < (end + 1 day) 00:00`;
 * `project_id` and `experience_id` filter on the IDs the event itself names — with `atype` (the
 * annotation type from the catalog, deleted rows included, else the event's own), `category` and
 * `is_interaction`.
 *
 * `first`: only the first `rows` of those events, in time order (`ts`, then `seq`), among those
 * that also meet `where`. For a report whose rows are those events one for one and in that order
 * (the streams), and whose caller keeps only so many rows: the report then reads the events it
 * keeps, not every event in range: PostgreSQL walks its `(account_id, ts)` index and stops,
 * where a six-month stream sorted all 7.3 million events of the bench to keep 500,001. Its store
 * takes this text only when it expects far more rows than it keeps (src/store/postgres/results.ts).
 */
export function eventsCte(scope: ReportScope, first?: { rows: number; where: string }): string {
  const where = [
    `e.account_id = ${lit(scope.accountId)}`,
    `e.ts >= ${dayStart(scope.start)}`,
    `e.ts < ${dayStart(addDays(scope.end, 1))}`,
  ];
  if (scope.projectIds.length > 0) where.push(`e.project_id IN ${litList(scope.projectIds)}`);
  if (scope.experienceIds.length > 0)
    where.push(`e.experience_id IN ${litList(scope.experienceIds)}`);
  const events =
    first === undefined
      ? `events e
    LEFT JOIN annotations a ON a.account_id = e.account_id AND a.id = e.annotation_id
    WHERE ${where.join('\n      AND ')}`
      : `(
      SELECT * FROM events e
      WHERE ${[...where, first.where].join('\n        AND ')}
      ORDER BY e.ts, e.seq
      LIMIT ${first.rows}
    ) e
    LEFT JOIN annotations a ON a.account_id = e.account_id AND a.id = e.annotation_id`;
  // NOT MATERIALIZED: reports read `ev` several times, and a materialised copy of every event in
  // range (all its columns) costs far more time and memory than scanning the columns again.
  return `ev AS NOT MATERIALIZED (
  SELECT t.*, ${CATEGORY} AS category, ${INTERACTION} AS is_interaction
  FROM (
    SELECT ${EV_COLUMNS.map((c) => `e.${c}`).join(', ')}, COALESCE(a.type, e.annotation_type) AS atype
    FROM ${events}
  ) t
)`;
}

/**
 * `sp`: the `session_days` partials (rollups.ts) of the account's days in range, filtered like
 * `ev` (a partial's key holds the project and experience its events name).
 */
function sessionPartsCte(scope: ReportScope): string {
  return `sp AS NOT MATERIALIZED (
  SELECT * FROM session_days
  WHERE ${rollupWhere(scope)}
)`;
}

/** The rows of a rollup table (`day`, `project_id`, `experience_id` columns) in scope. */
export function rollupWhere(scope: ReportScope): string {
  const where = [
    `account_id = ${lit(scope.accountId)}`,
    `day >= DATE ${lit(scope.start)}`,
    `day <= DATE ${lit(scope.end)}`,
  ];
  if (scope.projectIds.length > 0) where.push(`project_id IN ${litList(scope.projectIds)}`);
  if (scope.experienceIds.length > 0)
    where.push(`experience_id IN ${litList(scope.experienceIds)}`);
  return where.join('\n    AND ');
}

/**
 * `sp` (the session partials in scope) and `sv`: one row per session with the viewer it belongs
 * to — its `user_id`, else its `anonymous_id`, else the session itself, so that a sign-in
 * mid-session makes the whole session the user's — its known `user_id` and `username`, and the
 * time of its first event in scope. Should one session name several user IDs, the smallest is
 * taken: a deterministic choice for a case that players do not produce, and one that partials
 * combine exactly.
 */
export function sessionViewersCte(scope: ReportScope, { of }: { of?: string } = {}): string {
  // `of`: a query of the session IDs the report needs, when they are few (a widget's submits):
  // the viewers of those sessions only, rather than of every session in range.
  return `${sessionPartsCte(scope)},
sv AS (
  SELECT session_id,
    COALESCE(min(user_id), min(anonymous_id), session_id) AS viewer_id,
    min(user_id) AS user_id,
    min(username) AS username,
    min(first_ts) AS session_start
  FROM sp${of === undefined ? '' : `\n  WHERE session_id IN (${of})`}
  GROUP BY session_id
)`;
}

/**
 * The sum of a count column over many groups, as a double: exact to 2^53, and PostgreSQL keeps a
 * double's running sum in place, where `sum` of a BIGINT allocates a NUMERIC state per group —
 * ~10 % of a project summary grouping 390,000 viewers. Cast the total back to BIGINT.
 */
export function sumOfCounts(column: string): string {
  return `sum(CAST(${column} AS DOUBLE PRECISION))`;
}

/** The four disjoint kinds of annotation action (§3.1, `CATEGORY`): one column each in the rollups and reports. */
export const ACTION_KINDS = ['links', 'navigation', 'responses', 'widgets'] as const;

/** The project facts the events report and `project_days` keeps, latest first (`projectInfoCte`). */
export const PROJECT_FACTS = ['title', 'tags', 'video_id', 'video_source_id', 'duration'] as const;

/** A session's viewer (see `sessionViewersCte`), over rows of `sp` grouped within the session. */
const VIEWER_OF_SESSION = `COALESCE(min(min(user_id)) OVER session, min(min(anonymous_id)) OVER session, session_id)`;

/**
 * DIALECT SEAM: `multi_parts`, the partials in scope of the sessions that may have more than one,
 * which reports combine, and `onePartial`, the condition on a row of `sp` that picks the other
 * sessions' partials, each its session as it is. They are few (over midnight, two projects or
 * experiences, not merged yet: ~2,000 of ~465,000 sessions in six months of the 10-million-event
 * bench), and the two engines find them differently:
 *
 * - PostgreSQL keeps them in the rollup (src/store/postgres/rollups.ts): a partial is `alone` when
 *   the compaction found it its session's only one, and of two partials of a session at least one
 *   is not. The sessions with a partial in scope that is not alone are found through a partial
 *   index, their partials through the index on (account_id, session_id); every other partial is
 *   read by a parallel anti join. Grouping every partial in scope by session to find them took
 *   ~0.45 s of a six-month user summary. MATERIALIZED keeps the lookup two index scans even where a
 *   report turns sorting off (the project summary then read the whole session index in order: 8 s).
 * - DuckDB groups the session IDs in scope (`multi`), which its columnar scan does in 29–53 ms;
 *   the lookups above, without PostgreSQL's indexes, made its summaries 20–50 % slower.
 */
export function multiPartialSessions(dialect: SqlDialect): string {
  if (dialect === 'postgres') {
    return `multi_parts AS MATERIALIZED (
  SELECT * FROM sp
  WHERE session_id = ANY (ARRAY(SELECT DISTINCT session_id FROM sp WHERE NOT alone))
)`;
  }
  return `multi AS (
  SELECT session_id FROM sp GROUP BY session_id HAVING count(*) > 1
),
multi_parts AS MATERIALIZED (
  SELECT * FROM sp WHERE session_id IN (SELECT session_id FROM multi)
)`;
}

/** See `multiPartialSessions`: on a row of `sp`, its session is not one of `multi_parts`. */
export function onePartial(dialect: SqlDialect): string {
  if (dialect === 'postgres') {
    return `sp.alone AND NOT EXISTS (
    SELECT 1 FROM sp AS other WHERE NOT other.alone AND other.session_id = sp.session_id)`;
  }
  return 'session_id NOT IN (SELECT session_id FROM multi)';
}

/**
 * The keyword that inlines a CTE of a rollup's widget rows into both of its readers, on
 * PostgreSQL only. PostgreSQL materialises a CTE read twice: the viewer lookup (`sv`) then read
 * every sign-in or poll row of the copy alone, in the leader, to find the sessions to look up.
 * Inlined, that filter goes into a parallel scan of the rollup, and the lookup becomes a parallel
 * semi join and a hash aggregate. At 10 M events (eight runs each, by turns, min – median): the
 * sign-in summary's query 1.10–1.35 s → 0.79–1.13 s, the poll summary's 0.70–0.84 s → 0.56–0.66 s.
 * DuckDB's text is unchanged.
 */
export function inlinedOnPostgres(dialect: SqlDialect): string {
  return dialect === 'postgres' ? 'NOT MATERIALIZED ' : '';
}

/**
 * `sessions`: the per-session rollup, one row per session (`by` null), per session and project,
 * or per session and experience (events naming none are left out then): its viewer, whether it
 * has a load, a play, an interaction, its view time (the largest `play_time_accrued`, 0 when none),
 * the time of its first event and its annotation actions of each kind (links, navigation,
 * responses, widgets). Per experience it also names the session's project (the smallest its events
 * name; one, normally), whose video duration measures it. Read from `sp` (`sessionViewersCte`
 * before it): a session with one partial is that row (its viewer its own IDs); the partials of
 * `multi_parts` (defined here too) are combined, their viewer a window over the session's rows —
 * one sort of those few instead of a second aggregate and a join. On DuckDB a report that counts
 * no viewers (`viewers: false`) groups every session instead: finding `multi` there is a grouping
 * of every session too. PostgreSQL finds them through its indexes, and splits: its daily summary
 * at 10 million events took 1.18–1.51 s grouping every session, 0.53–0.57 s split.
 */
export function sessionsCte(
  by: 'project_id' | 'experience_id' | null,
  dialect: SqlDialect,
  { viewers = true }: { viewers?: boolean } = {},
): string {
  const keys = by === null ? ['session_id'] : ['session_id', by];
  const projectOfExperience = by === 'experience_id' ? 'min(project_id)' : null;
  // A sum of counts is a count: BIGINT, not the NUMERIC PostgreSQL's sum gives (slow to add up).
  const count = (name: string) => `CAST(sum(${name}) AS BIGINT) AS ${name}`;
  const viewer =
    by === null ? 'COALESCE(min(user_id), min(anonymous_id), session_id)' : VIEWER_OF_SESSION;
  const keyed = by === null ? '' : `\n    AND ${by} IS NOT NULL`;
  const combined = (source: string) => `SELECT * FROM (
    SELECT ${keys.join(', ')},
      ${projectOfExperience === null ? '' : `${projectOfExperience} AS project_id, `}bool_or(has_load) AS has_load,
      bool_or(has_play) AS has_play,
      bool_or(has_interaction) AS has_interaction,
      COALESCE(max(view_time), 0) AS view_time,
      min(first_ts) AS first_ts,
      ${ACTION_KINDS.map(count).join(', ')}${viewers ? `,\n      ${viewer} AS viewer_id` : ''}
    FROM ${source}
    GROUP BY ${keys.join(', ')}${by === null || !viewers ? '' : '\n    WINDOW session AS (PARTITION BY session_id)'}
  ) s${by === null ? '' : `\n  WHERE ${by} IS NOT NULL`}`;
  if (!viewers && dialect !== 'postgres') return `sessions AS (\n  ${combined('sp')}\n)`;
  return `${multiPartialSessions(dialect)},
sessions AS (
  SELECT ${keys.join(', ')},
    ${projectOfExperience === null ? '' : 'project_id, '}has_load, has_play, has_interaction,
    COALESCE(view_time, 0) AS view_time, first_ts, ${ACTION_KINDS.join(', ')}${viewers ? ',\n    COALESCE(user_id, anonymous_id, session_id) AS viewer_id' : ''}
  FROM sp
  WHERE ${onePartial(dialect)}${keyed}
  UNION ALL
  ${combined('multi_parts')}
)`;
}

/**
 * `project_info`: per project named by an event in scope, what the catalog says (a deleted project
 * included), else what its latest events in scope said (the `project_days` rollup): title, tags,
 * video ID, video source ID and video duration (NULL when unknown or not positive). A catalog
 * project's tags are its own, even when empty.
 */
export function projectInfoCte(scope: ReportScope, dialect: SqlDialect): string {
  const json = jsonSql(dialect);
  const positive = (expr: string) => `CASE WHEN ${expr} > 0 THEN ${expr} END`;
  const fact = (name: string) =>
    `${latestBy(name, `${name}_ts`, `${name}_seq`, dialect)} AS ${name}`;
  return `project_info AS (
  SELECT x.project_id,
    COALESCE(p.title, x.title) AS project_title,
    ${json.textArray('CASE WHEN p.id IS NOT NULL THEN p.tags ELSE x.tags END')} AS project_tags,
    COALESCE(p.video_id, x.video_id) AS video_id,
    COALESCE(p.video_source_id, x.video_source_id) AS video_source_id,
    COALESCE(${positive('p.video_duration')}, x.duration) AS duration
  FROM (
    SELECT project_id,
      ${PROJECT_FACTS.map(fact).join(',\n      ')}
    FROM project_days
    WHERE ${rollupWhere(scope)}
    GROUP BY project_id
  ) x
  LEFT JOIN projects p ON p.account_id = ${lit(scope.accountId)} AND p.id = x.project_id
)`;
}

/** The chapter text of a catalog annotation row `a` (details.md §1): `properties.text`, else its title. */
export function chapterText(alias: string, dialect: SqlDialect): string {
  return `COALESCE(${jsonSql(dialect).text(`${alias}.properties`, 'text')}, ${alias}.title)`;
}

/** The stream `action` of an `ev` row (§3.2). */
export const STREAM_ACTION = `CASE
      WHEN kind = 'player_action' THEN action
      WHEN kind IN ('annotation_view', 'annotation_end') THEN kind
      WHEN atype IN ('pop', 'image', 'hotlink') AND action IN ('click', 'external_click') THEN action
      WHEN atype = 'quiz' AND action IN ('answer', 'submit', 'prev', 'next', 'skipped') THEN 'quiz_' || action
      WHEN atype = 'contents' AND action IN ('click', 'prev', 'next', 'expand', 'collapse') THEN 'toc_' || action
      WHEN atype = 'poll' AND action = 'submit' THEN 'poll_submit'
      WHEN atype = 'signin' AND action = 'submit' THEN 'signin_submit'
      WHEN atype = 'form' AND action = 'submit' THEN 'form_submit'
      WHEN atype = 'sentiment' AND action = 'rate' THEN 'sentiment_rate'
      ELSE 'custom' END`;

/** The events that are stream rows (every one but `progress`), one row each. */
const STREAM_EVENT = `NOT (kind = 'player_action' AND action = 'progress')`;

/**
 * The `first` of `eventsCte` for a stream whose caller keeps `limit` rows (none: every row).
 * Every event of `STREAM_EVENT` (and of `where`, the report's own condition on its rows) is one
 * row: its session is in `sv` (every event names one, and its partial is in scope), and the other
 * joins are LEFT joins on unique keys. The rows are in the events' order, so the first `limit`
 * rows come from the first `limit` events.
 */
function firstStreamEvents(
  limit: number | undefined,
  where?: string,
): { rows: number; where: string } | undefined {
  if (limit === undefined) return undefined;
  return {
    rows: limit,
    where: where === undefined ? STREAM_EVENT : `${STREAM_EVENT} AND ${where}`,
  };
}

/**
 * A stream report's CTEs: `ev` (only the events of its first `limit` rows when given, see
 * `firstStreamEvents`; `where` is the report's own condition on its rows), `sp` and `sv`,
 * `project_info` and `stream`.
 */
export function streamCtes(
  scope: ReportScope,
  dialect: SqlDialect,
  limit: number | undefined,
  where?: string,
): string[] {
  return [
    eventsCte(scope, firstStreamEvents(limit, where)),
    sessionViewersCte(scope),
    projectInfoCte(scope, dialect),
    streamCte(scope, dialect),
  ];
}

/**
 * `stream`: every event in scope but `progress`, as stream rows (§1.2, §3.2, details.md §1):
 * the user (the event's `user_id`, else the session's), the project's title, the stream action,
 * `video_percent_complete` (the event's, else 100 × offset ÷ the project's video duration) and
 * `details` by template:
 * link click → its target; chapter view or end → the chapter's text; chapter menu → the text of
 * the chapter it targets, else the event's; quiz answer → `question → answer`; poll → the
 * response; sign-in → its type (`skipped` for a skip); rating → the icon; custom → JSON of the
 * original action and the custom properties. Other rows have no details.
 */
export function streamCte(scope: ReportScope, dialect: SqlDialect): string {
  const json = jsonSql(dialect);
  const account = lit(scope.accountId);
  return `stream AS (
  SELECT r.*,
    CASE
      WHEN r.stream_action IN ('click', 'external_click') THEN r.target
      WHEN r.stream_action IN ('annotation_view', 'annotation_end') AND r.atype = 'bookmark'
        THEN COALESCE(${chapterText('ca', dialect)}, r.text)
      WHEN r.stream_action IN ('toc_click', 'toc_prev', 'toc_next', 'toc_expand', 'toc_collapse')
        THEN COALESCE(${chapterText('ta', dialect)}, r.text)
      WHEN r.stream_action = 'quiz_answer' AND (r.question IS NOT NULL OR r.answer IS NOT NULL)
        THEN COALESCE(r.question, '') || ' → ' || COALESCE(r.answer, '')
      WHEN r.stream_action = 'poll_submit' THEN r.response
      WHEN r.stream_action = 'signin_submit'
        THEN CASE WHEN r.skipped THEN 'skipped' ELSE COALESCE(r.sign_in_type, 'manual') END
      WHEN r.stream_action = 'sentiment_rate' THEN r.rating
      WHEN r.stream_action = 'custom'
        THEN ${json.customDetails(`COALESCE(${json.text('r.extra', 'original_action')}, r.action)`, 'r.extra')}
    END AS details
  FROM (
    SELECT ev.*, ${STREAM_ACTION} AS stream_action,
      COALESCE(ev.user_id, sv.user_id) AS stream_user_id,
      COALESCE(ev.username, sv.username) AS stream_username,
      pi.project_title AS stream_project_title,
      COALESCE(ev.video_percent_complete, 100 * ev.video_offset / pi.duration) AS stream_percent
    FROM ev
    JOIN sv ON sv.session_id = ev.session_id
    LEFT JOIN project_info pi ON pi.project_id = ev.project_id
    WHERE ${STREAM_EVENT}
  ) r
  LEFT JOIN annotations ca ON ca.account_id = ${account} AND ca.id = r.annotation_id
  LEFT JOIN annotations ta ON ta.account_id = ${account} AND r.atype = 'contents'
    AND ta.id = COALESCE(r.target_annotation, r.target)
)`;
}

/** A sign-in (§3.1): a submit of a sign-in widget that is not a skip. Without a type it is manual. */
export const SIGN_IN = `(kind = 'annotation_action' AND action = 'submit' AND skipped IS NOT TRUE)`;
export const SIGN_IN_TYPE = `COALESCE(sign_in_type, 'manual')`;
/** A skipped sign-in: a submit with `skipped: true`. */
export const SIGN_IN_SKIP = `(kind = 'annotation_action' AND action = 'submit' AND skipped IS TRUE)`;

/** `WITH a, b, … SELECT …`: a report's one query. */
export function query(ctes: readonly string[], select: string): string {
  return `WITH ${ctes.join(',\n')}\n${select}`;
}
