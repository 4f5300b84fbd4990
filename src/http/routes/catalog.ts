// STUB — to be replaced by the catalog work.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { OpenApiPaths } from '../openapi.js';

export function catalogRoutes(_app: FastifyInstance, _ctx: AppContext): void {}

export const catalogOpenApi: OpenApiPaths = {};
