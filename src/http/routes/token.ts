// STUB — to be replaced by the token work.
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';
import type { OpenApiPaths } from '../openapi.js';

export function tokenRoutes(_app: FastifyInstance, _ctx: AppContext): void {}

export const tokenOpenApi: OpenApiPaths = {};
