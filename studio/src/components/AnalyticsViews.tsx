/**
 * The four analytics reports (synchronous JSON): the gradebook with its drill-down into one
 * viewer's answers, the quiz summary of one project with the correct answers marked, quiz actions
 * per project, and every viewer's answers.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  gradebookRows,
  quizActionRows,
  quizSummaryRows,
  userAnswerRows,
  type GradebookSummary,
  type QuizAction,
  type QuizQuestion,
  type UserAnswers,
} from '../analytics.js';
import type { Session } from '../api.js';
import type { AnalyticsReportName } from '../domain.js';
import { formatCell, formatInteger } from '../format.js';
import { useRun, useStudio } from '../hooks.js';
import { analyticsProject, analyticsUrl, type Query } from '../query.js';
import { ANALYTICS_COLUMNS, reportInfo } from '../reports.js';
import type { Progress } from '../run.js';
import { Bars } from './Chart.js';
import { MAX_BARS } from './EngagementCharts.js';
import { DataTable } from './DataTable.js';
import { DownloadButton, EmptyNotice } from './Common.js';
import { ErrorNotice, RunStatus } from './Status.js';

async function getResult<T>(
  session: Session,
  url: string,
  signal: AbortSignal,
  onProgress: (p: Progress) => void,
): Promise<T> {
  onProgress({ phase: 'requesting', startedAt: Date.now() });
  return (await session.json<{ result: T }>(url, { signal })).result;
}

/** "Download JSON": the API's own document, as it answers the same request. */
function DownloadJson({ url, name }: { url: string; name: string }) {
  const { session } = useStudio();
  return (
    <DownloadButton
      label="Download JSON"
      fetchFile={async (signal) => {
        const response = await session.get(url, { signal });
        if (!response.ok) throw await session.failure(response);
        return { blob: await response.blob(), name };
      }}
    />
  );
}

const fileName = (report: AnalyticsReportName, q: Query, suffix = '') =>
  `${report.replaceAll('/', '_')}${suffix}_${q.start}_${q.end}.json`;

/** Says which filters do not apply: these reports take one project and no experience. */
function ProjectFilterNote({ query }: { query: Query }) {
  const notes: string[] = [];
  if (query.projectIds.length > 1) {
    notes.push(
      `Quiz and gradebook reports take one project: with ${query.projectIds.length} chosen, this covers every project.`,
    );
  }
  if (query.experienceIds.length > 0) {
    notes.push('The experience filter does not apply to quiz and gradebook reports.');
  }
  if (notes.length === 0) return null;
  return <p class="notice notice-info">{notes.join(' ')}</p>;
}

function UserAnswersPanel({
  userId,
  query,
  onClose,
}: {
  userId: string;
  query: Query;
  onClose: () => void;
}) {
  const { session } = useStudio();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [userId]);
  const url = analyticsUrl('gradebook/users/answers', query, {
    user_id: userId,
    show_details: 'true',
  });
  const run = useRun<UserAnswers[]>(
    (signal, onProgress) => getResult(session, url, signal, onProgress),
    [session, url],
  );
  return (
    <section class="drilldown" data-user={userId} aria-labelledby="drilldown-title">
      <button type="button" class="back" onClick={onClose}>
        ← Back to the gradebook
      </button>
      <h3 id="drilldown-title" ref={heading} tabIndex={-1}>
        Answers of {userId}
      </h3>
      {run.state === 'running' ? <RunStatus progress={run.progress} /> : null}
      {run.state === 'error' ? <ErrorNotice error={run.error} onRetry={run.retry} /> : null}
      {run.state === 'done' ? <UserAnswersBody list={run.value} query={query} /> : null}
    </section>
  );
}

