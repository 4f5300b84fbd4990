/**
 * `quiz/actions` and `quiz/project/summary` (reporting-api.md §2, details.md §3): every submitted
 * answer counts, from any viewer, known or not.
 */
import { capped, type AnalyticsDefinition } from './definition.js';
import {
  GRADED_CTE,
  bool,
  catalogCtes,
  count,
  submittedCte,
  text,
  textOrNull,
  titlesCte,
} from './sql.js';

export interface QuizActions {
  actions: number;
  project: { id: string; title: string | null };
}

export interface QuestionSummary {
  question: string;
  num_responses: number;
  num_correct: number;
  answers: { answer: string; correct: boolean; num_responses: number; percent: number }[];
}

export const quizActions: AnalyticsDefinition<QuizActions[]> = {
  queries: (scope, cap) => ({
    projects: `WITH ${submittedCte(scope, { knownUsersOnly: false })},
  ${titlesCte(scope, 'submitted')}
SELECT s.project_id, ti.title, count(*) AS actions
FROM submitted s LEFT JOIN titles ti ON ti.project_id = s.project_id
GROUP BY s.project_id, ti.title
ORDER BY s.project_id
LIMIT ${cap + 1}`,
  }),
  shape: (rows, _scope, cap) => {
    const { rows: projects, truncated } = capped(rows.projects, cap);
    return {
      result: projects.map((r) => ({
        actions: count(r.actions),
        project: { id: String(r.project_id), title: textOrNull(r.title) },
      })),
      truncated,
    };
  },
};

/**
 * The questions listed: those of the quizzes the catalog files under the project (not deleted) and
 * of the quizzes answered in the project, plus any other question text answered there. Each
 * question lists the catalog's answers (0 responses included), then the submitted texts the
 * catalog does not list. One row per (question, answer); a question with neither has one row with
 * a null answer.
 */
export const quizProjectSummary: AnalyticsDefinition<QuestionSummary[]> = {
  queries: (scope, cap) => ({
    answers: `WITH ${catalogCtes(scope.accountId)},
  ${submittedCte(scope, { knownUsersOnly: false })},
  ${GRADED_CTE},
  quizzes AS (
    SELECT annotation_id FROM catalog_questions
    WHERE project_id = ${text(scope.projectId ?? '')} AND NOT deleted
    UNION SELECT annotation_id FROM graded),
  questions AS (
    SELECT annotation_id, question FROM catalog_questions
    WHERE annotation_id IN (SELECT annotation_id FROM quizzes)
    UNION SELECT annotation_id, question FROM graded),
  question_counts AS (
    SELECT annotation_id, question, count(*) AS num_responses,
      count(*) FILTER (WHERE correct) AS num_correct
    FROM graded GROUP BY annotation_id, question),
  answer_rows AS (
    SELECT ca.annotation_id, ca.question, ca.a_text AS answer, ca.a_correct AS correct, ca.a_pos
    FROM catalog_answers ca
    JOIN questions q ON q.annotation_id = ca.annotation_id AND q.question = ca.question
    UNION ALL
    SELECT g.annotation_id, g.question, g.answer, bool_or(g.correct), NULL
    FROM graded g
    WHERE NOT EXISTS (SELECT 1 FROM catalog_answers ca WHERE ca.annotation_id = g.annotation_id
      AND ca.question = g.question AND ca.a_text = g.answer)
    GROUP BY g.annotation_id, g.question, g.answer),
  answer_counts AS (
    SELECT annotation_id, question, answer, count(*) AS num_responses
    FROM graded GROUP BY annotation_id, question, answer)
SELECT q.annotation_id, q.question, coalesce(qc.num_responses, 0) AS num_responses,
  coalesce(qc.num_correct, 0) AS num_correct, ar.answer, ar.correct,
  coalesce(ac.num_responses, 0) AS answer_responses
FROM questions q
LEFT JOIN catalog_questions cq ON cq.annotation_id = q.annotation_id AND cq.question = q.question
LEFT JOIN question_counts qc ON qc.annotation_id = q.annotation_id AND qc.question = q.question
LEFT JOIN answer_rows ar ON ar.annotation_id = q.annotation_id AND ar.question = q.question
LEFT JOIN answer_counts ac
  ON ac.annotation_id = q.annotation_id AND ac.question = q.question AND ac.answer = ar.answer
ORDER BY q.annotation_id, cq.q_pos NULLS LAST, q.question, ar.a_pos NULLS LAST, ar.answer
LIMIT ${cap + 1}`,
  }),
  shape: (rows, _scope, cap) => {
    const { rows: answers, truncated } = capped(rows.answers, cap);
    const result: QuestionSummary[] = [];
    let previous: string | undefined;
    for (const r of answers) {
      const key = JSON.stringify([r.annotation_id, r.question]);
      if (key !== previous) {
        result.push({
          question: String(r.question),
          num_responses: count(r.num_responses),
          num_correct: count(r.num_correct),
          answers: [],
        });
        previous = key;
      }
      if (r.answer === null || r.answer === undefined) continue;
      const question = result[result.length - 1]!;
      const responses = count(r.answer_responses);
      question.answers.push({
        answer: String(r.answer),
        correct: bool(r.correct),
        num_responses: responses,
        percent: percent(responses, question.num_responses),
      });
    }
    return { result, truncated };
  },
};

/** 100 × part ÷ whole rounded to 2 decimals (half up), 0 when whole is 0. */
export function percent(part: number, whole: number): number {
  if (whole === 0) return 0;
  return Math.round((10_000 * part) / whole) / 100;
}
