/**
 * One row per poll annotation × response actually submitted in range (reporting-api.md §1.2):
 * the projects of every such submit (not de-duplicated, in time order) and the distinct viewers
 * who submitted it.
 */
import type { ReportDefinition } from '../definition.js';
import {
  inlinedOnPostgres,
  jsonSql,
  latest,
  listInTimeOrder,
  lit,
  query,
  rollupWhere,
  sessionViewersCte,
} from '../sql.js';

export const pollWidgetSummary: ReportDefinition = {
  name: 'poll_widget_summary',
  grain: 'one row per poll annotation and submitted response',
  sql: (scope, dialect) =>
    query(
      [
        // The submits, from the `widget_events` rollup (whose poll rows are the submits, with
        // their type as the catalog says now) rather than every event in range: their sessions
        // are the only ones whose viewers count.
        `submits AS ${inlinedOnPostgres(dialect)}(
  SELECT annotation_id, response, project_id, poll_type, prompt, session_id, ts, seq
  FROM widget_events
  WHERE ${rollupWhere(scope)}
    AND atype = 'poll' AND response IS NOT NULL
)`,
        sessionViewersCte(scope, { of: 'SELECT session_id FROM submits' }),
        `by_response AS (
  SELECT s.annotation_id, s.response,
    ${listInTimeOrder('s.project_id', 'true', 's')} AS project_ids,
    ${latest('s.poll_type', 's', dialect)} AS poll_type,
    ${latest('s.prompt', 's', dialect)} AS prompt,
    count(DISTINCT sv.viewer_id) AS answers_received
  FROM submits s
  JOIN sv ON sv.session_id = s.session_id
  GROUP BY s.annotation_id, s.response
)`,
      ],
      // The catalog's poll type and prompt win over what the submits said.
      `SELECT r.annotation_id, r.project_ids,
  COALESCE(${jsonSql(dialect).text('a.properties', 'poll_type')}, r.poll_type) AS poll_type,
  COALESCE(${jsonSql(dialect).text('a.properties', 'prompt')}, r.prompt) AS prompt,
  r.response, r.answers_received
FROM by_response r
LEFT JOIN annotations a ON a.account_id = ${lit(scope.accountId)} AND a.id = r.annotation_id
ORDER BY r.annotation_id, r.response`,
    ),
};
