/**
 * What a simulated viewer does when an annotation appears: every action of events.md §2.1 for its
 * type, with the properties a real player sends (question and answer, poll response, sign-in
 * fields, rating, link target, jump target).
 */
import { normalizeName } from '../events/names.js';
import type { ModelAnnotation } from './catalog.js';
import type { Playback, PropValue } from './playback.js';
import type { AnnotationSpec, QuizQuestion } from './spec.js';

type Props = Record<string, PropValue | undefined>;
type Spec<T extends AnnotationSpec['type']> = Extract<AnnotationSpec, { type: T }>;

const QUESTIONS_FOR_LEADERS = [
  'When do the new espresso machines arrive?',
  'Will the summer schedule change?',
  'How do we request extra staff for events?',
  'Is there a budget for team training?',
];
const FARMS = ['Huila, Colombia', 'Sidama, Ethiopia', 'Minas Gerais, Brazil', 'Nyeri, Kenya'];

const act = (pb: Playback, a: ModelAnnotation, action: string, props: Props = {}) =>
  pb.annotation('annotation_action', a, pb.ctx.naming.value(action), props);

/** Called by the playback when `a` comes on screen. */
export function showAnnotation(pb: Playback, a: ModelAnnotation): void {
  const spec = a.spec;
  const text = 'text' in spec ? spec.text : spec.type === 'bookmark' ? spec.title : undefined;
  pb.annotation('annotation_view', a, null, {
    annotation_start_time: Math.round(a.start * 1000) / 1000,
    annotation_duration: Math.round((a.end - a.start) * 1000) / 1000,
    text,
  });
  if (pb.acted.has(a.id)) return;
  if (spec.type === 'signin') {
    // A sign-in widget asks everyone: each viewer signs in, is signed in silently, or skips.
    pb.acted.add(a.id);
    return signIn(pb, a);
  }
  if (!pb.ctx.engaged || !pb.ctx.rnd.chance(spec.interest)) return;
  pb.acted.add(a.id);
  switch (spec.type) {
    case 'contents':
      // The menu is there from the start; viewers open it somewhere along the way.
      return pb.schedule(pb.ctx.rnd.range(0.02, 0.7) * pb.ctx.project.spec.duration, () =>
        chapterMenu(pb, a),
      );
    case 'quiz':
      return quiz(pb, a, spec);
    case 'poll':
      return poll(pb, a, spec);
    case 'sentiment':
      return rate(pb, a, spec);
    case 'pop':
    case 'image':
    case 'hotlink':
      return link(pb, a, spec);
    case 'form':
      return form(pb, a, spec);
    case 'iframe':
    case 'drawing':
      return custom(pb, a, spec);
    case 'bookmark':
    case 'ontime':
      return; // seen, not acted on: an `ontime` view already counts as an interaction
  }
}

function chapterMenu(pb: Playback, a: ModelAnnotation): void {
  const { rnd } = pb.ctx;
  const chapters = pb.ctx.project.chapters;
  const current = Math.max(
    0,
    chapters.findLastIndex((c) => c.start <= pb.offset),
  );
  pb.wait(1, 8);
  act(pb, a, 'expand');
  pb.wait(1, 6);
  const roll = rnd.next();
  let target: ModelAnnotation | undefined;
  let action = 'click';
  if (roll < 0.15 && current + 1 < chapters.length) {
    action = 'next';
    target = chapters[current + 1];
  } else if (roll < 0.25 && current > 0) {
    action = 'prev';
    target = chapters[current - 1];
  } else {
    // People open the menu to skip ahead: later chapters are chosen more often.
    target = chapters[rnd.weightedIndex(chapters.map((_, i) => i + 1))];
  }
  if (!target) return;
  act(pb, a, action, {
    target_annotation: target.id,
    target_time: target.start,
    text: target.spec.title,
  });
  if (rnd.chance(0.6)) act(pb, a, 'collapse');
  pb.seekTo(target.start);
}

function quiz(pb: Playback, a: ModelAnnotation, spec: Spec<'quiz'>): void {
  const { rnd, viewer } = pb.ctx;
  pb.wait(2, 6);
  if (rnd.chance(0.12)) return void act(pb, a, 'skipped');
  const last = spec.questions.length - 1;
  const chosen: number[] = [];
  const answer = (q: QuizQuestion, index: number, choice: number) => {
    chosen[index] = choice;
    // The server grades from the catalog; a few clients claim a wrong answer is correct.
    const claimed = choice === q.correct || rnd.chance(0.005);
    act(pb, a, 'answer', { question: q.question, answer: q.answers[choice], correct: claimed });
  };
  const pickAnswer = (q: QuizQuestion) =>
    rnd.chance(viewer.skill)
      ? q.correct
      : (q.correct + rnd.int(1, q.answers.length - 1)) % q.answers.length;

  spec.questions.forEach((q, i) => {
    pb.wait(5, 20);
    answer(q, i, pickAnswer(q));
    if (rnd.chance(0.1)) {
      // Second thoughts: the latest answer is the one the gradebook counts.
      pb.wait(2, 8);
      answer(q, i, pickAnswer(q));
    }
    const previous = spec.questions[i - 1];
    if (previous && rnd.chance(0.07)) {
      act(pb, a, 'prev', { question: previous.question });
      pb.wait(2, 6);
      if (rnd.chance(0.5)) answer(previous, i - 1, pickAnswer(previous));
      act(pb, a, 'next', { question: q.question });
    }
    const next = spec.questions[i + 1];
    if (i < last && next) act(pb, a, 'next', { question: next.question });
  });
  const correct = spec.questions.filter((q, i) => chosen[i] === q.correct).length;
  pb.wait(1, 4);
  act(pb, a, 'submit', {
    num_questions: spec.questions.length,
    num_answered: spec.questions.length,
    num_correct: correct,
    pass: correct / spec.questions.length >= 0.7,
  });
}

