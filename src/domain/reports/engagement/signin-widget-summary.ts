/**
 * One row per sign-in annotation named by an event in range (reporting-api.md §3.1): its views,
 * manual and automatic sign-ins, skips, distinct signed-in viewers and the conversion rate.
 */
import type { ReportDefinition } from '../definition.js';
import {
  SIGN_IN,
  SIGN_IN_SKIP,
  SIGN_IN_TYPE,
  inlinedOnPostgres,
  latest,
  listInTimeOrder,
  lit,
  query,
  ratio,
  rollupWhere,
  sessionViewersCte,
} from '../sql.js';

export const signinWidgetSummary: ReportDefinition = {
  name: 'signin_widget_summary',
  grain: 'one row per sign-in annotation named by an event in range',
  sql: (scope, dialect) =>
    query(
      [
        // The widget's events, from the `widget_events` rollup (every event of a sign-in
        // annotation, with its type as the catalog says now) rather than every event in range;
        // only the sessions with a sign-in need their viewer.
        `signin_events AS ${inlinedOnPostgres(dialect)}(
  SELECT annotation_id, project_id, text, kind, action, skipped, sign_in_type, session_id, ts, seq
  FROM widget_events
  WHERE ${rollupWhere(scope)}
    AND atype = 'signin'
)`,
        sessionViewersCte(scope, { of: `SELECT session_id FROM signin_events WHERE ${SIGN_IN}` }),
        `by_widget AS (
  SELECT w.annotation_id,
    ${listInTimeOrder('w.project_id', `(${SIGN_IN} OR ${SIGN_IN_SKIP})`, 'w')} AS project_ids,
    ${latest('w.text', 'w', dialect)} AS text,
    count(*) FILTER (WHERE w.kind = 'annotation_view') AS views,
    count(*) FILTER (WHERE ${SIGN_IN} AND ${SIGN_IN_TYPE} = 'manual') AS sign_ins_manual,
    count(*) FILTER (WHERE ${SIGN_IN} AND ${SIGN_IN_TYPE} = 'auto') AS sign_ins_auto,
    count(*) FILTER (WHERE ${SIGN_IN_SKIP}) AS skips,
    count(DISTINCT sv.viewer_id) FILTER (WHERE ${SIGN_IN}) AS unique_users
  FROM signin_events w
  LEFT JOIN sv ON sv.session_id = w.session_id
  GROUP BY w.annotation_id
)`,
      ],
      `SELECT w.annotation_id, w.project_ids, COALESCE(a.title, w.text) AS title, w.views,
  w.sign_ins_manual + w.sign_ins_auto AS sign_ins_total, w.sign_ins_manual, w.sign_ins_auto,
  w.skips, w.unique_users, ${ratio('w.sign_ins_manual', 'w.views')} AS conversion_rate
FROM by_widget w
LEFT JOIN annotations a ON a.account_id = ${lit(scope.accountId)} AND a.id = w.annotation_id
ORDER BY w.annotation_id`,
    ),
};
