/**
 * POST /v1/events: the collector's door. The body is taken raw (the collector decodes JSON,
 * NDJSON, beacons and gzip itself); CORS is per write key, so it is answered here rather than by a
 * global plugin: preflights permissively, the POST refused when its Origin is not on the key's list.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { COLLECTOR_MEDIA_TYPES } from '../../collector/body.js';
import { AppError } from '../../domain/errors.js';
import type { AppContext } from '../context.js';
import { gatewayError, type OpenApiPaths } from '../openapi.js';

function allowOrigin(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  reply.header('Access-Control-Allow-Origin', origin ?? '*');
  // A page's tracker reads Retry-After to back off on 429.
  reply.header('Access-Control-Expose-Headers', 'Retry-After');
  if (origin) reply.header('Vary', 'Origin');
}

export function eventsRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) =>
      done(null, body),
    );

    scope.options('/v1/events', async (request, reply) => {
      allowOrigin(request, reply);
      reply.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
      reply.header(
        'Access-Control-Allow-Headers',
        'Content-Type, Content-Encoding, X-Cuepoint-Key',
      );
      reply.header('Access-Control-Max-Age', '86400');
      return reply.status(204).send();
    });

    scope.post('/v1/events', async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const headerKey = request.headers['x-cuepoint-key'];
      const key =
        typeof headerKey === 'string'
          ? headerKey
          : typeof query.key === 'string'
            ? query.key
            : undefined;
      const writer = await ctx.auth.writer(key);
      const origin = request.headers.origin;
      if (origin && writer.origins.length > 0 && !writer.origins.includes(origin)) {
        throw new AppError('ACCESS_DENIED', `origin ${origin} is not allowed for this write key`, {
          field: 'origin',
        });
      }
      allowOrigin(request, reply);
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      return ctx.collector.collect({
        body,
        contentType: request.headers['content-type'],
        contentEncoding: request.headers['content-encoding'],
        writer,
        userAgent: request.headers['user-agent'],
        referer: request.headers.referer,
        ip: request.ip,
      });
    });
  });
}

export const eventsOpenApi: OpenApiPaths = {
  '/v1/events': {
    post: {
      summary: 'Collect tracking events',
      description:
        'One event object, a JSON array of them, or NDJSON. gzip accepted. A 200 means every accepted event is durable.',
      security: [{ writeKey: [] }],
      parameters: [
        {
          name: 'key',
          in: 'query',
          required: false,
          schema: { type: 'string' },
          description: 'write key, for beacons',
        },
      ],
      requestBody: {
        required: true,
        content: Object.fromEntries(COLLECTOR_MEDIA_TYPES.map((t) => [t, { schema: {} }])),
      },
      responses: {
        '200': {
          description: 'accepted',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  accepted: { type: 'integer' },
                  duplicates: { type: 'integer' },
                  rejected: {
                    type: 'array',
                    items: {
                      type: 'object',
                      properties: { index: { type: 'integer' }, reason: { type: 'string' } },
                    },
                  },
                },
              },
            },
          },
        },
        '400': gatewayError('the body is not JSON'),
        '401': gatewayError('missing or unknown write key'),
        '403': gatewayError('origin not allowed for this key'),
        '413': gatewayError('body or batch over the limits'),
        '415': gatewayError('unsupported content type or encoding'),
        '429': gatewayError('per-key event rate exceeded'),
      },
    },
    options: { summary: 'CORS preflight', responses: { '204': { description: 'allowed' } } },
  },
};
