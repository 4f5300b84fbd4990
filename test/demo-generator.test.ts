import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { ANNOTATION_TYPES, POLL_TYPES } from '../src/domain/catalog-types.js';
import {
  annotationBody,
  experienceBody,
  parseBody,
  parseProperties,
  projectBody,
} from '../src/domain/catalog-schemas.js';
import { DEMO_CATALOG, DEMO_MODEL } from '../src/domain/demo/catalog.js';
import {
  checkDemoOptions,
  demoEventTotal,
  demoEvents,
  type DemoOptions,
} from '../src/domain/demo/generate.js';
import { normalizeEvent, type RequestFacts } from '../src/domain/events/normalize.js';
import { PLAYER_ACTIONS, type NewEvent } from '../src/domain/events/stored-event.js';

const now = new Date('2025-06-01T12:00:00.000Z');
const facts: RequestFacts = {
  accountId: 'demo',
  receivedAt: now,
  browser: null,
  os: null,
  referrer: null,
  referringDomain: null,
  ip: null,
};

function digest(options: DemoOptions): { hash: string; count: number } {
  const hash = createHash('sha256');
  let count = 0;
  for (const event of demoEvents(options)) {
    hash.update(JSON.stringify(event)).update('\n');
    count++;
  }
  return { hash: hash.digest('hex'), count };
}

/** Every event of a 30-day run, normalised as the collector's import does. */
function normalisedRun(): { raw: unknown[]; events: NewEvent[] } {
  const raw = [...demoEvents({ seed: 1, days: 30, now })];
  const events = raw.map((item) => {
    const result = normalizeEvent(item, facts, { futureSkewMs: 300_000, maxLatenessMs: null });
    if (!result.ok) assert.fail(`rejected: ${result.reason} in ${JSON.stringify(item)}`);
    return result.event;
  });
  return { raw, events };
}

