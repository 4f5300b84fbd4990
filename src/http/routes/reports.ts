/**
 * The engagement reports (reporting-api.md §1): GET /api/reports/v2/{report}, asynchronous —
 * 202 while the job runs, 200 with the stored result streamed in the asked format. The order of
 * checks follows §4's precedence: authentication → unknown report → validation → existing job
 * or cached result → rate limit → new job.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { AppError, badRequest } from '../../domain/errors.js';
import {
  ENGAGEMENT_REPORT_NAMES,
  ENGAGEMENT_REPORTS,
  FORMATS,
  type EngagementReportName,
  type Format,
} from '../../domain/reports/columns.js';
import { dayOf } from '../../domain/reports/dates.js';
import { parseReportQuery } from '../../domain/reports/request.js';
import { grants } from '../../domain/scopes.js';
import type { ReportOutcome } from '../../jobs/service.js';
import type { AppContext } from '../context.js';
import { authenticate } from '../guard.js';
import { gatewayError, type OpenApiPaths } from '../openapi.js';

const PATHS = ['/api/reports/v2/:report', '/api/reports/v2/api/reports/v2/:report'] as const;

const CONTENT_TYPES: Record<Format, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
};

function isReport(name: string): name is EngagementReportName {
  return Object.hasOwn(ENGAGEMENT_REPORTS, name);
}

function pending(reply: FastifyReply, outcome: Extract<ReportOutcome, { state: 'pending' }>) {
  const { job } = outcome;
  reply.status(202).header('Retry-After', String(Math.max(1, outcome.retryAfter)));
  return reply.send({
    status: job.state === 'running' ? 'processing' : 'queued',
    report: job.report,
    request_id: job.id,
    queued_at: job.created_at.toISOString(),
  });
}

async function done(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  outcome: Extract<ReportOutcome, { state: 'done' }>,
  format: Format,
) {
  const { job } = outcome;
  const etag = `"${job.id}.${format}"`;
  reply.header('ETag', etag).header('Vary', 'Accept-Encoding');
  reply.header('X-Report-Rows', String(job.rows ?? 0));
  reply.header('X-Report-Generated-At', (job.finished_at ?? job.created_at).toISOString());
  if (job.truncated) reply.header('X-Report-Truncated', 'true');
  if (request.headers['if-none-match']?.split(/\s*,\s*/).includes(etag))
    return reply.status(304).send();
  reply.header('Content-Type', CONTENT_TYPES[format]);
  if (format === 'csv') {
    reply.header(
      'Content-Disposition',
      `attachment; filename="${job.report}_${job.scope.start}_${job.scope.end}.csv"`,
    );
  }
  const { stream, bytes } = await ctx.reports.open(job, format);
  if (request.method === 'HEAD') {
    stream.destroy();
    return reply.header('Content-Length', String(bytes)).send();
  }
  if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    reply.header('Content-Encoding', 'gzip');
    // pipeline, not pipe: a client leaving mid-download destroys the source too, which gives
    // back what it holds (on PostgreSQL, the connection its COPY runs on).
    const gzip = createGzip();
    pipeline(stream, gzip).catch(() => undefined);
    return reply.send(gzip);
  }
  return reply.header('Content-Length', String(bytes)).send(stream);
}

