/**
 * The analytics reports' JSON (reporting-api.md §2) and its flattening into table rows, in the
 * column order of `ANALYTICS_COLUMNS`.
 */
import type { Row } from './run.js';

export interface GradebookSummary {
  num_questions: number;
  users: { user_id: string; total_correct_answers: number; total_question_count: number }[];
}

export interface AnswerDetail {
  question: string;
  answer: string;
  correct: boolean;
  submitted_at: string;
  answers?: { text: string; type: string; correct: boolean }[];
  total_submissions?: number;
}

export interface UserAnswers {
  user_id: string;
  projects: { project_id: string; project_title?: string | null; questions: AnswerDetail[] }[];
}

export interface QuizAction {
  actions: number;
  project: { id: string; title: string | null };
}

export interface QuizQuestion {
  question: string;
  num_responses: number;
  num_correct: number;
  answers: { answer: string; correct: boolean; num_responses: number; percent: number }[];
}

export const gradebookRows = (s: GradebookSummary): Row[] =>
  s.users.map((u) => [
    u.user_id,
    u.total_correct_answers,
    u.total_question_count,
    u.total_question_count > 0 ? u.total_correct_answers / u.total_question_count : null,
  ]);

export const userAnswerRows = (list: UserAnswers[]): Row[] =>
  list.flatMap((user) =>
    user.projects.flatMap((project) =>
      project.questions.map((q) => [
        user.user_id,
        project.project_id,
        project.project_title ?? null,
        q.question,
        q.answer,
        q.correct,
        q.submitted_at,
      ]),
    ),
  );

export const quizActionRows = (list: QuizAction[]): Row[] =>
  list.map((a) => [a.project.id, a.project.title, a.actions]);

export const quizSummaryRows = (list: QuizQuestion[]): Row[] =>
  list.flatMap((q) =>
    q.answers.map((a) => [q.question, a.answer, a.correct, a.num_responses, a.percent]),
  );
