/**
 * SQL building blocks shared by the four analytics reports. Everything here is written in the
 * dialect DuckDB and PostgreSQL 15 share (architecture.md §1); the one place that reads JSON out
 * of catalog text is `catalogQuizRows`, the dialect seam.
 *
 * Tables: `events`, `projects`, `annotations` (src/store/duckdb/migrations.ts). Values from the
 * request enter the SQL only as literals made by `text()` and `timestamp()`.
 */
import type { AnalyticsScope } from './params.js';

/** A standard SQL string literal: single quotes doubled. (NULs are refused by the parser.) */
export function text(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const FIRST = Date.parse('0001-01-01T00:00:00.000Z');
const LAST = Date.parse('9999-12-31T23:59:59.999Z');

/** A TIMESTAMP literal in UTC with milliseconds (`events.ts` holds UTC), within years 1–9999. */
export function timestamp(at: Date): string {
  const clamped = new Date(Math.min(LAST, Math.max(FIRST, at.getTime())));
  return `TIMESTAMP '${clamped.toISOString().slice(0, 23).replace('T', ' ')}'`;
}

/** `expr` without leading and trailing spaces, tabs, line feeds and carriage returns. */
export function trimmed(expr: string): string {
  return `trim(both ' ' || chr(9) || chr(10) || chr(13) from ${expr})`;
}

/** A JSON array's length, 0 for anything that is not an array (never an error). */
function arrayLength(json: string): string {
  return `CASE WHEN CAST(${json} AS VARCHAR) LIKE '[%' THEN CAST(json_array_length(${json}) AS BIGINT) ELSE 0 END`;
}

/**
 * DIALECT SEAM — the only SQL that reads JSON out of catalog text.
 *
 * One row per (quiz annotation, question, answer) of the account's catalog, deleted annotations
 * included (a deleted quiz keeps grading the answers given to it); a question without answers
 * gives one row whose answer columns are null. Columns: `annotation_id, project_id, deleted,
 * q_pos, question, a_pos, a_text, a_type, a_correct` — texts trimmed, positions from 0.
 *
 * Both engines accept this text as it is (checked against DuckDB 1.5 and PostgreSQL 15): `CAST(…
 * AS JSON)`, `->`/`->>` with an INTEGER index, `json_array_length`, and a LATERAL
 * `generate_series`. PostgreSQL's `json_array_length` fails on a non-array, hence the guard in
 * `arrayLength`, which tests the value's JSON text instead of calling `json_typeof` (PostgreSQL)
 * or `json_type` (DuckDB). Should a backend ever need another form, this is the function to branch.
 */
export function catalogQuizRows(accountId: string): string {
  const question = (key: string) => `qz.questions -> CAST(g.i AS INTEGER) ${key}`;
  const answer = (key: string) => `qq.answers -> CAST(x.j AS INTEGER) ->> '${key}'`;
  return `SELECT qz.annotation_id, qz.project_id, qz.deleted, qq.q_pos, qq.question,
      x.j AS a_pos, ${trimmed(answer('text'))} AS a_text, ${answer('type')} AS a_type,
      coalesce(${answer('correct')} = 'true', false) AS a_correct
    FROM (SELECT id AS annotation_id, project_id, deleted_at IS NOT NULL AS deleted,
            CAST(properties AS JSON) -> 'questions' AS questions
          FROM annotations WHERE account_id = ${text(accountId)} AND type = 'quiz') qz
    CROSS JOIN LATERAL (
      SELECT g.i AS q_pos, ${trimmed(question("->> 'question'"))} AS question,
        ${question("-> 'answers'")} AS answers
      FROM generate_series(0, ${arrayLength('qz.questions')} - 1) AS g(i)) qq
    LEFT JOIN LATERAL generate_series(0, ${arrayLength('qq.answers')} - 1) AS x(j) ON true
    WHERE qq.question IS NOT NULL`;
}

/**
 * CTEs `catalog_questions (annotation_id, question, project_id, deleted, q_pos)` and
 * `catalog_answers (annotation_id, question, a_text, a_type, a_correct, q_pos, a_pos)`: the
 * catalog's quiz questions, keyed by (annotation, trimmed question text), and their answers keyed
 * by trimmed text. A text listed twice is merged (correct when either entry says so).
 */
export function catalogCtes(accountId: string): string {
  return `catalog_rows AS (${catalogQuizRows(accountId)}),
  catalog_questions AS (
    SELECT annotation_id, question, project_id, deleted, min(q_pos) AS q_pos
    FROM catalog_rows GROUP BY annotation_id, question, project_id, deleted),
  catalog_answers AS (
    SELECT annotation_id, question, a_text, min(a_type) AS a_type, bool_or(a_correct) AS a_correct,
      min(q_pos) AS q_pos, min(a_pos) AS a_pos
    FROM catalog_rows WHERE a_text IS NOT NULL GROUP BY annotation_id, question, a_text)`;
}

export interface AnswerFilter {
  /** Only answers of known users (user_id set): the gradebook. */
  knownUsersOnly: boolean;
}

/**
 * CTE `submitted (seq, ts, project_id, user_id, annotation_id, question, answer, claimed)`: every
 * submitted quiz answer in scope — an `annotation_action` with action `answer` on an annotation
 * whose type is `quiz` (the catalog's type when the catalog has the annotation, else the event's),
 * carrying a question and an answer; in range and the project filter. Texts trimmed.
 */
export function submittedCte(scope: AnalyticsScope, filter: AnswerFilter): string {
  const conditions = [
    `e.account_id = ${text(scope.accountId)}`,
    `e.kind = 'annotation_action'`,
    `e.action = 'answer'`,
    `e.ts >= ${timestamp(scope.from)}`,
    `e.ts < ${timestamp(scope.to)}`,
    `e.annotation_id IS NOT NULL`,
    `e.question IS NOT NULL`,
    `e.answer IS NOT NULL`,
    `coalesce(an.type, e.annotation_type) = 'quiz'`,
  ];
  if (scope.projectId !== undefined) conditions.push(`e.project_id = ${text(scope.projectId)}`);
  if (filter.knownUsersOnly) conditions.push('e.user_id IS NOT NULL');
  return `submitted AS (
    SELECT e.seq, e.ts, e.project_id, e.user_id, e.annotation_id,
      ${trimmed('e.question')} AS question, ${trimmed('e.answer')} AS answer, e.correct AS claimed
    FROM events e
    LEFT JOIN annotations an ON an.account_id = e.account_id AND an.id = e.annotation_id
    WHERE ${conditions.join('\n      AND ')})`;
}

/**
 * CTE `graded`: `submitted` plus `correct`, graded by the server. For a question the catalog
 * knows, an answer is correct when its text matches a catalog answer marked correct (anything else
 * is wrong, whatever the client claimed); for any other question the client's `correct` is used
 * (absent counts as not correct). Needs `submitted` and `catalogCtes`.
 */
export const GRADED_CTE = `graded AS (
    SELECT s.seq, s.ts, s.project_id, s.user_id, s.annotation_id, s.question, s.answer,
      CASE WHEN cq.annotation_id IS NULL THEN coalesce(s.claimed, false)
           ELSE coalesce(ca.a_correct, false) END AS correct
    FROM submitted s
    LEFT JOIN catalog_questions cq ON cq.annotation_id = s.annotation_id AND cq.question = s.question
    LEFT JOIN catalog_answers ca
      ON ca.annotation_id = s.annotation_id AND ca.question = s.question AND ca.a_text = s.answer)`;

/**
 * CTE `titles (project_id, title)` for the projects of `source` (a CTE with `project_id`): the
 * catalog's title (kept after a delete, catalog.md), else the latest `project_title` the project's
 * events in range carried.
 */
export function titlesCte(scope: AnalyticsScope, source: string): string {
  return `titles AS (
    SELECT ids.project_id, coalesce(p.title, et.project_title) AS title
    FROM (SELECT DISTINCT project_id FROM ${source}) ids
    LEFT JOIN projects p ON p.account_id = ${text(scope.accountId)} AND p.id = ids.project_id
    LEFT JOIN (
      SELECT project_id, project_title FROM (
        SELECT project_id, project_title,
          row_number() OVER (PARTITION BY project_id ORDER BY ts DESC, seq DESC) AS rn
        FROM events
        WHERE account_id = ${text(scope.accountId)} AND project_title IS NOT NULL
          AND ts >= ${timestamp(scope.from)} AND ts < ${timestamp(scope.to)}
          AND project_id IN (SELECT project_id FROM ${source})) latest
      WHERE rn = 1) et ON et.project_id = ids.project_id)`;
}

/**
 * One row `{known}`: whether the project exists for the account — in its catalog (not deleted) or
 * named by any of its events, at any time. Nothing of another account is looked at.
 */
export function projectKnownSql(accountId: string, projectId: string): string {
  return `SELECT (EXISTS (SELECT 1 FROM projects WHERE account_id = ${text(accountId)}
        AND id = ${text(projectId)} AND deleted_at IS NULL)
    OR EXISTS (SELECT 1 FROM events WHERE account_id = ${text(accountId)}
        AND project_id = ${text(projectId)})) AS known`;
}

/** Row values as the engines return them: counts may come back as text or bigint. */
export function count(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}

export function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function iso(value: unknown): string {
  return (value instanceof Date ? value : new Date(String(value))).toISOString();
}

export function bool(value: unknown): boolean {
  return value === true || value === 't' || value === 'true';
}
