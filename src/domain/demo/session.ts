/**
 * One viewer's session with one project, start to finish: load, perhaps play, pauses and resumes,
 * seeks, volume and fullscreen, annotations as they come, the end (complete, under or over, by
 * the play time accrued against the duration, as the tracker decides it), perhaps a replay, and
 * `final` when the page goes away.
 */
import { showAnnotation } from './interactions.js';
import { Playback, type RawDemoEvent, type SessionContext } from './playback.js';
import type { Random } from './random.js';

interface Control {
  at: number;
  kind: 'pause' | 'seek-forward' | 'seek-back' | 'volume' | 'fullscreen';
}

const HOSTS = {
  training: 'learn.northwind-coffee.example',
  public: 'www.northwind-coffee.example',
};

/** Player controls a viewer will use, at positions (seconds) before they leave. */
function planControls(rnd: Random, duration: number, leaveAt: number): Control[] {
  const controls: Control[] = [];
  const at = (from: number, to: number) => rnd.range(from, to) * leaveAt;
  if (rnd.chance(0.3)) {
    for (let i = rnd.int(1, 3); i > 0; i--) controls.push({ at: at(0.05, 0.95), kind: 'pause' });
  }
  if (rnd.chance(0.1)) controls.push({ at: at(0.05, 0.6), kind: 'seek-forward' });
  if (rnd.chance(0.1) && duration > 60) controls.push({ at: at(0.2, 0.95), kind: 'seek-back' });
  if (rnd.chance(0.05)) controls.push({ at: at(0, 1), kind: 'volume' });
  if (rnd.chance(0.08)) controls.push({ at: at(0, 0.2), kind: 'fullscreen' });
  return controls.sort((a, b) => a.at - b.at);
}

function useControl(pb: Playback, control: Control, duration: number): void {
  const { rnd } = pb.ctx;
  switch (control.kind) {
    case 'pause':
      pb.player('pause', { paused: true });
      pb.wait(4, 200);
      return pb.player('play');
    case 'seek-forward':
      return pb.seekTo(Math.min(duration - 1, pb.offset + duration * rnd.range(0.1, 0.35)));
    case 'seek-back':
      return pb.seekTo(Math.max(0, pb.offset - rnd.range(10, 90)));
    case 'volume':
      return pb.player('volume', { volume: Math.round(rnd.range(0.1, 1) * 100) / 100 });
    case 'fullscreen':
      return pb.player('fullscreen', { fullscreen: true });
  }
}

/** The tracker's rule (events.md §3): complete within 5% of the duration, else under or over. */
function endAction(accrued: number, duration: number): string {
  if (accrued < duration * 0.95) return 'end_under';
  if (accrued > duration * 1.05) return 'end_over';
  return 'end_complete';
}

export interface SessionResult {
  events: RawDemoEvent[];
  /** When the last thing happened, epoch milliseconds. */
  endMs: number;
  /** Whether the viewer played to the end (an experience then moves on to its next video). */
  finished: boolean;
}

export function simulateSession(ctx: SessionContext, startMs: number): SessionResult {
  const { rnd, project } = ctx;
  const spec = project.spec;
  const duration = spec.duration;
  const pb = new Playback(ctx, startMs);
  pb.onShow = (a) => showAnnotation(pb, a);

  const isPublic = spec.tags.includes('marketing') || spec.tags.includes('consumer');
  pb.player('load', {
    project_title: spec.title,
    video_title: spec.title,
    tags: spec.tags,
    num_annotations: project.annotations.length,
    video_source: spec.videoSource,
    video_source_id: spec.videoSourceId,
    host: isPublic ? HOSTS.public : HOSTS.training,
  });
  pb.wait(0.5, 4);
  // Inside an experience the viewer came to watch; an embedded player is often left unplayed.
  if (!rnd.chance(ctx.experienceId ? 0.93 : 0.8)) {
    if (rnd.chance(0.6)) {
      pb.wait(3, 90);
      pb.player('final');
    }
    return { events: pb.events, endMs: pb.t, finished: false };
  }

  if (rnd.chance(0.06)) pb.player('volume', { volume: Math.round(rnd.range(0.2, 1) * 100) / 100 });
  pb.player('play');
  pb.syncVisible();
  const leaveAt = rnd.chance(0.33) ? duration * rnd.range(0.04, 0.8) : duration;
  for (const control of planControls(rnd, duration, leaveAt)) {
    if (control.at <= pb.offset) continue; // a jump went past it
    pb.playTo(control.at);
    useControl(pb, control, duration);
  }
  pb.playTo(leaveAt);

  const finished = pb.offset >= duration - 1e-6;
  if (finished) {
    pb.player(endAction(pb.accrued, duration));
    if (rnd.chance(0.05)) {
      pb.wait(2, 10);
      pb.restart();
      pb.playTo(duration * rnd.range(0.1, 0.5));
    }
  }
  if (rnd.chance(0.88)) {
    pb.wait(1, 40);
    pb.player('final');
  }
  return { events: pb.events, endMs: pb.t, finished };
}
