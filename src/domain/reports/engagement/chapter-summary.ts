/**
 * One row per project × chapter (`bookmark` annotation) seen in range (reporting-api.md §3.1):
 * views are chapters passed in playback, clicks are chapter-menu clicks that target the chapter
 * (`target_annotation`, else `target`). Title, start and end come from the catalog, else from the
 * events (details.md §1).
 */
import type { ReportDefinition, SqlDialect } from '../definition.js';
import { chapterText, jsonSql, latestBy, lit, projectInfoCte, query, rollupWhere } from '../sql.js';

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
        projectInfoCte(scope, dialect),
        // From the chapter rollup: a menu click counts for its target unless the catalog says
        // the target is no chapter.
        `chapters AS (
  SELECT c.project_id, c.chapter_id,
    COALESCE(sum(c.n) FILTER (WHERE c.is_view), 0) AS views,
    COALESCE(sum(c.n) FILTER (WHERE NOT c.is_view), 0) AS clicks,
    ${latestBy('c.text', 'c.text_ts', 'c.text_seq', dialect)} AS event_title,
    ${latestBy('c.event_start', 'c.event_start_ts', 'c.event_start_seq', dialect)} AS event_start,
    ${latestBy('c.event_duration', 'c.event_duration_ts', 'c.event_duration_seq', dialect)} AS event_duration
  FROM (SELECT * FROM chapter_days WHERE ${rollupWhere(scope)}) c
  LEFT JOIN annotations t ON t.account_id = ${account} AND NOT c.is_view AND t.id = c.chapter_id
  WHERE c.is_view OR t.id IS NULL OR t.type = 'bookmark'
  GROUP BY c.project_id, c.chapter_id
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
