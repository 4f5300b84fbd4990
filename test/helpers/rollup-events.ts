/**
 * The events both rollup tests (test/rollups-duckdb.test.ts, test/store-rollups-postgres.test.ts)
 * append: stored events built column by column, sessions over two days with every kind of fact
 * the rollups fold, split over batches as players send them.
 */
import type { Project } from '../../src/domain/catalog-types.js';
import { EVENT_COLUMNS, type NewEvent } from '../../src/domain/events/stored-event.js';

export const ACCOUNT = 'acc';
export const DAY = ['2030-01-01', '2030-01-02', '2030-01-03'] as const;
export const NOW = '2030-01-04T00:00:00.000Z';

/** A catalog project of the account, titled as its ID in upper case, with no video or tags. */
export function catalogProject(id: string): Project {
  return {
    id,
    account_id: ACCOUNT,
    title: id.toUpperCase(),
    video_id: null,
    video_source_id: null,
    video_duration: null,
    tags: [],
    created_at: NOW,
    updated_at: NOW,
  };
}

/** A stored event with every column NULL but those given (and the ones always set). */
export function event(
  fields: Partial<NewEvent> & Pick<NewEvent, 'session_id' | 'kind' | 'ts'>,
): NewEvent {
  const blank = Object.fromEntries(
    EVENT_COLUMNS.filter(([name]) => name !== 'seq').map(([name]) => [name, null]),
  );
  return {
    ...blank,
    account_id: ACCOUNT,
    received_at: new Date(),
    viewer_id: fields.user_id ?? fields.session_id,
    ...fields,
  } as NewEvent;
}

export const at = (day: string, time: string) => new Date(`${day}T${time}Z`);

/** A session's clock: its events start minutes apart from other sessions', out of arrival order. */
export type SessionTime = (day: string, time: string) => Date;

/** What the events of session `n` share: its IDs (`base`) and its clock (`time`). */
export interface SessionParts {
  base: Pick<NewEvent, 'session_id' | 'project_id' | 'experience_id'>;
  time: SessionTime;
}

/**
 * One session's events over two days: a load, plays and progress, a sign-in midway (user and
 * username), annotation actions and views — of annotations a1 (sent as `pop`), a2 (sent as
 * `pop`, viewed) and a3 (no type, a target time) — the project facts the players send, and on day
 * 2 a sign-in widget's view and submit (si, sent as `signin`) and a poll's view and submit (pl,
 * sent as `poll`); then what `more` adds on day 2 (each rollup test its chapter events).
 */
function sessionEvents(
  session: string,
  project: string | null,
  n: number,
  more: (parts: SessionParts, n: number) => NewEvent[],
): NewEvent[] {
  // Sessions start minutes apart, out of arrival order: the latest facts are the latest by time.
  const sessionTime: SessionTime = (day, time) =>
    new Date(Date.parse(`${day}T${time}Z`) + ((n * 7) % 12) * 60_000);
  const base = { session_id: session, project_id: project, experience_id: n % 2 ? 'x1' : null };
  const facts = {
    project_title: `Title ${n}`,
    video_id: `v${n}`,
    video_duration: 60 + n,
    extra: JSON.stringify({ tags: [`t${n}`] }),
  };
  return [
    event({
      ...base,
      ...facts,
      kind: 'player_action',
      action: 'load',
      ts: sessionTime(DAY[0], '10:00:00'),
    }),
    event({ ...base, kind: 'player_action', action: 'play', ts: sessionTime(DAY[0], '10:00:01') }),
    event({
      ...base,
      kind: 'player_action',
      action: 'progress',
      play_time_accrued: 10 + n,
      ts: sessionTime(DAY[0], '10:00:10'),
    }),
    event({
      ...base,
      kind: 'annotation_action',
      action: 'click',
      annotation_id: 'a1',
      annotation_type: 'pop',
      ts: sessionTime(DAY[0], '10:00:12'),
    }),
    event({
      ...base,
      kind: 'annotation_view',
      annotation_id: 'a2',
      annotation_type: 'pop',
      user_id: `u${n}`,
      username: `first${n}`,
      ts: sessionTime(DAY[1], '09:00:00'),
    }),
    event({
      ...base,
      ...facts,
      project_title: `Later title ${n}`,
      kind: 'annotation_action',
      action: 'click',
      annotation_id: 'a3',
      target_time: 5,
      user_id: `u${n}`,
      username: `second${n}`,
      ts: sessionTime(DAY[1], '09:00:05'),
    }),
    event({
      ...base,
      kind: 'player_action',
      action: 'progress',
      play_time_accrued: 30 + n,
      ts: sessionTime(DAY[1], '09:00:30'),
    }),
    ...widgetEvents(base, sessionTime, n),
    ...more({ base, time: sessionTime }, n),
  ];
}

/**
 * Day 2's widgets: a view and a submit of sign-in si (manual, automatic or skipped), a view and a
 * submit of poll pl (one of two responses): what `widget_events` keeps but the poll's view.
 */
function widgetEvents(base: SessionParts['base'], time: SessionTime, n: number): NewEvent[] {
  const signin = { ...base, annotation_id: 'si', annotation_type: 'signin' };
  const poll = { ...base, annotation_id: 'pl', annotation_type: 'poll' };
  return [
    event({
      ...signin,
      kind: 'annotation_view',
      text: `Sign in ${n}`,
      ts: time(DAY[1], '09:00:20'),
    }),
    event({
      ...signin,
      kind: 'annotation_action',
      action: 'submit',
      sign_in_type: n % 3 === 1 ? 'auto' : null,
      skipped: n % 3 === 2 ? true : null,
      ts: time(DAY[1], '09:00:21'),
    }),
    event({ ...poll, kind: 'annotation_view', text: 'Poll', ts: time(DAY[1], '09:00:25') }),
    event({
      ...poll,
      kind: 'annotation_action',
      action: 'submit',
      response: `r${n % 2}`,
      poll_type: 'single',
      prompt: `Prompt ${n}`,
      ts: time(DAY[1], '09:00:26'),
    }),
  ];
}

/**
 * Every session's events (session `n` of project p0, p1 or none), each session's split over
 * several batches as a player sends them.
 */
export function batches(
  sessions: number,
  perBatch: number,
  more: (parts: SessionParts, n: number) => NewEvent[],
  prefix = 's',
): NewEvent[][] {
  const events = Array.from({ length: sessions }, (_, n) =>
    sessionEvents(`${prefix}${n}`, n % 3 === 2 ? null : `p${n % 3}`, n, more),
  ).flat();
  const out: NewEvent[][] = [];
  for (let i = 0; i < events.length; i += perBatch) out.push(events.slice(i, i + perBatch));
  return out;
}

/**
 * A view and a submit of annotation `w1` sent as a `pop`, in session `ws` (both rollup tests'
 * widget re-fold: the catalog later makes `w1` a sign-in, a poll, a pop again).
 */
export function widgetSentAsPop(): NewEvent[] {
  const widget = { session_id: 'ws', project_id: 'p0', annotation_id: 'w1' };
  return [
    event({
      ...widget,
      kind: 'annotation_view',
      annotation_type: 'pop',
      text: 'Widget',
      ts: at(DAY[2], '09:00:00'),
    }),
    event({
      ...widget,
      kind: 'annotation_action',
      action: 'submit',
      annotation_type: 'pop',
      response: 'yes',
      sign_in_type: 'auto',
      ts: at(DAY[2], '09:00:01'),
    }),
  ];
}
