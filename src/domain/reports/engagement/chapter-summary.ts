/**
 * One row per project × chapter (`bookmark` annotation) seen in range (reporting-api.md §3.1):
 * views are chapters passed in playback, clicks are chapter-menu clicks that target the chapter
 * (`target_annotation`, else `target`). Title, start and end come from the catalog, else from the
 * events (details.md §1).
 */
import type { ReportDefinition, SqlDialect } from '../definition.js';
import { chapterText, eventsCte, jsonSql, latest, lit, projectInfoCte, query } from '../sql.js';

/** A catalog `{value, units}` time of annotation `a`, in seconds (percent of `duration`). */
function seconds(field: 'start_time' | 'duration', duration: string, dialect: SqlDialect): string {
  const json = jsonSql(dialect);
  const value = `CAST(${json.text(`a.${field}`, 'value')} AS DOUBLE PRECISION)`;
  return `CASE ${json.text(`a.${field}`, 'units')}
      WHEN 'seconds' THEN ${value}
      WHEN 'percent' THEN ${value} / 100 * ${duration} END`;
}

export const chapterSummary: ReportDefinition = {
  name: 'chapter_summary',
  grain: 'one row per project and chapter annotation viewed or targeted by a menu click in range',
  sql: (scope, dialect) => {
    const account = lit(scope.accountId);
    const json = jsonSql(dialect);
    const start = `COALESCE(${seconds('start_time', 'pi.duration', dialect)}, c.event_start)`;
    return query(
      [
        eventsCte(scope),
        projectInfoCte(scope, dialect),
        // A menu click counts for its target unless the catalog says the target is no chapter.
        `chapter_events AS (
  SELECT project_id, annotation_id AS chapter_id, true AS is_view, ts, seq, text,
    CAST(${json.text('extra', 'annotation_start_time')} AS DOUBLE PRECISION) AS event_start,
    CAST(${json.text('extra', 'annotation_duration')} AS DOUBLE PRECISION) AS event_duration
  FROM ev
  WHERE kind = 'annotation_view' AND atype = 'bookmark'
    AND project_id IS NOT NULL AND annotation_id IS NOT NULL
  UNION ALL
  SELECT ev.project_id, COALESCE(ev.target_annotation, ev.target), false, ev.ts, ev.seq, ev.text,
    NULL, NULL
  FROM ev
  LEFT JOIN annotations t ON t.account_id = ${account}
    AND t.id = COALESCE(ev.target_annotation, ev.target)
  WHERE ev.kind = 'annotation_action' AND ev.atype = 'contents' AND ev.action = 'click'
    AND ev.project_id IS NOT NULL AND COALESCE(ev.target_annotation, ev.target) IS NOT NULL
    AND (t.id IS NULL OR t.type = 'bookmark')
)`,
        `chapters AS (
  SELECT project_id, chapter_id,
    count(*) FILTER (WHERE is_view) AS views,
    count(*) FILTER (WHERE NOT is_view) AS clicks,
    ${latest('text', '', dialect)} AS event_title,
    ${latest('event_start', '', dialect)} AS event_start,
    ${latest('event_duration', '', dialect)} AS event_duration
  FROM chapter_events
  GROUP BY project_id, chapter_id
)`,
      ],
      // Without a catalog start the events' own start and duration (seconds) are used.
      `SELECT c.project_id, pi.project_title, c.chapter_id AS annotation_id,
  COALESCE(${chapterText('a', dialect)}, c.event_title) AS chapter_title,
  ${start} AS chapter_start_seconds,
  CASE
    WHEN a.id IS NULL OR a.duration IS NULL THEN c.event_start + c.event_duration
    WHEN ${json.text('a.duration', 'units')} = 'infinite' THEN pi.duration
    ELSE ${start} + ${seconds('duration', 'pi.duration', dialect)}
  END AS chapter_end_seconds,
  c.views, c.clicks
FROM chapters c
JOIN project_info pi ON pi.project_id = c.project_id
LEFT JOIN annotations a ON a.account_id = ${account} AND a.id = c.chapter_id
ORDER BY c.project_id, c.chapter_id`,
    );
  },
};