function poll(pb: Playback, a: ModelAnnotation, spec: Spec<'poll'>): void {
  const { rnd } = pb.ctx;
  pb.wait(3, 12);
  const choice = spec.choices[rnd.weightedIndex(spec.choices.map(([, w]) => w))];
  act(pb, a, 'submit', { poll_type: spec.pollType, prompt: spec.prompt, response: choice?.[0] });
}

function signIn(pb: Playback, a: ModelAnnotation): void {
  const { rnd, viewer, signedIn, naming } = pb.ctx;
  const remembered = viewer.kind !== 'unnamed';
  const fields: Props = {
    first_name: viewer.firstName,
    last_name: viewer.lastName,
    email: viewer.email,
    form_user_id: viewer.userId ?? `f-${viewer.anonymousId ?? pb.ctx.sessionId}`,
    custom_field: viewer.store,
  };
  if (remembered && signedIn.has(viewer.index)) {
    pb.wait(0.2, 1);
    return act(pb, a, 'submit', { sign_in_type: naming.value('auto'), ...fields });
  }
  pb.wait(3, 15);
  const willing = viewer.kind === 'known' ? 0.7 : viewer.kind === 'anonymous' ? 0.35 : 0.25;
  if (!rnd.chance(willing)) return act(pb, a, 'submit', { skipped: true });
  if (remembered) signedIn.add(viewer.index);
  act(pb, a, 'submit', { sign_in_type: naming.value('manual'), ...fields });
}

function ratingOf(pb: Playback, spec: Spec<'sentiment'>): Props {
  const { rnd, naming } = pb.ctx;
  if (spec.icon === 'thumbs') {
    const up = rnd.chance((spec.mean - 1) / 4);
    return { rating: naming.value(up ? 'thumbs_up' : 'thumbs_down'), rating_value: up ? 5 : 1 };
  }
  const spread = (rnd.next() + rnd.next() + rnd.next() - 1.5) * 1.6;
  const value = Math.min(5, Math.max(1, Math.round(spec.mean + spread)));
  return { rating: naming.value(spec.icon), rating_value: value };
}

function rate(pb: Playback, a: ModelAnnotation, spec: Spec<'sentiment'>): void {
  pb.wait(2, 6);
  act(pb, a, 'rate', ratingOf(pb, spec));
  if (pb.ctx.rnd.chance(0.08)) {
    // A change of mind: the play's rating is its last one.
    pb.wait(1, 5);
    act(pb, a, 'rate', ratingOf(pb, spec));
  }
}

function link(pb: Playback, a: ModelAnnotation, spec: Spec<'pop' | 'image' | 'hotlink'>): void {
  pb.wait(0.5, 3);
  if (spec.targetTime !== undefined) {
    act(pb, a, 'click', { target_time: spec.targetTime, text: spec.text });
    return pb.seekTo(spec.targetTime);
  }
  const external = pb.ctx.rnd.chance(spec.type === 'image' ? 0.6 : 0.4);
  act(pb, a, external ? 'external_click' : 'click', { target: spec.url, text: spec.text });
}

function form(pb: Playback, a: ModelAnnotation, spec: Spec<'form'>): void {
  const { rnd, viewer } = pb.ctx;
  pb.wait(10, 45);
  const props: Props = {};
  for (const field of spec.fields) {
    if (field === 'email') {
      props.email = viewer.email;
      props.custom_newsletter = rnd.pick(['weekly', 'monthly']);
    } else {
      props[`custom_${field}`] = rnd.pick(QUESTIONS_FOR_LEADERS);
    }
  }
  act(pb, a, 'submit', props);
}

/** An action events.md does not name: the collector keeps it as `custom`. */
function custom(pb: Playback, a: ModelAnnotation, spec: Spec<'iframe' | 'drawing'>): void {
  const { rnd, project } = pb.ctx;
  pb.wait(1, 6);
  const action =
    project.spec.sender === 'tracker' ? normalizeName(spec.customAction) : spec.customAction;
  const props: Props =
    spec.type === 'iframe'
      ? { custom_farm: rnd.pick(FARMS), target: spec.url }
      : { custom_speed: rnd.pick(['1x', '2x']) };
  pb.annotation('annotation_action', a, action, props);
}