describe('demo generator', () => {
  it('gives byte-identical events for the same options, and others for another seed', () => {
    const options = { seed: 7, days: 3, now };
    const first = digest(options);
    assert.deepEqual(digest(options), first);
    assert.notEqual(digest({ ...options, seed: 8 }).hash, first.hash);
    assert.equal(first.count, demoEventTotal(options));
  });

  it('makes exactly --events events, lazily', () => {
    assert.equal(digest({ seed: 1, days: 2, events: 1234, now }).count, 1234);
    // Ten million would take a while to make: only the first few are.
    const started = Date.now();
    const iterator = demoEvents({ seed: 1, days: 90, events: 10_000_000, now });
    for (let i = 0; i < 10; i++) assert.equal(iterator.next().done, false);
    assert.ok(Date.now() - started < 1000);
  });

  it('refuses options out of range, naming them', () => {
    assert.match(checkDemoOptions({ seed: 1, days: 0 }) ?? '', /^days:/);
    assert.match(checkDemoOptions({ seed: 1, days: 5, events: 0 }) ?? '', /^events:/);
    assert.match(checkDemoOptions({ seed: -1, days: 5 }) ?? '', /^seed:/);
    assert.equal(checkDemoOptions({ seed: 1, days: 90, events: 10_000_000 }), null);
    assert.throws(() => demoEvents({ seed: 1, days: 0, now }).next(), RangeError);
  });

  const { raw, events } = normalisedRun();

  it('makes events that all pass the collector, with unique event IDs, within the period', () => {
    assert.equal(events.length, 60_000);
    const ids = new Set(events.map((e) => e.event_id));
    assert.equal(ids.size, events.length);
    const start = now.getTime() - 30 * 86_400_000;
    for (const e of events) {
      assert.ok(e.ts.getTime() >= start && e.ts.getTime() <= now.getTime(), e.ts.toISOString());
    }
  });

  it('uses both spellings of names: Brightcove viewer and Cuepoint tracker', () => {
    const names = new Set(raw.map((e) => (e as { event: string }).event));
    for (const name of ['Player Action', 'Annotation Ended', 'player_action', 'annotation_end']) {
      assert.ok(names.has(name), name);
    }
  });

  it('has every kind and action of events.md §2.1', () => {
    const seen = new Set(
      events.map((e) => `${e.kind}/${e.annotation_type ?? ''}/${e.action ?? ''}`),
    );
    const expected = [
      ...PLAYER_ACTIONS.map((a) => `player_action//${a}`),
      ...['pop', 'image', 'hotlink'].flatMap((t) =>
        ['click', 'external_click'].map((a) => `annotation_action/${t}/${a}`),
      ),
      ...['answer', 'submit', 'prev', 'next', 'skipped'].map((a) => `annotation_action/quiz/${a}`),
      ...['click', 'prev', 'next', 'expand', 'collapse'].map(
        (a) => `annotation_action/contents/${a}`,
      ),
      'annotation_action/poll/submit',
      'annotation_action/signin/submit',
      'annotation_action/sentiment/rate',
      'annotation_action/form/submit',
      'annotation_action/iframe/open_farm_profile',
      'annotation_action/drawing/replay_drawing',
    ];
    for (const key of expected) assert.ok(seen.has(key), key);
    for (const type of ANNOTATION_TYPES) {
      assert.ok(seen.has(`annotation_view/${type}/`), `view of ${type}`);
      assert.ok(seen.has(`annotation_end/${type}/`), `end of ${type}`);
    }
  });

  it('has the details the reports look at', () => {
    const actions = events.filter((e) => e.kind === 'annotation_action');
    const signIns = actions.filter((e) => e.annotation_type === 'signin');
    assert.ok(signIns.some((e) => e.sign_in_type === 'manual'));
    assert.ok(signIns.some((e) => e.sign_in_type === 'auto'));
    assert.ok(signIns.some((e) => e.skipped === true && e.sign_in_type === null));
    const ratings = new Set(actions.map((e) => e.rating_value).filter((v) => v !== null));
    assert.deepEqual([...ratings].sort(), [1, 2, 3, 4, 5]);
    const answers = actions.filter((e) => e.action === 'answer');
    assert.ok(answers.some((e) => e.correct === true) && answers.some((e) => e.correct === false));
    const perQuestion = new Map<string, number>();
    for (const e of answers) {
      const key = `${e.session_id}/${e.question}`;
      perQuestion.set(key, (perQuestion.get(key) ?? 0) + 1);
    }
    assert.ok(
      [...perQuestion.values()].some((n) => n > 1),
      'some viewers re-answer',
    );
    const polls = new Set(actions.map((e) => e.poll_type).filter((t) => t !== null));
    for (const type of POLL_TYPES) assert.ok(polls.has(type), type);
    const menuClicks = actions.filter(
      (e) => e.annotation_type === 'contents' && e.action === 'click',
    );
    assert.ok(menuClicks.every((e) => e.target_annotation !== null && e.target_time !== null));
    assert.ok(actions.some((e) => e.annotation_type === 'hotlink' && e.target_time !== null));
    assert.ok(actions.some((e) => e.annotation_type === 'pop' && e.target !== null));
    assert.ok(events.some((e) => e.kind === 'annotation_view' && e.annotation_type === 'ontime'));
  });

  it('answers the template poll in several projects', () => {
    const template = DEMO_CATALOG.annotations.find((a) => a.body.title.includes('template'));
    assert.ok(template);
    const projects = new Set(
      events
        .filter((e) => e.annotation_id === template.body.id && e.action === 'submit')
        .map((e) => e.project_id),
    );
    assert.ok(projects.size >= 4, `${projects.size} projects`);
  });

  it('mixes known, anonymous and unnamed viewers, and sessions inside experiences', () => {
    const loads = events.filter((e) => e.action === 'load');
    assert.ok(loads.some((e) => e.user_id !== null && e.username !== null));
    assert.ok(loads.some((e) => e.user_id === null && e.anonymous_id !== null));
    assert.ok(loads.some((e) => e.user_id === null && e.anonymous_id === null));
    const experiences = new Set(loads.map((e) => e.experience_id));
    for (const experience of DEMO_CATALOG.experiences) assert.ok(experiences.has(experience.id));
    assert.ok(experiences.has(null));
    const viewers = new Set(events.map((e) => e.viewer_id));
    assert.ok(viewers.size > 1000, `${viewers.size} viewers`);
  });

  it('keeps play time honest: never more than the time elapsed, never past the video', () => {
    const firstTs = new Map<string, number>();
    const duration = new Map(DEMO_MODEL.projects.map((p) => [p.id, p.spec.duration]));
    for (const e of events) {
      const start = firstTs.get(e.session_id) ?? e.ts.getTime();
      firstTs.set(e.session_id, start);
      const accrued = e.play_time_accrued ?? 0;
      assert.ok(accrued * 1000 <= e.ts.getTime() - start + 1, `${e.event_id}: ${accrued}`);
      assert.ok((e.video_offset ?? 0) <= (duration.get(e.project_id ?? '') ?? 0) + 1e-6);
    }
  });
});

describe('demo catalog', () => {
  it('is accepted by the catalog as POST bodies', () => {
    for (const project of DEMO_CATALOG.projects) parseBody(projectBody, project);
    for (const { body } of DEMO_CATALOG.annotations) {
      const parsed = parseBody(annotationBody, body);
      parseProperties(parsed.type, parsed.properties ?? {});
    }
    for (const experience of DEMO_CATALOG.experiences) parseBody(experienceBody, experience);
  });

  it('holds a dozen projects, every annotation type, and two experiences', () => {
    assert.equal(DEMO_CATALOG.projects.length, 12);
    const types = new Set(DEMO_CATALOG.annotations.map((a) => a.body.type));
    assert.deepEqual([...types].sort(), [...ANNOTATION_TYPES].sort());
    assert.deepEqual(
      DEMO_CATALOG.experiences.map((e) => e.type),
      ['lesson', 'slidesync'],
    );
    const ids = [
      ...DEMO_CATALOG.projects.map((p) => p.id),
      ...DEMO_CATALOG.annotations.map((a) => a.body.id),
      ...DEMO_CATALOG.experiences.map((e) => e.id),
    ];
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[0-9a-f]{24}$/);
    const projectIds = new Set(DEMO_CATALOG.projects.map((p) => p.id));
    for (const a of DEMO_CATALOG.annotations) assert.ok(projectIds.has(a.projectId));
    for (const e of DEMO_CATALOG.experiences) {
      for (const id of e.playlist) assert.ok(projectIds.has(id));
    }
  });
});
