// STUB — to be replaced by the tracker work.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { OpenApiPaths } from '../openapi.js';

export function trackerRoutes(_app: FastifyInstance, _ctx: AppContext): void {}

export const trackerOpenApi: OpenApiPaths = {};
