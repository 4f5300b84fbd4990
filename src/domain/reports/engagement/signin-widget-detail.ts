/**
 * One row per sign-in in range, manual or automatic, in time order (reporting-api.md §1.2); skips
 * are not sign-ins.
 */
import type { ReportDefinition } from '../definition.js';
import { SIGN_IN, SIGN_IN_TYPE, eventsCte, query, sessionViewersCte } from '../sql.js';

export const signinWidgetDetail: ReportDefinition = {
  name: 'signin_widget_detail',
  grain: 'one row per manual or automatic sign-in in range',
  sql: (scope) =>
    query(
      [eventsCte(scope), sessionViewersCte(scope)],
      `SELECT sv.session_start AS session_start_time, ev.session_id AS play_session,
  COALESCE(ev.user_id, sv.user_id) AS user_id, ev.annotation_id, ev.project_id,
  ${SIGN_IN_TYPE} AS sign_in_type, ev.first_name, ev.last_name, ev.email, ev.form_user_id,
  ev.custom_field, ev.ts AS submitted_at
FROM ev
JOIN sv ON sv.session_id = ev.session_id
WHERE ev.atype = 'signin' AND ${SIGN_IN}
ORDER BY ev.ts, ev.seq`,
    ),
};
