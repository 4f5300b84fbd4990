/**
 * `gradebook/summary` and `gradebook/users/answers` (reporting-api.md §2, details.md §3): known
 * users only; a user's latest answer to a question (by timestamp, then arrival) is the one that
 * counts. A question is (quiz annotation, trimmed question text).
 */
import { capped, type AnalyticsDefinition, type Row } from './definition.js';
import type { AnalyticsScope } from './params.js';
import {
  GRADED_CTE,
  bool,
  catalogCtes,
  count,
  iso,
  submittedCte,
  text,
  textOrNull,
  titlesCte,
} from './sql.js';

export interface GradebookSummary {
  num_questions: number;
  users: { user_id: string; total_correct_answers: number; total_question_count: number }[];
}

export interface CatalogAnswer {
  text: string;
  type: string | null;
  correct: boolean;
}

export interface AnsweredQuestion {
  question: string;
  answer: string;
  correct: boolean;
  submitted_at: string;
  answers?: CatalogAnswer[];
  total_submissions?: number;
}

export interface UserAnswers {
  user_id: string;
  projects: { project_id: string; project_title?: string | null; questions: AnsweredQuestion[] }[];
}

/** `latest`: each user's latest graded answer per question (optionally one user only). */
function latestCte(userId: string | undefined): string {
  const where = userId === undefined ? '' : `WHERE g.user_id = ${text(userId)}`;
  return `latest AS (
    SELECT * FROM (
      SELECT g.*, row_number() OVER (
          PARTITION BY g.user_id, g.annotation_id, g.question ORDER BY g.ts DESC, g.seq DESC) AS rn
      FROM graded g ${where}) ranked
    WHERE rn = 1)`;
}

function gradedWith(scope: AnalyticsScope): string {
  return `${catalogCtes(scope.accountId)},
  ${submittedCte(scope, { knownUsersOnly: true })},
  ${GRADED_CTE}`;
}

export const gradebookSummary: AnalyticsDefinition<GradebookSummary> = {
  queries: (scope, cap) => ({
    // The questions of a quiz: the catalog's, plus any other question text answered in scope.
    users: `WITH ${gradedWith(scope)},
  ${latestCte(undefined)},
  quiz_questions AS (
    SELECT annotation_id, question FROM catalog_questions
    WHERE annotation_id IN (SELECT annotation_id FROM graded)
    UNION SELECT annotation_id, question FROM graded),
  quiz_sizes AS (SELECT annotation_id, count(*) AS questions FROM quiz_questions GROUP BY annotation_id),
  user_totals AS (
    SELECT uq.user_id, sum(qs.questions) AS total_question_count
    FROM (SELECT DISTINCT user_id, annotation_id FROM graded) uq
    JOIN quiz_sizes qs ON qs.annotation_id = uq.annotation_id
    GROUP BY uq.user_id),
  user_correct AS (
    SELECT user_id, count(*) FILTER (WHERE correct) AS total_correct_answers
    FROM latest GROUP BY user_id)
SELECT c.user_id, c.total_correct_answers, t.total_question_count,
  (SELECT count(*) FROM quiz_questions) AS num_questions
FROM user_correct c JOIN user_totals t ON t.user_id = c.user_id
ORDER BY c.user_id
LIMIT ${cap + 1}`,
  }),
  shape: (rows, _scope, cap) => {
    const { rows: users, truncated } = capped(rows.users, cap);
    return {
      result: {
        num_questions: count(users[0]?.num_questions),
        users: users.map((r) => ({
          user_id: String(r.user_id),
          total_correct_answers: count(r.total_correct_answers),
          total_question_count: count(r.total_question_count),
        })),
      },
      truncated,
    };
  },
};

export const gradebookUserAnswers: AnalyticsDefinition<UserAnswers[]> = {
  queries: (scope, cap): Record<string, string> => {
    const details = scope.showDetails;
    const answers = `WITH ${gradedWith(scope)},
  ${latestCte(scope.userId)}${
    details
      ? `,
  submissions AS (
    SELECT annotation_id, question, count(DISTINCT user_id) AS total_submissions
    FROM graded GROUP BY annotation_id, question),
  ${titlesCte(scope, 'latest')}`
      : ''
  }
SELECT l.user_id, l.project_id, l.annotation_id, l.question, l.answer, l.correct,
  l.ts AS submitted_at${details ? ', ti.title AS project_title, s.total_submissions' : ''}
FROM latest l
LEFT JOIN catalog_questions cq ON cq.annotation_id = l.annotation_id AND cq.question = l.question${
      details
        ? `
LEFT JOIN titles ti ON ti.project_id = l.project_id
LEFT JOIN submissions s ON s.annotation_id = l.annotation_id AND s.question = l.question`
        : ''
    }
ORDER BY l.user_id, l.project_id, l.annotation_id, cq.q_pos NULLS LAST, l.question
LIMIT ${cap + 1}`;
    if (!details) return { answers };
    const byUser = scope.userId === undefined ? '' : ` AND s.user_id = ${text(scope.userId)}`;
    return {
      answers,
      catalog: `WITH ${catalogCtes(scope.accountId)},
  ${submittedCte(scope, { knownUsersOnly: true })}
SELECT ca.annotation_id, ca.question, ca.a_text, ca.a_type, ca.a_correct
FROM catalog_answers ca
WHERE EXISTS (SELECT 1 FROM submitted s
  WHERE s.annotation_id = ca.annotation_id AND s.question = ca.question${byUser})
ORDER BY ca.annotation_id, ca.question, ca.q_pos, ca.a_pos, ca.a_text`,
    };
  },
  shape: (rows, scope, cap) => {
    const { rows: answers, truncated } = capped(rows.answers, cap);
    const catalog = new Map<string, CatalogAnswer[]>();
    for (const r of rows.catalog ?? []) {
      const key = JSON.stringify([r.annotation_id, r.question]);
      const list = catalog.get(key) ?? [];
      list.push({ text: String(r.a_text), type: textOrNull(r.a_type), correct: bool(r.a_correct) });
      catalog.set(key, list);
    }
    const result: UserAnswers[] = [];
    for (const r of answers) {
      let user = result[result.length - 1];
      if (user?.user_id !== String(r.user_id)) {
        user = { user_id: String(r.user_id), projects: [] };
        result.push(user);
      }
      let project = user.projects[user.projects.length - 1];
      if (project?.project_id !== String(r.project_id)) {
        project = scope.showDetails
          ? {
              project_id: String(r.project_id),
              project_title: textOrNull(r.project_title),
              questions: [],
            }
          : { project_id: String(r.project_id), questions: [] };
        user.projects.push(project);
      }
      project.questions.push(answered(r, scope.showDetails, catalog));
    }
    return { result, truncated };
  },
};

function answered(
  r: Row,
  details: boolean,
  catalog: Map<string, CatalogAnswer[]>,
): AnsweredQuestion {
  const entry: AnsweredQuestion = {
    question: String(r.question),
    answer: String(r.answer),
    correct: bool(r.correct),
    submitted_at: iso(r.submitted_at),
  };
  if (details) {
    entry.answers = catalog.get(JSON.stringify([r.annotation_id, r.question])) ?? [];
    entry.total_submissions = count(r.total_submissions);
  }
  return entry;
}
