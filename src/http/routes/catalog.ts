/**
 * The catalog routes (catalog.md, details.md §4) under `/v1/accounts/{account_id}/`: parse,
 * authorize, call the catalog service, wrap the answer in `{"result": …}`. Failures use the
 * 'result' error body; 401/403 keep the gateway's.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseListQuery, type ListKind } from '../../catalog/list-query.js';
import type { ListFilter, ListQuery } from '../../store/store.js';
import type { AppContext } from '../context.js';
import { authorize } from '../guard.js';
import type { OpenApiPaths } from '../openapi.js';
import { annotationsOpenApi, collectionOpenApi } from './catalog-openapi.js';

const ACCOUNT = '/v1/accounts/:account_id';
const RESULT = { config: { errorStyle: 'result' } } as const;

interface AccountParams {
  account_id: string;
}
interface ObjectParams extends AccountParams {
  id: string;
}
interface AnnotationParams extends ObjectParams {
  annotation_id: string;
}

/** Projects and experiences share their routes; only the service calls and the filters differ. */
interface Collection {
  path: 'projects' | 'experiences';
  kind: ListKind;
  list: (accountId: string, query: ListQuery) => Promise<unknown[]>;
  count: (accountId: string, filter: ListFilter) => Promise<number>;
  create: (accountId: string, body: unknown) => Promise<{ id: string }>;
  get: (accountId: string, id: string) => Promise<unknown>;
  update: (accountId: string, id: string, body: unknown) => Promise<unknown>;
  remove: (accountId: string, id: string) => Promise<void>;
}

const segment = encodeURIComponent;

function created(reply: FastifyReply, location: string, result: unknown): FastifyReply {
  return reply.status(201).header('location', location).send({ result });
}

export function catalogRoutes(app: FastifyInstance, ctx: AppContext): void {
  const catalog = ctx.catalog;
  /** Authorizes the request for its path's account and returns that account's ID. */
  const reader = async (request: FastifyRequest<{ Params: AccountParams }>) => {
    await authorize(ctx, request, 'catalogRead', request.params.account_id);
    return request.params.account_id;
  };
  const writer = async (request: FastifyRequest<{ Params: AccountParams }>) => {
    await authorize(ctx, request, 'catalogWrite', request.params.account_id);
    return request.params.account_id;
  };

  const collections: Collection[] = [
    {
      path: 'projects',
      kind: 'tagged',
      list: (accountId, query) => catalog.listProjects(accountId, query),
      count: (accountId, filter) => catalog.countProjects(accountId, filter),
      create: (accountId, body) => catalog.createProject(accountId, body),
      get: (accountId, id) => catalog.getProject(accountId, id),
      update: (accountId, id, body) => catalog.updateProject(accountId, id, body),
      remove: (accountId, id) => catalog.deleteProject(accountId, id),
    },
    {
      path: 'experiences',
      kind: 'untagged',
      list: (accountId, query) => catalog.listExperiences(accountId, query),
      count: (accountId, filter) => catalog.countExperiences(accountId, filter),
      create: (accountId, body) => catalog.createExperience(accountId, body),
      get: (accountId, id) => catalog.getExperience(accountId, id),
      update: (accountId, id, body) => catalog.updateExperience(accountId, id, body),
      remove: (accountId, id) => catalog.deleteExperience(accountId, id),
    },
  ];

  for (const c of collections) {
    const base = `${ACCOUNT}/${c.path}`;
    app.get<{ Params: AccountParams }>(base, RESULT, async (request) => {
      const accountId = await reader(request);
      const items = await c.list(accountId, parseListQuery(request.query, c.kind));
      return { result: { items } };
    });
    // Counts take the list's parameters, so a UI can send the same query to both.
    app.get<{ Params: AccountParams }>(`${base}/counts`, RESULT, async (request) => {
      const accountId = await reader(request);
      return { data: await c.count(accountId, parseListQuery(request.query, c.kind)) };
    });
    app.post<{ Params: AccountParams }>(base, RESULT, async (request, reply) => {
      const accountId = await writer(request);
      const result = await c.create(accountId, request.body);
      const location = `/v1/accounts/${segment(accountId)}/${c.path}/${segment(result.id)}`;
      return created(reply, location, result);
    });
    app.get<{ Params: ObjectParams }>(`${base}/:id`, RESULT, async (request) => {
      const accountId = await reader(request);
      return { result: await c.get(accountId, request.params.id) };
    });
    app.patch<{ Params: ObjectParams }>(`${base}/:id`, RESULT, async (request) => {
      const accountId = await writer(request);
      return { result: await c.update(accountId, request.params.id, request.body) };
    });
    app.delete<{ Params: ObjectParams }>(`${base}/:id`, RESULT, async (request, reply) => {
      const accountId = await writer(request);
      await c.remove(accountId, request.params.id);
      return reply.status(204).send();
    });
  }

  const annotations = `${ACCOUNT}/projects/:id/annotations`;
  app.get<{ Params: ObjectParams }>(annotations, RESULT, async (request) => {
    const accountId = await reader(request);
    const query = parseListQuery(request.query, 'untagged');
    return {
      result: { items: await catalog.listAnnotations(accountId, request.params.id, query) },
    };
  });
  app.post<{ Params: ObjectParams }>(annotations, RESULT, async (request, reply) => {
    const accountId = await writer(request);
    const projectId = request.params.id;
    const result = await catalog.createAnnotation(accountId, projectId, request.body);
    const location = `/v1/accounts/${segment(accountId)}/projects/${segment(projectId)}/annotations/${segment(result.id)}`;
    return created(reply, location, result);
  });
  const annotation = `${annotations}/:annotation_id`;
  app.get<{ Params: AnnotationParams }>(annotation, RESULT, async (request) => {
    const accountId = await reader(request);
    const { id, annotation_id: annotationId } = request.params;
    return { result: await catalog.getAnnotation(accountId, id, annotationId) };
  });
  app.patch<{ Params: AnnotationParams }>(annotation, RESULT, async (request) => {
    const accountId = await writer(request);
    const key = { accountId, projectId: request.params.id, id: request.params.annotation_id };
    return { result: await catalog.updateAnnotation(key, request.body) };
  });
  app.delete<{ Params: AnnotationParams }>(annotation, RESULT, async (request, reply) => {
    const accountId = await writer(request);
    const { id, annotation_id: annotationId } = request.params;
    await catalog.deleteAnnotation(accountId, id, annotationId);
    return reply.status(204).send();
  });
}

export const catalogOpenApi: OpenApiPaths = {
  ...collectionOpenApi('projects'),
  ...collectionOpenApi('experiences'),
  ...annotationsOpenApi(),
};
