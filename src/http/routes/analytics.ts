/**
 * The analytics reports, synchronous JSON (reporting-api.md §2): authenticate → parse → run →
 * `{"result": …}`. Errors use the `result` style: 400 `{"result":"message"}`, 404
 * `{"result":{"message"}}`, and a report over its time limit 503 `{"result":"message"}`;
 * 401/403/429 keep the gateway body.
 */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../domain/errors.js';
import { ANALYTICS_REPORTS, type AnalyticsReportName } from '../../domain/reports/columns.js';
import { parseAnalyticsQuery } from '../../domain/reports/analytics/index.js';
import type { AppContext } from '../context.js';
import { authorize } from '../guard.js';
import { gatewayError, type OpenApiPaths } from '../openapi.js';

const BASE = '/v1/accounts/:account_id/reports/';

const notAllowed = async () => {
  throw new AppError('METHOD_NOT_ALLOWED', 'reports are read with GET or HEAD');
};

export function analyticsRoutes(app: FastifyInstance, ctx: AppContext): void {
  for (const report of ANALYTICS_REPORTS) {
    app.route({
      method: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: BASE + report,
      handler: notAllowed,
    });
    app.get(BASE + report, { config: { errorStyle: 'result' } }, async (request, reply) => {
      const { account_id: accountId } = request.params as { account_id: string };
      await authorize(ctx, request, 'reports', accountId);
      const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const scope = parseAnalyticsQuery(report, accountId, search, new Date());
      const output = await ctx.analytics.run(report, scope);
      reply.header('Cache-Control', 'no-store');
      if (output.truncated) reply.header('X-Report-Truncated', 'true');
      return { result: output.result };
    });
  }
}

const DESCRIPTIONS: Record<AnalyticsReportName, { summary: string; result: string }> = {
  'gradebook/summary': {
    summary: 'Correct answers per known user',
    result:
      '{num_questions, users:[{user_id, total_correct_answers, total_question_count}]}; a user’s latest answer to each question counts.',
  },
  'gradebook/users/answers': {
    summary: 'Each known user’s latest answer per question',
    result:
      '[{user_id, projects:[{project_id, project_title*, questions:[{question, answer, correct, submitted_at, answers*:[{text, type, correct}], total_submissions*}]}]}] — * only with show_details=true.',
  },
  'quiz/actions': {
    summary: 'Submitted quiz answers per project',
    result: '[{actions, project:{id, title}}]',
  },
  'quiz/project/summary': {
    summary: 'Responses per question and answer of one project',
    result:
      '[{question, num_responses, num_correct, answers:[{answer, correct, num_responses, percent}]}]; catalog answers with 0 responses included.',
  },
};

const query = (name: string, description: string, required = false) => ({
  name,
  in: 'query',
  required,
  schema: { type: 'string' },
  description,
});

function operation(report: AnalyticsReportName): Record<string, unknown> {
  const parameters = [
    { name: 'account_id', in: 'path', required: true, schema: { type: 'string' } },
    query(
      'project_id',
      report === 'quiz/project/summary' ? 'the project' : 'only this project',
      report === 'quiz/project/summary',
    ),
    query('start_time', 'YYYY-MM-DD or RFC 3339 with Z or an offset; default: end_time − 6 months'),
    query('end_time', 'YYYY-MM-DD (the whole day) or RFC 3339, inclusive; default: now'),
  ];
  if (report === 'gradebook/users/answers') {
    parameters.push(query('user_id', 'only this user'), query('show_details', 'true or false'));
  }
  const message = { type: 'object', properties: { message: { type: 'string' } } };
  const refused = {
    summary: 'Not allowed',
    responses: { '405': gatewayError('reports are read with GET or HEAD') },
  };
  return {
    post: refused,
    put: refused,
    patch: refused,
    delete: refused,
    options: refused,
    get: {
      summary: DESCRIPTIONS[report].summary,
      description: `Synchronous JSON, wrapped in {"result": …}: ${DESCRIPTIONS[report].result} Not cached. See docs/analytics.md.`,
      security: [{ bearer: [] }, { hapyakKey: [] }],
      parameters,
      responses: {
        '200': {
          description: 'the report',
          headers: { 'X-Report-Truncated': { schema: { type: 'string' } } },
        },
        '400': {
          description: 'a parameter is wrong',
          content: {
            'application/json': {
              schema: { type: 'object', properties: { result: { type: 'string' } } },
            },
          },
        },
        '401': gatewayError('no valid credential'),
        '403': gatewayError('the credential lacks this account or scope'),
        '404': {
          description: 'unknown project',
          content: {
            'application/json': { schema: { type: 'object', properties: { result: message } } },
          },
        },
        '429': gatewayError('the account already runs its share of analytics reports; Retry-After'),
        '503': {
          description: 'the report took longer than the time limit',
          content: {
            'application/json': {
              schema: { type: 'object', properties: { result: { type: 'string' } } },
            },
          },
        },
      },
    },
  };
}

export const analyticsOpenApi: OpenApiPaths = Object.fromEntries(
  ANALYTICS_REPORTS.map((report) => [
    `/v1/accounts/{account_id}/reports/${report}`,
    operation(report),
  ]),
);