export function reportsRoutes(app: FastifyInstance, ctx: AppContext): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const principal = await authenticate(ctx, request);
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const asked = new URLSearchParams(search).get('account_id') || undefined;
    if (asked !== undefined && !principal.accounts.includes(asked)) {
      throw new AppError('ACCESS_DENIED', 'this credential may not read reports of that account');
    }
    if (!grants(principal.scopes, 'reports')) {
      throw new AppError('ACCESS_DENIED', 'this credential lacks a reporting scope');
    }
    const { report } = request.params as { report: string };
    if (!isReport(report)) {
      throw new AppError(
        'RESOURCE_NOT_FOUND',
        `no report named ${report}; valid names: ${ENGAGEMENT_REPORT_NAMES.join(', ')}`,
      );
    }
    const query = parseReportQuery(search, dayOf(new Date()));
    const accountId =
      asked ?? (principal.accounts.length === 1 ? principal.accounts[0] : undefined);
    if (accountId === undefined) {
      throw badRequest(
        'account_id',
        `account_id is required: this credential covers ${principal.accounts.length} accounts`,
      );
    }
    const scope = {
      accountId,
      start: query.start,
      end: query.end,
      projectIds: query.projectIds,
      experienceIds: query.experienceIds,
    };
    let outcome = await ctx.reports.request(report, scope);
    if (outcome.state === 'pending' && !query.sendStatus) {
      outcome = await ctx.reports.wait(outcome.job, ctx.config.reportWaitSeconds * 1000);
    }
    switch (outcome.state) {
      case 'pending':
        return pending(reply, outcome);
      case 'failed':
        throw new AppError(
          'SERVER_ERROR',
          `the report failed (request ${outcome.job.id}); retry in a minute`,
        );
      case 'done':
        return done(ctx, request, reply, outcome, query.format);
    }
  };
  const notAllowed = async () => {
    throw new AppError('METHOD_NOT_ALLOWED', 'reports are read with GET or HEAD');
  };
  for (const url of PATHS) {
    app.get(url, handler);
    app.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url, handler: notAllowed });
  }
}

const parameters = [
  {
    name: 'report',
    in: 'path',
    required: true,
    schema: { type: 'string', enum: ENGAGEMENT_REPORT_NAMES },
  },
  {
    name: 'start',
    in: 'query',
    schema: { type: 'string', format: 'date' },
    description: 'first day, inclusive; default end − 7 days',
  },
  {
    name: 'end',
    in: 'query',
    schema: { type: 'string', format: 'date' },
    description: 'last day, inclusive; default today (UTC)',
  },
  { name: 'format', in: 'query', schema: { type: 'string', enum: FORMATS, default: 'json' } },
  {
    name: 'send_status',
    in: 'query',
    schema: { type: 'boolean' },
    description: 'true: 202 while running; else wait up to 30 s',
  },
  {
    name: 'account_id',
    in: 'query',
    schema: { type: 'string' },
    description: 'required when the credential covers several accounts',
  },
  {
    name: 'project_id',
    in: 'query',
    schema: { type: 'string' },
    description: 'one ID or a comma-separated list',
  },
  {
    name: 'experience_id',
    in: 'query',
    schema: { type: 'string' },
    description: 'one ID or a comma-separated list',
  },
];

const getOperation = {
  summary: 'An engagement report (asynchronous)',
  security: [{ bearer: [] }, { hapyakKey: [] }],
  parameters,
  responses: {
    '200': {
      description:
        'the finished report, streamed; headers ETag, X-Report-Rows, X-Report-Generated-At, X-Report-Truncated',
      content: Object.fromEntries(
        Object.entries(CONTENT_TYPES).map(([, type]) => [type.split(';')[0]!, {}]),
      ),
    },
    '202': {
      description: 'queued or processing; Retry-After says when to ask again',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['queued', 'processing'] },
              report: { type: 'string' },
              request_id: { type: 'string' },
              queued_at: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
    },
    '304': { description: 'not modified (If-None-Match)' },
    '400': gatewayError('a parameter is wrong; the message names it'),
    '401': gatewayError('no or bad credential'),
    '403': gatewayError('the credential lacks the account or the scope'),
    '404': gatewayError('unknown report; the message lists the valid names'),
    '429': gatewayError('new-report rate limit; Retry-After set'),
    '500': gatewayError('the report failed'),
  },
};
const refused = {
  summary: 'Not allowed',
  responses: { '405': gatewayError('reports are read with GET or HEAD') },
};

export const reportsOpenApi: OpenApiPaths = Object.fromEntries(
  PATHS.map((path) => [
    path.replace(':report', '{report}'),
    {
      get: getOperation,
      post: refused,
      put: refused,
      patch: refused,
      delete: refused,
      options: refused,
    },
  ]),
);
