import type { FastifyInstance } from 'fastify';
import type { OpenApiPaths } from '../openapi.js';

export interface Readiness {
  ready: () => boolean;
}

/** `/healthz`: 503 until the store is migrated and workers run, then 200. No credential. */
export function healthRoutes(app: FastifyInstance, readiness: Readiness): void {
  app.get('/healthz', async (_request, reply) => {
    if (!readiness.ready()) return reply.status(503).send({ status: 'starting' });
    return { status: 'ok' };
  });
}

export const healthOpenApi: OpenApiPaths = {
  '/healthz': {
    get: {
      summary: 'Readiness',
      responses: {
        '200': { description: 'ready' },
        '503': { description: 'starting or stopping' },
      },
    },
  },
};
