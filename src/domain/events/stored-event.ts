/**
 * The event as it is stored: the columns reports need are real, typed columns (so reports scan
 * them columnar), and whatever else the event carried stays in `extra` as compact JSON.
 * The column list is declared once here and drives both backends' writers.
 */
export const EVENT_KINDS = [
  'player_action',
  'annotation_view',
  'annotation_end',
  'annotation_action',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const PLAYER_ACTIONS = [
  'load',
  'play',
  'pause',
  'seek',
  'volume',
  'fullscreen',
  'progress',
  'end_complete',
  'end_over',
  'end_under',
  'final',
] as const;

/** Column types, in the dialect-neutral sense both backends map to their own types. */
export type ColumnType = 'text' | 'double' | 'bigint' | 'boolean' | 'timestamp' | 'smallint';

/** [name, type] in storage order. */
export const EVENT_COLUMNS = [
  ['account_id', 'text'],
  ['seq', 'bigint'], // arrival order within the store: ties on timestamp are broken by it
  ['event_key', 'bigint'], // 64-bit hash of (account_id, event_id), for de-duplication; null without event_id
  ['event_id', 'text'],
  ['kind', 'text'],
  ['action', 'text'],
  ['ts', 'timestamp'],
  ['received_at', 'timestamp'],
  ['project_id', 'text'],
  ['experience_id', 'text'],
  ['session_id', 'text'],
  ['user_id', 'text'],
  ['username', 'text'],
  ['anonymous_id', 'text'],
  ['viewer_id', 'text'], // user_id, else anonymous_id, else session_id
  ['video_id', 'text'],
  ['video_source_id', 'text'],
  ['video_duration', 'double'],
  ['project_title', 'text'],
  ['annotation_id', 'text'],
  ['annotation_type', 'text'],
  ['video_offset', 'double'],
  ['video_percent_complete', 'double'],
  ['play_time_accrued', 'double'],
  ['target', 'text'],
  ['target_annotation', 'text'],
  ['target_time', 'double'],
  ['text', 'text'],
  ['question', 'text'],
  ['answer', 'text'],
  ['correct', 'boolean'],
  ['poll_type', 'text'],
  ['prompt', 'text'],
  ['response', 'text'],
  ['sign_in_type', 'text'],
  ['skipped', 'boolean'],
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['email', 'text'],
  ['form_user_id', 'text'],
  ['custom_field', 'text'],
  ['rating', 'text'],
  ['rating_value', 'smallint'],
  ['browser', 'text'],
  ['os', 'text'],
  ['referrer', 'text'],
  ['referring_domain', 'text'],
  ['ip', 'text'],
  ['extra', 'text'], // JSON object of every other property, as sent (normalised keys)
] as const satisfies readonly (readonly [string, ColumnType])[];

export type EventColumn = (typeof EVENT_COLUMNS)[number][0];

/** The event columns, in storage order, but those named. */
export function eventColumnsExcept(excluded: readonly EventColumn[]): EventColumn[] {
  return EVENT_COLUMNS.map(([name]) => name).filter((name) => !excluded.includes(name));
}

/** Columns set by the server or derived, never filled from a property of the same name. */
export const SERVER_COLUMNS: readonly EventColumn[] = [
  'account_id',
  'seq',
  'event_key',
  'event_id',
  'kind',
  'action',
  'ts',
  'received_at',
  'viewer_id',
  'browser',
  'os',
  'referrer',
  'referring_domain',
  'ip',
  'extra',
];

type TsOf<T extends ColumnType> = T extends 'text'
  ? string
  : T extends 'double' | 'smallint'
    ? number
    : T extends 'bigint'
      ? bigint
      : T extends 'boolean'
        ? boolean
        : Date;

/** One stored event; every column nullable except the ones the collector always sets. */
export type StoredEvent = {
  [C in (typeof EVENT_COLUMNS)[number] as C[0]]: TsOf<C[1]> | null;
} & {
  account_id: string;
  kind: EventKind;
  ts: Date;
  received_at: Date;
  session_id: string;
  viewer_id: string;
};

/** A stored event before the store gives it its `seq`. */
export type NewEvent = Omit<StoredEvent, 'seq'>;
