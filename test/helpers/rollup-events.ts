/**
 * The events both rollup tests (test/rollups-duckdb.test.ts, test/store-rollups-postgres.test.ts)
 * append: stored events built column by column, sessions over two days with every kind of fact
 * the rollups fold, split over batches as players send them.
 */
import { EVENT_COLUMNS, type NewEvent } from '../../src/domain/events/stored-event.js';

export const ACCOUNT = 'acc';
export const DAY = ['2030-01-01', '2030-01-02', '2030-01-03'] as const;
export const NOW = '2030-01-04T00:00:00.000Z';

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
 * `pop`, viewed) and a3 (no type, a target time) — and the project facts the players send; then
 * what `more` adds on day 2 (each rollup test its chapter events).
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
    ...more({ base, time: sessionTime }, n),
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