function UserAnswersBody({ list, query }: { list: UserAnswers[]; query: Query }) {
  const projects = list.flatMap((u) => u.projects);
  if (projects.length === 0) return <EmptyNotice query={query} what="answers" />;
  const questions = projects.flatMap((p) => p.questions);
  const right = questions.filter((q) => q.correct).length;
  return (
    <>
      <p class="summary" data-answers={questions.length}>
        {right} of {questions.length} latest answers correct.
      </p>
      {projects.map((project) => (
        <div class="project-answers">
          <h4>{project.project_title ?? project.project_id}</h4>
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Question</th>
                  <th scope="col">Answer</th>
                  <th scope="col">Result</th>
                  <th scope="col">Correct answer</th>
                  <th scope="col">Submitted</th>
                  <th scope="col" class="num">
                    Viewers who answered
                  </th>
                </tr>
              </thead>
              <tbody>
                {project.questions.map((q) => (
                  <tr class={q.correct ? 'answer-right' : 'answer-wrong'}>
                    <td>{q.question}</td>
                    <td>{q.answer}</td>
                    <td>{q.correct ? '✓ Correct' : '✗ Wrong'}</td>
                    <td>
                      {(q.answers ?? [])
                        .filter((a) => a.correct)
                        .map((a) => a.text)
                        .join(', ') || '—'}
                    </td>
                    <td>{formatCell(q.submitted_at, 'timestamp')}</td>
                    <td class="num">
                      {q.total_submissions !== undefined ? formatInteger(q.total_submissions) : '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
    </>
  );
}

const BANDS = ['0–19%', '20–39%', '40–59%', '60–79%', '80–99%', '100%'];

/** Viewers per score band: a picture of the class, where 500 bars of viewers would be noise. */
function scoreBands(users: GradebookSummary['users']) {
  const counts = BANDS.map(() => 0);
  for (const u of users) {
    if (u.total_question_count === 0) continue;
    const score = u.total_correct_answers / u.total_question_count;
    const band = score >= 1 ? 5 : Math.min(4, Math.floor(score * 5));
    counts[band]! += 1;
  }
  return { labels: BANDS, series: [{ name: 'Viewers', values: counts }] };
}

function Gradebook({ query }: { query: Query }) {
  const { session } = useStudio();
  const [user, setUser] = useState<string | undefined>();
  const url = analyticsUrl('gradebook/summary', query);
  useEffect(() => setUser(undefined), [url]);
  const run = useRun<GradebookSummary>(
    (signal, onProgress) => getResult(session, url, signal, onProgress),
    [session, url],
  );
  const columns = ANALYTICS_COLUMNS['gradebook/summary'];
  const value = run.state === 'done' ? run.value : undefined;
  const rows = useMemo(() => (value ? gradebookRows(value) : []), [value]);
  const chart = useMemo(() => scoreBands(value?.users ?? []), [value]);
  if (run.state === 'running') return <RunStatus progress={run.progress} />;
  if (run.state === 'error') return <ErrorNotice error={run.error} onRetry={run.retry} />;
  const summary = run.value;
  return (
    <>
      {user ? (
        <UserAnswersPanel userId={user} query={query} onClose={() => setUser(undefined)} />
      ) : null}
      <div hidden={user !== undefined}>
        <ProjectFilterNote query={query} />
        {summary.users.length === 0 ? (
          <EmptyNotice query={query} what="quiz answers by known viewers" />
        ) : (
          <>
            <p class="summary">
              {formatInteger(summary.users.length)} viewers · {formatInteger(summary.num_questions)}{' '}
              questions in the quizzes answered.
            </p>
            <Bars
              id="gradebook"
              title="Viewers by score (correct answers ÷ questions of the quizzes they answered)"
              labels={chart.labels}
              series={chart.series}
              format={formatInteger}
              summary={`How many viewers scored in each of ${chart.labels.length} bands.`}
            />
            <section class="table-section" aria-label="Viewers">
              <div class="table-head">
                <p>Choose a viewer to see their answers.</p>
                <DownloadJson url={url} name={fileName('gradebook/summary', query)} />
              </div>
              <DataTable
                columns={columns}
                rows={rows}
                caption="Gradebook"
                renderCell={(column, row) =>
                  column.key === 'user_id' ? (
                    <button
                      type="button"
                      class="link"
                      data-user-id={String(row[0])}
                      onClick={() => setUser(String(row[0]))}
                    >
                      {String(row[0])}
                    </button>
                  ) : undefined
                }
              />
            </section>
          </>
        )}
      </div>
    </>
  );
}

function QuizQuestions({ project, query }: { project: string; query: Query }) {
  const { session } = useStudio();
  const url = analyticsUrl('quiz/project/summary', query, { project_id: project });
  const run = useRun<QuizQuestion[]>(
    (signal, onProgress) => getResult(session, url, signal, onProgress),
    [session, url],
  );
  const value = run.state === 'done' ? run.value : undefined;
  const charts = useMemo(
    () =>
      (value ?? []).map((q) => ({
        question: q,
        labels: q.answers.map((a) => (a.correct ? `✓ ${a.answer}` : a.answer)),
        series: [{ name: 'Responses', values: q.answers.map((a) => a.num_responses) }],
        marked: { flags: q.answers.map((a) => a.correct), label: 'Correct answer (✓)' },
      })),
    [value],
  );
  const rows = useMemo(() => (value ? quizSummaryRows(value) : []), [value]);
  if (run.state === 'running') return <RunStatus progress={run.progress} />;
  if (run.state === 'error') return <ErrorNotice error={run.error} onRetry={run.retry} />;
  if (run.value.length === 0) return <EmptyNotice query={query} what="quiz questions" />;
  return (
    <>
      <div class="chart-grid">
        {charts.map((c) => (
          <Bars
            id="quiz-question"
            title={c.question.question}
            labels={c.labels}
            series={c.series}
            marked={c.marked}
            format={formatInteger}
            note={`${formatInteger(c.question.num_responses)} responses, ${formatInteger(c.question.num_correct)} correct.`}
            summary={`Responses to each of ${c.labels.length} answers; the correct one is marked.`}
          />
        ))}
      </div>
      <section class="table-section" aria-label="Answers">
        <div class="table-head">
          <p>{formatInteger(rows.length)} answers</p>
          <DownloadJson url={url} name={fileName('quiz/project/summary', query, `_${project}`)} />
        </div>
        <DataTable
          columns={ANALYTICS_COLUMNS['quiz/project/summary']}
          rows={rows}
          caption="Quiz summary"
        />
      </section>
    </>
  );
}

/** Picks the project from those with quiz answers in range (quiz/actions), then shows it. */
function QuizSummary({ query }: { query: Query }) {
  const { session } = useStudio();
  const url = analyticsUrl('quiz/actions', query);
  const run = useRun<QuizAction[]>(
    (signal, onProgress) => getResult(session, url, signal, onProgress),
    [session, url],
  );
  const [chosen, setChosen] = useState<string | undefined>();
  useEffect(() => setChosen(undefined), [url]);
  if (run.state === 'running') return <RunStatus progress={run.progress} />;
  if (run.state === 'error') return <ErrorNotice error={run.error} onRetry={run.retry} />;
  const projects = [...run.value].sort((a, b) => b.actions - a.actions);
  if (projects.length === 0) return <EmptyNotice query={query} what="quiz answers" />;
  const fromFilter = analyticsProject(query);
  const project =
    chosen ??
    (fromFilter && projects.some((p) => p.project.id === fromFilter)
      ? fromFilter
      : projects[0]!.project.id);
  return (
    <>
      <label class="inline-field">
        Project{' '}
        <select
          value={project}
          onChange={(e) => setChosen(e.currentTarget.value)}
          data-field="quiz-project"
        >
          {projects.map((p) => (
            <option value={p.project.id}>
              {p.project.title ?? p.project.id} ({formatInteger(p.actions)} answers)
            </option>
          ))}
        </select>
      </label>
      <QuizQuestions key={project} project={project} query={query} />
    </>
  );
}

function QuizActions({ query }: { query: Query }) {
  const { session } = useStudio();
  const url = analyticsUrl('quiz/actions', query);
  const run = useRun<QuizAction[]>(
    (signal, onProgress) => getResult(session, url, signal, onProgress),
    [session, url],
  );
  const value = run.state === 'done' ? run.value : undefined;
  const data = useMemo(() => {
    const list = [...(value ?? [])].sort((a, b) => b.actions - a.actions).slice(0, MAX_BARS);
    return {
      labels: list.map((a) => a.project.title ?? a.project.id),
      series: [{ name: 'Answers', values: list.map((a) => a.actions) }],
      rows: value ? quizActionRows(value) : [],
    };
  }, [value]);
  if (run.state === 'running') return <RunStatus progress={run.progress} />;
  if (run.state === 'error') return <ErrorNotice error={run.error} onRetry={run.retry} />;
  if (run.value.length === 0) return <EmptyNotice query={query} what="quiz answers" />;
  return (
    <>
      <ProjectFilterNote query={query} />
      <Bars
        id="quiz-actions"
        title="Quiz answers submitted per project"
        labels={data.labels}
        series={data.series}
        format={formatInteger}
        summary={`Answers submitted in ${data.labels.length} projects.`}
      />
      <section class="table-section" aria-label="Projects">
        <div class="table-head">
          <p>{formatInteger(data.rows.length)} projects</p>
          <DownloadJson url={url} name={fileName('quiz/actions', query)} />
        </div>
        <DataTable
          columns={ANALYTICS_COLUMNS['quiz/actions']}
          rows={data.rows}
          caption="Quiz actions"
        />
      </section>
    </>
  );
}

function AllAnswers({ query }: { query: Query }) {
  const { session } = useStudio();
  const url = analyticsUrl('gradebook/users/answers', query, { show_details: 'true' });
  const run = useRun<UserAnswers[]>(
    (signal, onProgress) => getResult(session, url, signal, onProgress),
    [session, url],
  );
  const value = run.state === 'done' ? run.value : undefined;
  const rows = useMemo(() => (value ? userAnswerRows(value) : []), [value]);
  if (run.state === 'running') return <RunStatus progress={run.progress} />;
  if (run.state === 'error') return <ErrorNotice error={run.error} onRetry={run.retry} />;
  if (rows.length === 0) return <EmptyNotice query={query} what="quiz answers by known viewers" />;
  return (
    <>
      <ProjectFilterNote query={query} />
      <section class="table-section" aria-label="Answers">
        <div class="table-head">
          <p>{formatInteger(rows.length)} answers</p>
          <DownloadJson url={url} name={fileName('gradebook/users/answers', query)} />
        </div>
        <DataTable
          columns={ANALYTICS_COLUMNS['gradebook/users/answers']}
          rows={rows}
          caption={reportInfo('gradebook/users/answers').title}
        />
      </section>
    </>
  );
}

export function AnalyticsReport({ report, query }: { report: AnalyticsReportName; query: Query }) {
  switch (report) {
    case 'gradebook/summary':
      return <Gradebook query={query} />;
    case 'gradebook/users/answers':
      return <AllAnswers query={query} />;
    case 'quiz/actions':
      return <QuizActions query={query} />;
    case 'quiz/project/summary':
      return <QuizSummary query={query} />;
  }
}
