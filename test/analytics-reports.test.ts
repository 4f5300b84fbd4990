/**
 * The four analytics reports (reporting-api.md §2, details.md §3) over real HTTP against a real
 * server, on a small hand-made set of quiz answers whose results are worked out on paper below.
 *
 * Catalog of account `acme`: project p1 "Birds 101" with quiz q1 —
 *   "Which bird?"      Royal Tern ✓ · Gull · Heron
 *   "How many wings?"  2 ✓ · 4            (type text-choice)
 *   "Best habitat?"    Coast ✓ · Desert   (never answered)
 * and poll1, a *poll* (an event that calls it a quiz is not a quiz answer).
 * Quiz q2 and project p2 ("Fish 101", a title known only from events) are not in the catalog.
 *
 * Answers in March 2024 (✓/✗ = the server's grade; "claims" = the client's `correct`):
 *   a1  u1  p1 q1 Which bird?      Gull           claims true  → ✗ (catalog: Gull is wrong)
 *   a2  u1  p1 q1 Which bird?      " Royal Tern " claims false → ✓ (trimmed, catalog: correct)
 *   a3  u1  p1 q1 How many wings?  4              claims true  → ✗
 *   --  u1  p1 q1 (Submit)                                     → not an answer
 *   a4  u2  p1 q1 Which bird?      Royal Tern     no claim     → ✓
 *   a5  u2  p1 q1 Which bird?      Heron          no claim     → ✗
 *   a6  u2  p1 q1 How many wings?  2              no claim     → ✓
 *   a7  u2  p1 q1 Bonus?           Maybe          claims true  → ✓ (question unknown to the catalog)
 *   a8  anon p1 q1 Which bird?     Pelican        claims true  → ✗ (not a catalog answer)
 *   a9  u1  p2 q2 Fins?            Yes            claims true  → ✓ (quiz unknown: claim used)
 *   a10 u3  p2 q2 Fins?            No             claims false → ✗
 *   a11 u3  p2 q2 Fins?            "Yes "         claims true  → ✓
 *   a12 anon p1 q1 How many wings? 2              no claim     → ✓
 *   --  u1  p1 poll1 (type quiz in the event, poll in the catalog) → not an answer
 *   a13 u1  p1 q1 How many wings?  2  on 2024-04-10            → outside March
 * Account `other` has project pB with an answer: never visible to `acme`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { accessToken, answer, importAll, postCatalog, report } from './helpers/analytics.js';
import { send } from './helpers/http.js';
import { startTestServer, type TestServer } from './helpers/server.js';

const MARCH = 'start_time=2024-03-01&end_time=2024-03-31';

const QUIZ = {
  questions: [
    {
      question: 'Which bird?',
      answers: [
        { text: 'Royal Tern', type: 'choice', correct: true },
        { text: 'Gull', type: 'choice', correct: false },
        { text: 'Heron', type: 'choice', correct: false },
      ],
    },
    {
      question: 'How many wings?',
      answers: [
        { text: '2', type: 'text-choice', correct: true },
        { text: '4', type: 'text-choice', correct: false },
      ],
    },
    {
      question: 'Best habitat?',
      answers: [
        { text: 'Coast', type: 'choice', correct: true },
        { text: 'Desert', type: 'choice', correct: false },
      ],
    },
  ],
};

const WHERE = {
  p1: { project: 'p1', quiz: 'q1' },
  p2: { project: 'p2', quiz: 'q2', extra: { 'Project Title': 'Fish 101' } },
  poll: { project: 'p1', quiz: 'poll1' },
};

/** The answers of the table above: [timestamp, user (null: anonymous), where, question, answer, claim]. */
const ANSWERS: [string, string | null, keyof typeof WHERE, string, string, boolean?][] = [
  ['2024-03-01T10:00:00Z', 'u1', 'p1', 'Which bird?', 'Gull', true], // a1
  ['2024-03-01T10:05:00Z', 'u1', 'p1', 'Which bird?', ' Royal Tern ', false], // a2
  ['2024-03-01T10:06:00Z', 'u1', 'p1', 'How many wings?', '4', true], // a3
  ['2024-03-02T09:00:00Z', 'u2', 'p1', 'Which bird?', 'Royal Tern'], // a4
  ['2024-03-02T09:01:00Z', 'u2', 'p1', 'Which bird?', 'Heron'], // a5
  ['2024-03-02T09:02:00Z', 'u2', 'p1', 'How many wings?', '2'], // a6
  ['2024-03-02T09:03:00Z', 'u2', 'p1', 'Bonus?', 'Maybe', true], // a7
  ['2024-03-03T12:00:00Z', null, 'p1', 'Which bird?', 'Pelican', true], // a8
  ['2024-03-04T08:00:00Z', 'u1', 'p2', 'Fins?', 'Yes', true], // a9
  ['2024-03-04T08:30:00Z', 'u3', 'p2', 'Fins?', 'No', false], // a10
  ['2024-03-05T08:00:00Z', 'u3', 'p2', 'Fins?', 'Yes ', true], // a11
  ['2024-03-06T08:00:00Z', null, 'p1', 'How many wings?', '2'], // a12
  ['2024-03-07T08:00:00Z', 'u1', 'poll', 'Fav?', 'Blue', true], // a poll, not a quiz
  ['2024-04-10T08:00:00Z', 'u1', 'p1', 'How many wings?', '2'], // a13
];

