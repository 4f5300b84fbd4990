/**
 * Annotations over real HTTP (catalog.md): the per-type property shapes with field-naming 400s,
 * IDs unique per account, shallow PATCH with the properties checked against the resulting type,
 * and 404 for another project's or another account's annotation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setupAccount } from './helpers/accounts.js';
import { catalogClient, ISO_UTC, tokenWith, type CatalogClient } from './helpers/catalog.js';
import type { Sent } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const QUIZ = {
  id: 'quiz-1',
  type: 'quiz',
  title: 'Check your knowledge',
  start_time: { value: 30, units: 'seconds' },
  duration: { value: 10, units: 'percent' },
  properties: {
    questions: [
      {
        question: 'Which bird?',
        answers: [
          { text: 'Royal Tern', type: 'choice', correct: true },
          { text: 'Gull', type: 'choice', correct: false },
        ],
      },
    ],
    pass_percent: 70,
  },
};

const result = (res: Sent) => (res.body as { result: Record<string, unknown> }).result;
const ids = (res: Sent) => (result(res).items as { id: string }[]).map((a) => a.id);

describe('catalog annotations', () => {
  let server: TestServer;
  let api: CatalogClient;
  let other: CatalogClient;

  before(async () => {
    server = await startTestServer();
    api = catalogClient(server, 'acc1', (await setupAccount(server, 'acc1')).token);
    other = catalogClient(server, 'acc2', (await setupAccount(server, 'acc2')).token);
    await api.post('projects', { id: 'p1', title: 'One' });
    await api.post('projects', { id: 'p2', title: 'Two' });
    await other.post('projects', { id: 'p1', title: 'Theirs' });
  });
  after(() => server.stop());

  it('creates a quiz: 201, the whole object (unknown properties kept), and a Location', async () => {
    const res = await api.post('projects/p1/annotations', QUIZ);
    assert.equal(res.status, 201);
    const created = result(res);
    assert.match(String(created.created_at), ISO_UTC);
    assert.deepEqual(res.body, {
      result: {
        ...QUIZ,
        account_id: 'acc1',
        project_id: 'p1',
        created_at: created.created_at,
        updated_at: created.created_at,
      },
    });
    assert.equal(res.headers.get('location'), '/v1/accounts/acc1/projects/p1/annotations/quiz-1');
    const read = await api.get('projects/p1/annotations/quiz-1');
    assert.deepEqual([read.status, read.body], [200, res.body]);
  });

  it('makes the ID, and fills title, times and properties with null and {}', async () => {
    const res = await api.post('projects/p1/annotations', { type: 'hotlink' });
    assert.equal(res.status, 201);
    const created = result(res);
    assert.match(String(created.id), /^[0-9a-f]{24}$/);
    assert.deepEqual(created, {
      id: created.id,
      account_id: 'acc1',
      project_id: 'p1',
      type: 'hotlink',
      title: null,
      start_time: null,
      duration: null,
      properties: {},
      created_at: created.created_at,
      updated_at: created.created_at,
    });
  });

  it('accepts polls, chapters and an infinite duration (its value null)', async () => {
    const poll = await api.post('projects/p1/annotations', {
      id: 'poll-1',
      type: 'poll',
      properties: { poll_type: 'TrueFalse', prompt: 'Tasty?', responses: ['Yes', 'No'] },
    });
    assert.equal(poll.status, 201);
    const chapter = await api.post('projects/p1/annotations', {
      id: 'chapter-1',
      type: 'bookmark',
      start_time: { value: 0, units: 'seconds' },
      duration: { units: 'infinite' },
      properties: { text: 'Introduction' },
    });
    assert.equal(chapter.status, 201);
    assert.deepEqual(result(chapter).duration, { value: null, units: 'infinite' });
  });

  it('answers 400 naming the field, down into the properties of each type', async () => {
    const answer = (changes: Record<string, unknown>) => ({
      type: 'quiz',
      properties: {
        questions: [
          { question: 'Q', answers: [{ text: 'A', type: 'choice', correct: true, ...changes }] },
        ],
      },
    });
    const cases: [unknown, string][] = [
      [
        {},
        'type: required (contents, iframe, pop, quiz, bookmark, ontime, drawing, image, hotlink, poll, signin, sentiment or form)',
      ],
      [
        { type: 'quizz' },
        'type: expected contents, iframe, pop, quiz, bookmark, ontime, drawing, image, hotlink, poll, signin, sentiment or form, got the string "quizz"',
      ],
      [{ id: 'a|b', type: 'pop' }, 'id: must not contain "," or "|"'],
      [
        { type: 'pop', start_time: { value: 5, units: 'minutes' } },
        'start_time.units: expected seconds or percent, got the string "minutes"',
      ],
      [
        { type: 'pop', start_time: { units: 'infinite' } },
        'start_time.units: expected seconds or percent, got the string "infinite"',
      ],
      [
        { type: 'pop', start_time: { value: 101, units: 'percent' } },
        'start_time.value: must be at most 100',
      ],
      [
        { type: 'pop', start_time: { value: -1, units: 'seconds' } },
        'start_time.value: must be at least 0',
      ],
      [
        { type: 'pop', duration: { value: 'ten', units: 'seconds' } },
        'duration.value: expected a number, got the string "ten"',
      ],
      [
        { type: 'pop', duration: { value: 5, units: 'infinite' } },
        'duration.value: expected null, got the number 5',
      ],
      [{ type: 'pop', properties: [] }, 'properties: expected an object, got a list'],
      [{ type: 'quiz' }, 'properties.questions: required (a list)'],
      [
        { type: 'quiz', properties: { questions: [] } },
        'properties.questions: must have at least 1 item',
      ],
      [
        answer({ type: 'radio' }),
        'properties.questions[0].answers[0].type: expected choice or text-choice, got the string "radio"',
      ],
      [
        answer({ correct: 'yes' }),
        'properties.questions[0].answers[0].correct: expected true or false, got the string "yes"',
      ],
      [
        answer({ text: 5 }),
        'properties.questions[0].answers[0].text: expected a string, got the number 5',
      ],
      [
        { type: 'quiz', properties: { questions: [{ question: 'Q', answers: [] }] } },
        'properties.questions[0].answers: must have at least 1 item',
      ],
      [
        {
          type: 'quiz',
          properties: {
            questions: [
              { question: 'Q', answers: [{ text: 'A', type: 'choice', correct: true }] },
              { question: ' Q ', answers: [{ text: 'A', type: 'choice', correct: true }] },
            ],
          },
        },
        'properties.questions[1].question: repeats questions[0].question',
      ],
      [
        { type: 'poll', properties: { poll_type: 'Multi', prompt: 'P', responses: ['a'] } },
        'properties.poll_type: expected MultipleChoice, TrueFalse or PictureChoice, got the string "Multi"',
      ],
      [
        { type: 'poll', properties: { poll_type: 'TrueFalse', responses: ['a'] } },
        'properties.prompt: required (a string)',
      ],
      [
        { type: 'poll', properties: { poll_type: 'TrueFalse', prompt: 'P', responses: [1] } },
        'properties.responses[0]: expected a string, got the number 1',
      ],
      [
        { type: 'bookmark', properties: { text: 5 } },
        'properties.text: expected a string, got the number 5',
      ],
    ];
    for (const [body, message] of cases) {
      const res = await api.post('projects/p1/annotations', body);
      assert.deepEqual([res.status, res.body], [400, { result: message }], JSON.stringify(body));
    }
  });

  it('keeps annotation IDs unique per account, not across accounts', async () => {
    const res = await api.post('projects/p2/annotations', { id: 'quiz-1', type: 'pop' });
    assert.deepEqual(
      [res.status, res.body],
      [409, { result: { message: 'annotation "quiz-1" exists already' } }],
    );
    assert.equal(
      (await other.post('projects/p1/annotations', { id: 'quiz-1', type: 'pop' })).status,
      201,
    );
  });

  it('merges a PATCH shallowly: properties are replaced whole, and must fit the type', async () => {
    const patched = await api.patch('projects/p1/annotations/quiz-1', { title: 'Renamed' });
    assert.equal(patched.status, 200);
    assert.deepEqual(
      { ...result(patched), updated_at: null, created_at: null },
      {
        ...QUIZ,
        title: 'Renamed',
        account_id: 'acc1',
        project_id: 'p1',
        updated_at: null,
        created_at: null,
      },
    );
    const retyped = await api.patch('projects/p1/annotations/quiz-1', { type: 'poll' });
    assert.deepEqual(
      [retyped.status, retyped.body],
      [
        400,
        { result: 'properties.poll_type: required (MultipleChoice, TrueFalse or PictureChoice)' },
      ],
    );
    const poll = { poll_type: 'MultipleChoice', prompt: 'Best bird?', responses: ['Tern', 'Gull'] };
    const both = await api.patch('projects/p1/annotations/quiz-1', {
      type: 'poll',
      properties: poll,
    });
    assert.equal(both.status, 200);
    assert.deepEqual([result(both).type, result(both).properties], ['poll', poll]);
    const moved = await api.patch('projects/p1/annotations/quiz-1', { id: 'other' });
    assert.deepEqual(
      [moved.status, moved.body],
      [400, { result: 'id: cannot be changed (the path names "quiz-1")' }],
    );
  });

  it('lists a project’s annotations with the list parameters', async () => {
    const all = ids(await api.get('projects/p1/annotations?sort_by=created_at&order_by=asc'));
    assert.equal(all[0], 'quiz-1');
    assert.equal(all.length, 4);
    assert.deepEqual(
      ids(
        await api.get('projects/p1/annotations?sort_by=created_at&order_by=asc&pageSize=1&page=2'),
      ),
      [all[1]],
    );
    assert.deepEqual(ids(await api.get('projects/p1/annotations?title=RENAMED')), ['quiz-1']);
    assert.deepEqual(await api.get('projects/p2/annotations').then((r) => r.body), {
      result: { items: [] },
    });
    const tagged = await api.get('projects/p1/annotations?tag=x');
    assert.equal(tagged.status, 400);
  });

  it('answers 404 for an unknown project, another project’s or another account’s annotation', async () => {
    const noProject = { result: { message: 'project "nope" not found' } };
    for (const res of [
      await api.get('projects/nope/annotations'),
      await api.post('projects/nope/annotations', { type: 'pop' }),
    ]) {
      assert.deepEqual([res.status, res.body], [404, noProject]);
    }
    const elsewhere = { result: { message: 'annotation "quiz-1" not found in project "p2"' } };
    for (const res of [
      await api.get('projects/p2/annotations/quiz-1'),
      await api.patch('projects/p2/annotations/quiz-1', { title: 'x' }),
      await api.delete('projects/p2/annotations/quiz-1'),
    ]) {
      assert.deepEqual([res.status, res.body], [404, elsewhere]);
    }
    const theirs = await api.get('projects/p1/annotations/poll-1');
    assert.equal(theirs.status, 200);
    const stranger = await other.get('projects/p1/annotations/poll-1');
    assert.deepEqual(
      [stranger.status, stranger.body],
      [404, { result: { message: 'annotation "poll-1" not found in project "p1"' } }],
    );
  });

  it('deletes: 204, then 404', async () => {
    const res = await api.delete('projects/p1/annotations/chapter-1');
    assert.deepEqual([res.status, res.text], [204, '']);
    assert.equal((await api.get('projects/p1/annotations/chapter-1')).status, 404);
    assert.equal((await api.delete('projects/p1/annotations/chapter-1')).status, 404);
  });

  it('needs …/all to write and …/read to read', async () => {
    const reader = catalogClient(
      server,
      'acc1',
      await tokenWith(server, ['acc1'], ['video-cloud/interactivity/read']),
    );
    assert.equal((await reader.get('projects/p1/annotations')).status, 200);
    assert.equal((await reader.get('projects/p1/annotations/quiz-1')).status, 200);
    for (const res of [
      await reader.post('projects/p1/annotations', { type: 'pop' }),
      await reader.patch('projects/p1/annotations/quiz-1', { title: 'x' }),
      await reader.delete('projects/p1/annotations/quiz-1'),
    ]) {
      assert.equal(res.status, 403);
    }
  });
});
