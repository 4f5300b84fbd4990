/**
 * The analytics family's limits over HTTP (details.md §3): the row cap, the per-account
 * concurrency (a request beyond it answers 429 with Retry-After), and the time limit (503
 * `{"result":"…"}`). Each runs on a server configured small enough to show it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accessToken, answer, importAll, report } from './helpers/analytics.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const MARCH = 'start_time=2024-03-01&end_time=2024-03-31';

/** Answers in two projects: p1 (u1 ✓ by claim, u2 ✗) and p2 (u3 ✓). */
const EVENTS = [
  answer({
    at: '2024-03-01T10:00:00Z',
    user: 'u1',
    project: 'p1',
    quiz: 'q1',
    question: 'Q?',
    answer: 'A',
    correct: true,
  }),
  answer({
    at: '2024-03-01T11:00:00Z',
    user: 'u2',
    project: 'p1',
    quiz: 'q1',
    question: 'Q?',
    answer: 'B',
    correct: false,
  }),
  answer({
    at: '2024-03-02T10:00:00Z',
    user: 'u3',
    project: 'p2',
    quiz: 'q2',
    question: 'R?',
    answer: 'C',
    correct: true,
  }),
];

describe('analytics limits: row cap and concurrency', () => {
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer({ reportRowCap: 1, analyticsConcurrency: 1 });
    await server.admin.createAccount({ id: 'acme' });
    token = await accessToken(server, ['acme']);
    await importAll(server, 'acme', EVENTS);
  });
  after(() => server.stop());

  it('keeps the first rows in report order and says X-Report-Truncated', async () => {
    // Two projects, cap 1: p1 (2 answers) stays.
    const res = await report(server, token, 'acme', 'quiz/actions', MARCH);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-report-truncated'), 'true');
    assert.deepEqual(res.body, { result: [{ actions: 2, project: { id: 'p1', title: null } }] });

    // Three users, cap 1: u1; num_questions still counts both quizzes' questions (Q?, R?).
    const summary = await report(server, token, 'acme', 'gradebook/summary', MARCH);
    assert.equal(summary.headers.get('x-report-truncated'), 'true');
    assert.deepEqual(summary.body, {
      result: {
        num_questions: 2,
        users: [{ user_id: 'u1', total_correct_answers: 1, total_question_count: 1 }],
      },
    });
  });

  it('sends no X-Report-Truncated when everything fits', async () => {
    const res = await report(server, token, 'acme', 'quiz/actions', `${MARCH}&project_id=p2`);
    assert.equal(res.headers.get('x-report-truncated'), null);
    assert.deepEqual(res.body, { result: [{ actions: 1, project: { id: 'p2', title: null } }] });
  });

  it('answers 429 with Retry-After to a request beyond the account’s running reports', async () => {
    // With one report at a time, a burst overlaps: some requests must be refused. Repeated a few
    // times in case one burst happened not to overlap.
    let refused: Awaited<ReturnType<typeof report>> | undefined;
    for (let attempt = 0; attempt < 5 && !refused; attempt++) {
      const burst = await Promise.all(
        Array.from({ length: 20 }, () =>
          report(server, token, 'acme', 'gradebook/users/answers', `${MARCH}&show_details=true`),
        ),
      );
      for (const res of burst) assert.ok([200, 429].includes(res.status), res.text);
      assert.ok(burst.some((res) => res.status === 200));
      refused = burst.find((res) => res.status === 429);
    }
    assert.ok(refused, 'no request of the bursts was refused');
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.deepEqual(refused.body, [
      {
        error_code: 'TOO_MANY_REQUESTS',
        message:
          'this account already has 1 analytics report running, the most allowed at once; retry in a moment',
      },
    ]);
  });

  it('frees the slot after a success and after a failure', async () => {
    const missing = await report(server, token, 'acme', 'quiz/actions', `${MARCH}&project_id=nope`);
    assert.equal(missing.status, 404);
    for (let i = 0; i < 3; i++) {
      const res = await report(server, token, 'acme', 'quiz/actions', `${MARCH}&project_id=p2`);
      assert.equal(res.status, 200);
    }
  });
});

describe('analytics limits: time', () => {
  let server: TestServer;
  let token: string;

  before(async () => {
    server = await startTestServer({ analyticsTimeoutSeconds: 0.001 });
    await server.admin.createAccount({ id: 'acme' });
    token = await accessToken(server, ['acme']);
    await importAll(server, 'acme', EVENTS);
  });
  after(() => server.stop());

  it('answers 503 {"result":"…"} when a report runs out of time, and keeps serving', async () => {
    // A project check and two report queries cannot all finish within 1 ms.
    for (let i = 0; i < 2; i++) {
      const res = await report(
        server,
        token,
        'acme',
        'gradebook/users/answers',
        `${MARCH}&project_id=p1&show_details=true`,
      );
      assert.deepEqual(
        [res.status, res.body],
        [
          503,
          { result: 'the report took longer than 0.001 s; try a shorter range or one project' },
        ],
      );
    }
  });
});
