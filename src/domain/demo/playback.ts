/**
 * One simulated player session: a clock, a position in the video and the play time accrued, and
 * the events a player sends as they change, in the raw shape the collector receives
 * (`{event, event_id, timestamp, properties}`, events.md §2). What happens when an annotation
 * appears is decided elsewhere (`onShow`); this file only keeps time and position honest.
 */
import type { EventKind } from '../events/stored-event.js';
import type { ModelAnnotation, ModelProject } from './catalog.js';
import type { Naming } from './naming.js';
import type { Random } from './random.js';
import type { Viewer } from './viewers.js';

export type PropValue = string | number | boolean | string[];

export interface RawDemoEvent {
  event: string;
  event_id: string;
  timestamp: string;
  properties: Record<string, PropValue>;
}

export interface SessionContext {
  rnd: Random;
  project: ModelProject;
  experienceId: string | null;
  viewer: Viewer;
  sessionId: string;
  naming: Naming;
  /** Nothing is sent after this instant: the demo's period ends now. */
  capMs: number;
  /** Viewers who signed in manually once; later sign-in widgets sign them in automatically. */
  signedIn: Set<number>;
  /** Whether this session interacts with annotations at all. */
  engaged: boolean;
}

const EPS = 1e-6;
/** Progress is reported at every tenth of the video. */
const PROGRESS_STEPS = 10;

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export class Playback {
  /** The wall clock, in epoch milliseconds. */
  t: number;
  /** Position in the video and play time accrued, in seconds. */
  offset = 0;
  accrued = 0;
  readonly events: RawDemoEvent[] = [];
  /** Annotations acted on in this session: each is acted on once, which also ends jump loops. */
  readonly acted = new Set<string>();
  onShow: (annotation: ModelAnnotation) => void = () => undefined;
  private readonly visible = new Set<ModelAnnotation>();
  private readonly scheduled: { at: number; run: () => void }[] = [];
  private readonly duration: number;
  private counter = 0;

  constructor(
    readonly ctx: SessionContext,
    startMs: number,
  ) {
    this.t = startMs;
    this.duration = ctx.project.spec.duration;
  }

  /** Time passes without playback (thinking, a paused video, a quiz on screen). */
  wait(minSeconds: number, maxSeconds: number): void {
    this.t += this.ctx.rnd.range(minSeconds, maxSeconds) * 1000;
  }

  /** Sends one event; `props` use canonical names and are spelled the sender's way here. */
  emit(kind: EventKind, action: string | null, props: Record<string, PropValue | undefined>): void {
    if (this.t > this.ctx.capMs) return;
    const { naming, project, viewer, experienceId, sessionId } = this.ctx;
    const p: Record<string, PropValue> = {};
    const set = (name: string, value: PropValue | null | undefined) => {
      if (value !== undefined && value !== null) p[naming.prop(name)] = value;
    };
    set('project_id', project.id);
    set('session_id', sessionId);
    set('experience_id', experienceId);
    // Cuepoint's tracker passes the page's user ID through as the page gave it: a number here.
    set(
      'user_id',
      viewer.userId !== null && project.spec.sender === 'tracker'
        ? Number(viewer.userId)
        : viewer.userId,
    );
    set('username', viewer.username);
    set('anonymous_id', viewer.anonymousId);
    set('video_id', project.spec.videoId);
    set('video_duration', project.spec.duration);
    set('action', action);
    set('video_offset', round3(this.offset));
    set('play_time_accrued', round3(this.accrued));
    for (const [name, value] of Object.entries(props)) set(name, value);
    this.events.push({
      event: naming.kind(kind),
      event_id: `${sessionId}-${this.counter++}`,
      timestamp: new Date(Math.round(this.t)).toISOString(),
      properties: p,
    });
  }

  player(action: string, props: Record<string, PropValue | undefined> = {}): void {
    this.emit('player_action', this.ctx.naming.value(action), props);
  }

  annotation(
    kind: EventKind,
    annotation: ModelAnnotation,
    action: string | null,
    props: Record<string, PropValue | undefined> = {},
  ): void {
    this.emit(kind, action, {
      annotation_id: annotation.id,
      annotation_type: annotation.spec.type,
      ...props,
    });
  }

  /** Runs `run` when playback reaches `at` (seconds); never, if the viewer leaves or jumps past. */
  schedule(at: number, run: () => void): void {
    this.scheduled.push({ at, run });
  }

  /** Plays from the current position to `target`, reporting progress and annotations crossed. */
  playTo(target: number): void {
    const end = Math.min(target, this.duration);
    const step = this.duration / PROGRESS_STEPS;
    // Bounded: every pass moves forward, and jumps happen at most once per annotation.
    for (let guard = 0; this.offset < end - EPS && guard < 1000; guard++) {
      const mark = (Math.floor(this.offset / step + EPS) + 1) * step;
      let next = Math.min(end, mark);
      for (const a of this.ctx.project.annotations) {
        if (a.start > this.offset + EPS && a.start < next) next = a.start;
        if (this.visible.has(a) && a.end > this.offset + EPS && a.end < next) next = a.end;
      }
      for (const s of this.scheduled) if (s.at > this.offset + EPS && s.at < next) next = s.at;
      this.advanceTo(next);
      if (Math.abs(next - mark) < EPS && next < this.duration - EPS) {
        this.player('progress', {
          video_percent_complete: Math.round((100 * next) / this.duration),
        });
      }
      this.syncVisible();
      this.runScheduled();
    }
  }

  private runScheduled(): void {
    const due = this.scheduled.findIndex((s) => Math.abs(s.at - this.offset) < EPS);
    if (due < 0) return;
    const [task] = this.scheduled.splice(due, 1);
    task?.run();
  }

  /** Moves the position without playing (the viewer dragged the bar, or a link jumped). */
  seekTo(offset: number): void {
    const from = this.offset;
    this.offset = Math.max(0, Math.min(offset, this.duration));
    this.player('seek', { seek_from: round3(from) });
    this.syncVisible();
  }

  /** Starts playback over from the beginning, as a viewer who replays the video does. */
  restart(): void {
    this.offset = 0;
    this.player('play');
    this.syncVisible();
  }

  /** Ends what left the screen and shows what came onto it at the current position. */
  syncVisible(): void {
    const at = this.offset;
    for (const a of this.ctx.project.annotations) {
      if (this.visible.has(a) && !this.onScreen(a)) {
        this.visible.delete(a);
        this.annotation('annotation_end', a, null);
      }
    }
    for (const a of this.ctx.project.annotations) {
      // A jump made by the annotation just shown has synchronised the new position already.
      if (this.offset !== at) return;
      if (!this.visible.has(a) && this.onScreen(a)) {
        this.visible.add(a);
        this.onShow(a);
      }
    }
  }

  private onScreen(a: ModelAnnotation): boolean {
    return a.start <= this.offset + EPS && this.offset < a.end - EPS;
  }

  private advanceTo(offset: number): void {
    const seconds = offset - this.offset;
    this.accrued += seconds;
    this.t += seconds * 1000;
    this.offset = offset;
  }
}
