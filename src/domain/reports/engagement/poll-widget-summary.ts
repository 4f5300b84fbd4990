/**
 * One row per poll annotation × response actually submitted in range (reporting-api.md §1.2):
 * the projects of every such submit (not de-duplicated, in time order) and the distinct viewers
 * who submitted it.
 */
import type { ReportDefinition } from '../definition.js';
import {
  eventsCte,
  jsonSql,
  latest,
  listInTimeOrder,
  lit,
  query,
  sessionViewersCte,
} from '../sql.js';

export const pollWidgetSummary: ReportDefinition = {
  name: 'poll_widget_summary',
  grain: 'one row per poll annotation and submitted response',
  sql: (scope, dialect) =>
    query(
      [
        eventsCte(scope),
        sessionViewersCte(scope),
        `by_response AS (
  SELECT ev.annotation_id, ev.response,
    ${listInTimeOrder('ev.project_id', 'true')} AS project_ids,
    ${latest('ev.poll_type', 'ev', dialect)} AS poll_type,
    ${latest('ev.prompt', 'ev', dialect)} AS prompt,
    count(DISTINCT sv.viewer_id) AS answers_received
  FROM ev
  JOIN sv ON sv.session_id = ev.session_id
  WHERE ev.kind = 'annotation_action' AND ev.atype = 'poll' AND ev.action = 'submit'
    AND ev.annotation_id IS NOT NULL AND ev.response IS NOT NULL
  GROUP BY ev.annotation_id, ev.response
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