function toEvent([at, user, where, question, text, correct]: (typeof ANSWERS)[number]) {
  return answer({
    ...WHERE[where],
    at,
    question,
    answer: text,
    ...(user === null ? {} : { user }),
    ...(correct === undefined ? {} : { correct }),
  });
}

describe('analytics reports', () => {
  let server: TestServer;
  let token: string;
  let otherToken: string;

  before(async () => {
    server = await startTestServer();
    await server.admin.createAccount({ id: 'acme' });
    await server.admin.createAccount({ id: 'other' });
    token = await accessToken(server, ['acme']);
    otherToken = await accessToken(server, ['other']);

    await postCatalog(server, token, '/v1/accounts/acme/projects', {
      id: 'p1',
      title: 'Birds 101',
    });
    await postCatalog(server, token, '/v1/accounts/acme/projects/p1/annotations', {
      id: 'q1',
      type: 'quiz',
      properties: QUIZ,
    });
    await postCatalog(server, token, '/v1/accounts/acme/projects/p1/annotations', {
      id: 'poll1',
      type: 'poll',
      properties: { poll_type: 'MultipleChoice', prompt: 'Fav?', responses: ['Blue', 'Red'] },
    });

    const submit = {
      event: 'Annotation Action',
      timestamp: '2024-03-01T10:07:00Z',
      properties: {
        'Project ID': 'p1',
        'Session ID': 's-u1',
        'Partner User ID': 'u1',
        'Annotation ID': 'q1',
        'Annotation Type': 'quiz',
        Action: 'Submit',
        'Num Questions': 3,
        'Num Correct': 3,
      },
    };
    await importAll(server, 'acme', [...ANSWERS.map(toEvent), submit]);
    await importAll(server, 'other', [
      answer({
        project: 'pB',
        quiz: 'q1',
        at: '2024-03-04T08:00:00Z',
        user: 'u1',
        question: 'Which bird?',
        answer: 'Gull',
      }),
    ]);
  });
  after(() => server.stop());

  describe('quiz/actions', () => {
    it('counts every submitted answer per project, any viewer, no submit, no poll', async () => {
      // p1: a1 a2 a3 a4 a5 a6 a7 a8 a12 = 9; p2: a9 a10 a11 = 3. Titles: catalog, then events.
      const res = await report(server, token, 'acme', 'quiz/actions', MARCH);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-report-truncated'), null);
      assert.deepEqual(res.body, {
        result: [
          { actions: 9, project: { id: 'p1', title: 'Birds 101' } },
          { actions: 3, project: { id: 'p2', title: 'Fish 101' } },
        ],
      });
    });

    it('filters by project_id', async () => {
      const res = await report(server, token, 'acme', 'quiz/actions', `${MARCH}&project_id=p2`);
      assert.deepEqual(
        [res.status, res.body],
        [200, { result: [{ actions: 3, project: { id: 'p2', title: 'Fish 101' } }] }],
      );
    });

    it('answers an empty list for a known project without answers in range', async () => {
      const res = await report(
        server,
        token,
        'acme',
        'quiz/actions',
        'start_time=2024-02-01&end_time=2024-02-28&project_id=p1',
      );
      assert.deepEqual([res.status, res.body], [200, { result: [] }]);
    });
  });

  describe('gradebook/summary', () => {
    it('counts each known user’s latest answers, graded by the server', async () => {
      // Latest answers: u1 Which bird? a2 ✓, wings a3 ✗, Fins? a9 ✓ → 2 correct;
      //                 u2 Which bird? a5 ✗, wings a6 ✓, Bonus? a7 ✓ → 2; u3 Fins? a11 ✓ → 1.
      // Questions of q1: its 3 catalog questions + Bonus? = 4; of q2: Fins? = 1 → num_questions 5.
      // total_question_count: u1 answered q1 and q2 → 4 + 1 = 5; u2 q1 → 4; u3 q2 → 1.
      const res = await report(server, token, 'acme', 'gradebook/summary', MARCH);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        result: {
          num_questions: 5,
          users: [
            { user_id: 'u1', total_correct_answers: 2, total_question_count: 5 },
            { user_id: 'u2', total_correct_answers: 2, total_question_count: 4 },
            { user_id: 'u3', total_correct_answers: 1, total_question_count: 1 },
          ],
        },
      });
    });

    it('filters by project_id', async () => {
      // p1 only: q1's 4 questions; u1: a2 ✓ a3 ✗ → 1; u2: a5 ✗ a6 ✓ a7 ✓ → 2.
      const res = await report(
        server,
        token,
        'acme',
        'gradebook/summary',
        `${MARCH}&project_id=p1`,
      );
      assert.deepEqual(res.body, {
        result: {
          num_questions: 4,
          users: [
            { user_id: 'u1', total_correct_answers: 1, total_question_count: 4 },
            { user_id: 'u2', total_correct_answers: 2, total_question_count: 4 },
          ],
        },
      });
    });

    it('takes a later answer into account when the range includes it', async () => {
      // Through 2024-04-10 (date-only end: the whole day): a13 becomes u1's latest wings answer,
      // 2 ✓, so u1 has 3 correct.
      const res = await report(
        server,
        token,
        'acme',
        'gradebook/summary',
        'start_time=2024-03-01&end_time=2024-04-10',
      );
      assert.deepEqual(res.body, {
        result: {
          num_questions: 5,
          users: [
            { user_id: 'u1', total_correct_answers: 3, total_question_count: 5 },
            { user_id: 'u2', total_correct_answers: 2, total_question_count: 4 },
            { user_id: 'u3', total_correct_answers: 1, total_question_count: 1 },
          ],
        },
      });
    });

    it('answers zero questions and no users when nothing was answered', async () => {
      const res = await report(
        server,
        token,
        'acme',
        'gradebook/summary',
        'start_time=2024-02-01&end_time=2024-02-28',
      );
      assert.deepEqual(res.body, { result: { num_questions: 0, users: [] } });
    });
  });

  describe('gradebook/users/answers', () => {
    it('lists each known user’s latest answer per question, by user, project, quiz order', async () => {
      const res = await report(server, token, 'acme', 'gradebook/users/answers', MARCH);
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        result: [
          {
            user_id: 'u1',
            projects: [
              {
                project_id: 'p1',
                questions: [
                  {
                    question: 'Which bird?',
                    answer: 'Royal Tern',
                    correct: true,
                    submitted_at: '2024-03-01T10:05:00.000Z',
                  },
                  {
                    question: 'How many wings?',
                    answer: '4',
                    correct: false,
                    submitted_at: '2024-03-01T10:06:00.000Z',
                  },
                ],
              },
              {
                project_id: 'p2',
                questions: [
                  {
                    question: 'Fins?',
                    answer: 'Yes',
                    correct: true,
                    submitted_at: '2024-03-04T08:00:00.000Z',
                  },
                ],
              },
            ],
          },
          {
            user_id: 'u2',
            projects: [
              {
                project_id: 'p1',
                questions: [
                  {
                    question: 'Which bird?',
                    answer: 'Heron',
                    correct: false,
                    submitted_at: '2024-03-02T09:01:00.000Z',
                  },
                  {
                    question: 'How many wings?',
                    answer: '2',
                    correct: true,
                    submitted_at: '2024-03-02T09:02:00.000Z',
                  },
                  {
                    question: 'Bonus?',
                    answer: 'Maybe',
                    correct: true,
                    submitted_at: '2024-03-02T09:03:00.000Z',
                  },
                ],
              },
            ],
          },
          {
            user_id: 'u3',
            projects: [
              {
                project_id: 'p2',
                questions: [
                  {
                    question: 'Fins?',
                    answer: 'Yes',
                    correct: true,
                    submitted_at: '2024-03-05T08:00:00.000Z',
                  },
                ],
              },
            ],
          },
        ],
      });
    });

    it('adds the title, the catalog answers and total_submissions with show_details=true', async () => {
      // total_submissions = distinct known users who answered: Which bird? u1 u2 → 2;
      // wings u1 u2 → 2 (the anonymous a12 is not a user); Bonus? u2 → 1.
      const res = await report(
        server,
        token,
        'acme',
        'gradebook/users/answers',
        `${MARCH}&user_id=u2&show_details=true`,
      );
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        result: [
          {
            user_id: 'u2',
            projects: [
              {
                project_id: 'p1',
                project_title: 'Birds 101',
                questions: [
                  {
                    question: 'Which bird?',
                    answer: 'Heron',
                    correct: false,
                    submitted_at: '2024-03-02T09:01:00.000Z',
                    answers: [
                      { text: 'Royal Tern', type: 'choice', correct: true },
                      { text: 'Gull', type: 'choice', correct: false },
                      { text: 'Heron', type: 'choice', correct: false },
                    ],
                    total_submissions: 2,
                  },
                  {
                    question: 'How many wings?',
                    answer: '2',
                    correct: true,
                    submitted_at: '2024-03-02T09:02:00.000Z',
                    answers: [
                      { text: '2', type: 'text-choice', correct: true },
                      { text: '4', type: 'text-choice', correct: false },
                    ],
                    total_submissions: 2,
                  },
                  {
                    question: 'Bonus?',
                    answer: 'Maybe',
                    correct: true,
                    submitted_at: '2024-03-02T09:03:00.000Z',
                    answers: [],
                    total_submissions: 1,
                  },
                ],
              },
            ],
          },
        ],
      });
    });

    it('gives an event-only project its events’ title and an unknown question no answers', async () => {
      // Fins?: u1 and u3 answered → total_submissions 2.
      const res = await report(
        server,
        token,
        'acme',
        'gradebook/users/answers',
        `${MARCH}&user_id=u3&show_details=TRUE`,
      );
      assert.deepEqual(res.body, {
        result: [
          {
            user_id: 'u3',
            projects: [
              {
                project_id: 'p2',
                project_title: 'Fish 101',
                questions: [
                  {
                    question: 'Fins?',
                    answer: 'Yes',
                    correct: true,
                    submitted_at: '2024-03-05T08:00:00.000Z',
                    answers: [],
                    total_submissions: 2,
                  },
                ],
              },
            ],
          },
        ],
      });
    });

    it('combines user_id and project_id, show_details=false leaves the details out', async () => {
      const res = await report(
        server,
        token,
        'acme',
        'gradebook/users/answers',
        `${MARCH}&user_id=u1&project_id=p2&show_details=false`,
      );
      assert.deepEqual(res.body, {
        result: [
          {
            user_id: 'u1',
            projects: [
              {
                project_id: 'p2',
                questions: [
                  {
                    question: 'Fins?',
                    answer: 'Yes',
                    correct: true,
                    submitted_at: '2024-03-04T08:00:00.000Z',
                  },
                ],
              },
            ],
          },
        ],
      });
    });

    it('answers an empty list for a user without answers', async () => {
      const res = await report(
        server,
        token,
        'acme',
        'gradebook/users/answers',
        `${MARCH}&user_id=nobody`,
      );
      assert.deepEqual([res.status, res.body], [200, { result: [] }]);
    });
  });

  describe('quiz/project/summary', () => {
    it('lists every question and catalog answer of the project, with responses and percents', async () => {
      // Which bird?: a1 Gull, a2 Royal Tern, a4 Royal Tern, a5 Heron, a8 Pelican = 5 responses,
      //   2 correct; Royal Tern 2/5 = 40 %, Gull, Heron, Pelican 1/5 = 20 % each; Pelican is not a
      //   catalog answer, so it comes last and is not correct.
      // How many wings?: a3 4, a6 2, a12 2 = 3 responses, 2 correct; 2: 2/3 = 66.666… → 66.67,
      //   4: 1/3 = 33.333… → 33.33.
      // Best habitat?: no responses: both catalog answers listed with 0 and percent 0.
      // Bonus?: not in the catalog (after the catalog's questions): a7, claimed correct → 1/1.
      const res = await report(
        server,
        token,
        'acme',
        'quiz/project/summary',
        `${MARCH}&project_id=p1`,
      );
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, {
        result: [
          {
            question: 'Which bird?',
            num_responses: 5,
            num_correct: 2,
            answers: [
              { answer: 'Royal Tern', correct: true, num_responses: 2, percent: 40 },
              { answer: 'Gull', correct: false, num_responses: 1, percent: 20 },
              { answer: 'Heron', correct: false, num_responses: 1, percent: 20 },
              { answer: 'Pelican', correct: false, num_responses: 1, percent: 20 },
            ],
          },
          {
            question: 'How many wings?',
            num_responses: 3,
            num_correct: 2,
            answers: [
              { answer: '2', correct: true, num_responses: 2, percent: 66.67 },
              { answer: '4', correct: false, num_responses: 1, percent: 33.33 },
            ],
          },
          {
            question: 'Best habitat?',
            num_responses: 0,
            num_correct: 0,
            answers: [
              { answer: 'Coast', correct: true, num_responses: 0, percent: 0 },
              { answer: 'Desert', correct: false, num_responses: 0, percent: 0 },
            ],
          },
          {
            question: 'Bonus?',
            num_responses: 1,
            num_correct: 1,
            answers: [{ answer: 'Maybe', correct: true, num_responses: 1, percent: 100 }],
          },
        ],
      });
    });

    it('uses the clients’ claims for a quiz the catalog does not know', async () => {
      // Fins?: a9 Yes ✓, a10 No ✗, a11 "Yes " ✓ (trimmed) = 3 responses, 2 correct;
      // answers by text: No 1/3 = 33.33, Yes 2/3 = 66.67.
      const res = await report(
        server,
        token,
        'acme',
        'quiz/project/summary',
        `${MARCH}&project_id=p2`,
      );
      assert.deepEqual(res.body, {
        result: [
          {
            question: 'Fins?',
            num_responses: 3,
            num_correct: 2,
            answers: [
              { answer: 'No', correct: false, num_responses: 1, percent: 33.33 },
              { answer: 'Yes', correct: true, num_responses: 2, percent: 66.67 },
            ],
          },
        ],
      });
    });

    it('lists the catalog quiz with zero responses when nothing was answered in range', async () => {
      const res = await report(
        server,
        token,
        'acme',
        'quiz/project/summary',
        'start_time=2024-02-01&end_time=2024-02-28&project_id=p1',
      );
      const zero = (answer: string, correct: boolean) => ({
        answer,
        correct,
        num_responses: 0,
        percent: 0,
      });
      assert.deepEqual(res.body, {
        result: [
          {
            question: 'Which bird?',
            num_responses: 0,
            num_correct: 0,
            answers: [zero('Royal Tern', true), zero('Gull', false), zero('Heron', false)],
          },
          {
            question: 'How many wings?',
            num_responses: 0,
            num_correct: 0,
            answers: [zero('2', true), zero('4', false)],
          },
          {
            question: 'Best habitat?',
            num_responses: 0,
            num_correct: 0,
            answers: [zero('Coast', true), zero('Desert', false)],
          },
        ],
      });
    });
  });

  describe('unknown projects', () => {
    for (const name of [
      'gradebook/summary',
      'gradebook/users/answers',
      'quiz/actions',
      'quiz/project/summary',
    ]) {
      it(`${name}: 404 for a project neither in the catalog nor in the events`, async () => {
        const res = await report(server, token, 'acme', name, `${MARCH}&project_id=nope`);
        assert.deepEqual(
          [res.status, res.body],
          [404, { result: { message: 'project "nope" not found in this account' } }],
        );
      });
    }

    it('answers the same 404 for another account’s project', async () => {
      const mine = await report(
        server,
        otherToken,
        'other',
        'quiz/actions',
        `${MARCH}&project_id=pB`,
      );
      assert.deepEqual(mine.body, { result: [{ actions: 1, project: { id: 'pB', title: null } }] });
      const res = await report(
        server,
        token,
        'acme',
        'quiz/project/summary',
        `${MARCH}&project_id=pB`,
      );
      assert.deepEqual(
        [res.status, res.body],
        [404, { result: { message: 'project "pB" not found in this account' } }],
      );
    });

    it('knows a project from its events alone, outside the range too', async () => {
      const res = await report(
        server,
        token,
        'acme',
        'quiz/actions',
        'start_time=2024-02-01&end_time=2024-02-28&project_id=p2',
      );
      assert.deepEqual([res.status, res.body], [200, { result: [] }]);
    });
  });

  describe('a deleted catalog quiz', () => {
    it('keeps grading the answers given to it', async () => {
      // Account `school`: quiz qz ("2+2?": 4 ✓, 5) in project px, deleted after u1 answered 5
      // claiming it correct. The deleted quiz still grades: u1 has 0 correct; the project, known
      // from its events, lists the quiz's question with both catalog answers.
      await server.admin.createAccount({ id: 'school' });
      const school = await accessToken(server, ['school']);
      await postCatalog(server, school, '/v1/accounts/school/projects', {
        id: 'px',
        title: 'Maths',
      });
      await postCatalog(server, school, '/v1/accounts/school/projects/px/annotations', {
        id: 'qz',
        type: 'quiz',
        properties: {
          questions: [
            {
              question: '2+2?',
              answers: [
                { text: '4', type: 'choice', correct: true },
                { text: '5', type: 'choice', correct: false },
              ],
            },
          ],
        },
      });
      await importAll(server, 'school', [
        answer({
          at: '2024-03-10T10:00:00Z',
          user: 'u1',
          project: 'px',
          quiz: 'qz',
          question: '2+2?',
          answer: '5',
          correct: true,
        }),
      ]);
      const deleted = await send(`${server.url}/v1/accounts/school/projects/px/annotations/qz`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${school}` },
      });
      assert.equal(deleted.status, 204);

      const summary = await report(server, school, 'school', 'gradebook/summary', MARCH);
      assert.deepEqual(summary.body, {
        result: {
          num_questions: 1,
          users: [{ user_id: 'u1', total_correct_answers: 0, total_question_count: 1 }],
        },
      });
      const project = await report(
        server,
        school,
        'school',
        'quiz/project/summary',
        `${MARCH}&project_id=px`,
      );
      assert.deepEqual(project.body, {
        result: [
          {
            question: '2+2?',
            num_responses: 1,
            num_correct: 0,
            answers: [
              { answer: '4', correct: true, num_responses: 0, percent: 0 },
              { answer: '5', correct: false, num_responses: 1, percent: 100 },
            ],
          },
        ],
      });
    });
  });

  describe('credentials', () => {
    it('401 without a credential or with a malformed token, in the gateway body', async () => {
      const none = await report(server, undefined, 'acme', 'gradebook/summary', MARCH);
      assert.deepEqual(
        [none.status, none.body],
        [
          401,
          [
            {
              error_code: 'UNAUTHORIZED',
              message:
                'a credential is required: Authorization: Bearer <access token or reporting API key>, or X-Hapyak-API-Key',
            },
          ],
        ],
      );
      const bad = await report(server, 'not-a-token', 'acme', 'quiz/actions', MARCH);
      assert.deepEqual(
        [bad.status, bad.body],
        [401, [{ error_code: 'UNAUTHORIZED', message: 'the access token is not valid' }]],
      );
    });

    it('403 for another account, existing or not, before any validation', async () => {
      for (const account of ['acme', 'nosuch']) {
        const res = await report(server, otherToken, account, 'quiz/actions', 'start_time=bad');
        assert.deepEqual(
          [res.status, res.body],
          [
            403,
            [
              {
                error_code: 'ACCESS_DENIED',
                message: 'this credential may not do that on this account',
              },
            ],
          ],
        );
      }
    });

    it('405 for anything but GET or HEAD, in the gateway body', async () => {
      const url = `${server.url}/v1/accounts/acme/reports/gradebook/summary`;
      const head = await send(url, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.deepEqual([head.status, head.text], [200, '']);
      const res = await send(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      assert.deepEqual(
        [res.status, res.body],
        [405, [{ error_code: 'METHOD_NOT_ALLOWED', message: 'reports are read with GET or HEAD' }]],
      );
    });

    it('accepts the analytics scope alone', async () => {
      const analytics = await accessToken(server, ['acme'], ['video-cloud/analytics/read']);
      const res = await report(server, analytics, 'acme', 'quiz/actions', `${MARCH}&project_id=p2`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });
  });
});
