/**
 * The demo's tracking events: a lazy, deterministic stream. The same options give byte-identical
 * events; nothing is held but the current visit and the set of viewers who signed in, so ten
 * million events cost no more memory than ten thousand.
 *
 * Visits happen in time order; a visit is one viewer watching one project, or several in a row
 * through an experience's playlist (one session each). Where each visit falls in time follows the
 * share of events generated so far, so the stream ends exactly at the requested count and still
 * covers the whole period.
 */
import { DEMO_MODEL, type ModelExperience, type ModelProject } from './catalog.js';
import { namingFor } from './naming.js';
import type { RawDemoEvent } from './playback.js';
import { hex8, mix32, randomFor, type Random } from './random.js';
import { simulateSession } from './session.js';
import { Timeline } from './timeline.js';
import { viewerFor } from './viewers.js';

export type { RawDemoEvent } from './playback.js';

export interface DemoOptions {
  seed: number;
  /** Length of the period, ending `now`. */
  days: number;
  /** Number of events; default `days` × EVENTS_PER_DAY. */
  events?: number | undefined;
  now: Date;
}

export const DEMO_DEFAULT_SEED = 1;
export const DEMO_DEFAULT_DAYS = 90;
export const EVENTS_PER_DAY = 2_000;
export const DEMO_LIMITS = { days: 366, events: 100_000_000 } as const;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const VISIT_STREAM = 0x7673; // "vs"
/** Events per viewer in the pool: ~3,000 viewers for the default 90 days. */
const EVENTS_PER_VIEWER = 60;

/** Why the options cannot be used, or null. */
export function checkDemoOptions(options: Omit<DemoOptions, 'now'>): string | null {
  const { seed, days, events } = options;
  if (!Number.isInteger(days) || days < 1 || days > DEMO_LIMITS.days) {
    return `days: an integer from 1 to ${DEMO_LIMITS.days}`;
  }
  if (
    events !== undefined &&
    (!Number.isInteger(events) || events < 1 || events > DEMO_LIMITS.events)
  ) {
    return `events: an integer from 1 to ${DEMO_LIMITS.events}`;
  }
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    return 'seed: an integer from 0 to 4294967295';
  }
  return null;
}

export function demoEventTotal(options: Omit<DemoOptions, 'now'>): number {
  return options.events ?? options.days * EVENTS_PER_DAY;
}

function popularity(project: ModelProject, u: number): number {
  const { popularity: base, peak } = project.spec;
  return peak && u >= peak.from && u < peak.to ? base * peak.factor : base;
}

interface VisitPlan {
  experience: ModelExperience | null;
  projects: ModelProject[];
}

function planVisit(rnd: Random, u: number): VisitPlan {
  let roll = rnd.next();
  for (const experience of DEMO_MODEL.experiences) {
    roll -= experience.share;
    if (roll < 0) {
      // Most start at the beginning of the playlist; some come back to where they left off.
      const from = rnd.chance(0.75) ? 0 : rnd.int(0, experience.playlist.length - 1);
      return { experience, projects: experience.playlist.slice(from) };
    }
  }
  const projects = DEMO_MODEL.projects;
  const chosen = projects[rnd.weightedIndex(projects.map((p) => popularity(p, u)))];
  return { experience: null, projects: chosen ? [chosen] : [] };
}

export function* demoEvents(options: DemoOptions): Generator<RawDemoEvent, void, undefined> {
  const problem = checkDemoOptions(options);
  if (problem) throw new RangeError(problem);
  const { seed } = options;
  const total = demoEventTotal(options);
  const nowMs = options.now.getTime();
  // Visits start up to an hour before now, so that they are over by now.
  const timeline = new Timeline(nowMs - options.days * DAY, nowMs - HOUR, seed);
  const capMs = nowMs - 1000;
  const pool = Math.max(40, Math.round(total / EVENTS_PER_VIEWER));
  const signedIn = new Set<number>();
  const sessionBase = mix32(seed ^ 0x53455353);
  let sessions = 0;
  let emitted = 0;

  for (let visit = 0; emitted < total; visit++) {
    const rnd = randomFor(seed, VISIT_STREAM, visit);
    const u = emitted / total;
    let startMs = timeline.at(u);
    // Skewed: a few regulars come back often, most viewers a few times.
    const viewer = viewerFor(seed, Math.floor(pool * rnd.next() ** 1.8));
    const plan = planVisit(rnd, u);
    for (const project of plan.projects) {
      // A bijection of the session number: distinct sessions never share an ID.
      const sessionId = hex8(mix32((sessionBase + sessions++) >>> 0));
      const result = simulateSession(
        {
          rnd,
          project,
          experienceId: plan.experience?.id ?? null,
          viewer,
          sessionId,
          naming: namingFor(project.spec.sender),
          capMs,
          signedIn,
          engaged: rnd.chance(viewer.engagement),
        },
        startMs,
      );
      for (const event of result.events) {
        if (emitted >= total) return;
        emitted++;
        yield event;
      }
      if (!result.finished || !rnd.chance(0.7)) break;
      startMs = result.endMs + rnd.range(3, 40) * 1000;
    }
  }
}
