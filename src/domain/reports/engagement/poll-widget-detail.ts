/** One row per poll submit in range, in time order (reporting-api.md §1.2). */
import type { ReportDefinition } from '../definition.js';
import { eventsCte, jsonSql, lit, query, sessionViewersCte } from '../sql.js';

export const pollWidgetDetail: ReportDefinition = {
  name: 'poll_widget_detail',
  grain: 'one row per poll submit in range',
  sql: (scope, dialect) =>
    query(
      [eventsCte(scope), sessionViewersCte(scope)],
      // The catalog's poll type and prompt win over what the submit said.
      `SELECT sv.session_start AS session_start_time, ev.session_id AS play_session,
  COALESCE(ev.user_id, sv.user_id) AS user_id, ev.annotation_id, ev.project_id,
  COALESCE(${jsonSql(dialect).text('a.properties', 'poll_type')}, ev.poll_type) AS poll_type,
  COALESCE(${jsonSql(dialect).text('a.properties', 'prompt')}, ev.prompt) AS prompt,
  ev.response, ev.ts AS submitted_at
FROM ev
JOIN sv ON sv.session_id = ev.session_id
LEFT JOIN annotations a ON a.account_id = ${lit(scope.accountId)} AND a.id = ev.annotation_id
WHERE ev.kind = 'annotation_action' AND ev.atype = 'poll' AND ev.action = 'submit'
ORDER BY ev.ts, ev.seq`,
    ),
};
