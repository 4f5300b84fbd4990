/**
 * Builds the Fastify application: logging without secrets, one error handler, the routes of each
 * module, and `/openapi.json` assembled from the modules' own descriptions.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { AppContext } from './context.js';
import { sendError, toAppError } from './errors.js';
import { openApiDocument, type OpenApiPaths } from './openapi.js';
import { analyticsOpenApi, analyticsRoutes } from './routes/analytics.js';
import { catalogOpenApi, catalogRoutes } from './routes/catalog.js';
import { eventsOpenApi, eventsRoutes } from './routes/events.js';
import { healthOpenApi, healthRoutes, type Readiness } from './routes/health.js';
import { reportsOpenApi, reportsRoutes } from './routes/reports.js';
import { studioOpenApi, studioRoutes } from './routes/studio.js';
import { tokenOpenApi, tokenRoutes } from './routes/token.js';
import { trackerOpenApi, trackerRoutes } from './routes/tracker.js';

export const VERSION = '0.1.0';

declare module 'fastify' {
  interface FastifyInstance {
    /** `"get /v1/events"`-style entries for every route, in OpenAPI path syntax. */
    registeredRoutes: string[];
  }
}

const openApiSelf: OpenApiPaths = {
  '/openapi.json': {
    get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } },
  },
};

export interface BuildOptions {
  readiness: Readiness;
  logger: FastifyBaseLogger;
}

export function buildApp(ctx: AppContext, options: BuildOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: options.logger,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: ctx.config.maxBodyBytes,
    // Query strings are parsed by each route family's own rules (a parameter given twice is a 400).
    routerOptions: { ignoreTrailingSlash: true },
    // Requests during start-up and shutdown get the gateway 503 below instead of Fastify's own.
    return503OnClosing: false,
  });

  app.addHook('onRequest', async (request) => {
    if (!options.readiness.ready() && request.url !== '/healthz') {
      throw new AppError('UNAVAILABLE', 'Cuepoint is starting or shutting down; retry shortly', {
        retryAfter: 1,
      });
    }
  });
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error, request.id);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(appError, request, reply);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      new AppError('RESOURCE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`),
      request,
      reply,
    ),
  );

  // Every route, as OpenAPI spells it, so a test can hold the document to the real routes.
  const registered: string[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}').replace(/(.)\/$/, '$1');
    for (const method of methods)
      if (method !== 'HEAD') registered.push(`${method.toLowerCase()} ${path}`);
  });
  app.decorate('registeredRoutes', registered);

  const fragments: OpenApiPaths[] = [
    healthOpenApi,
    tokenOpenApi,
    eventsOpenApi,
    catalogOpenApi,
    trackerOpenApi,
    reportsOpenApi,
    analyticsOpenApi,
    studioOpenApi,
    openApiSelf,
  ];
  healthRoutes(app, options.readiness);
  tokenRoutes(app, ctx);
  eventsRoutes(app, ctx);
  catalogRoutes(app, ctx);
  trackerRoutes(app, ctx);
  reportsRoutes(app, ctx);
  analyticsRoutes(app, ctx);
  studioRoutes(app, ctx);
  const document = openApiDocument(fragments, VERSION);
  app.get('/openapi.json', async () => document);
  return app;
}
