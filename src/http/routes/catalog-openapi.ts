/**
 * The OpenAPI description of the catalog routes. Request bodies are generated from the same zod
 * schemas that validate them, so the document cannot drift from what the server accepts.
 */
import { z } from 'zod';
import {
  MAX_PAGE_SIZE,
  ORDER_BY,
  SORT_BY,
  TAG_MATCH_MODES,
  DEFAULT_LIST_QUERY,
} from '../../catalog/list-query.js';
import {
  annotationBody,
  annotationPatch,
  experienceBody,
  experiencePatch,
  projectBody,
  projectPatch,
} from '../../domain/catalog-schemas.js';
import { gatewayError, type OpenApiPaths } from '../openapi.js';

type Json = Record<string, unknown>;

function bodySchema(schema: z.ZodType): Json {
  const generated: Json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  // The dialect is the document's (OpenAPI 3.1), not repeated in each schema.
  delete generated.$schema;
  return generated;
}

const json = (schema: Json) => ({ 'application/json': { schema } });
const text = { type: 'string' };
const nullable = (type: string) => ({ type: [type, 'null'] });
const list = { type: 'array', items: text };
const time = {
  type: ['object', 'null'],
  properties: { value: nullable('number'), units: { enum: ['seconds', 'percent', 'infinite'] } },
};
const stamps = {
  created_at: { type: 'string', format: 'date-time' },
  updated_at: { type: 'string', format: 'date-time' },
};
const object = (properties: Json): Json => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
});

const OBJECTS = {
  projects: object({
    id: text,
    account_id: text,
    title: text,
    video_id: nullable('string'),
    video_source_id: nullable('string'),
    video_duration: nullable('number'),
    tags: list,
    ...stamps,
  }),
  experiences: object({
    id: text,
    account_id: text,
    title: text,
    type: text,
    playlist: list,
    tags: list,
    ...stamps,
  }),
  annotations: object({
    id: text,
    account_id: text,
    project_id: text,
    type: text,
    title: nullable('string'),
    start_time: time,
    duration: time,
    properties: { type: 'object' },
    ...stamps,
  }),
};

const BODIES = {
  projects: { create: projectBody, patch: projectPatch },
  experiences: { create: experienceBody, patch: experiencePatch },
  annotations: { create: annotationBody, patch: annotationPatch },
};

type Kind = keyof typeof OBJECTS;

const result = (schema: Json) => object({ result: schema });
const ok = (description: string, schema: Json) => ({ description, content: json(schema) });

const ERRORS = {
  '400': ok('The body or a parameter is not valid; the message names it', result(text)),
  '401': gatewayError('No credential, or a malformed, unknown, expired or revoked one'),
  '403': gatewayError('The credential lacks this account or the scope'),
  '404': ok(
    'No such object in this account (also when it was deleted or is another account’s)',
    result(object({ message: text })),
  ),
};
const WRITE_ERRORS = {
  ...ERRORS,
  '409': ok('An object with this ID exists already', result(object({ message: text }))),
};

const param = (name: string, where: 'path' | 'query', schema: Json, description?: string) => ({
  name,
  in: where,
  required: where === 'path',
  schema,
  ...(description === undefined ? {} : { description }),
});

const pathParams = (names: string[]) => names.map((name) => param(name, 'path', text));

function listParams(tagged: boolean) {
  return [
    param(
      'page',
      'query',
      { type: 'integer', minimum: 1, default: 1 },
      'from 1; past the end: no items',
    ),
    param('pageSize', 'query', {
      type: 'integer',
      minimum: 1,
      maximum: MAX_PAGE_SIZE,
      default: DEFAULT_LIST_QUERY.pageSize,
    }),
    param(
      'sort_by',
      'query',
      { enum: SORT_BY, default: 'updated_at' },
      'title sorts case-insensitively',
    ),
    param('order_by', 'query', { enum: ORDER_BY, default: 'desc' }),
    param('title', 'query', text, 'case-insensitive substring of the title'),
    ...(tagged
      ? [
          param('tag', 'query', text, 'repeatable, or comma-separated'),
          param('tag_match_mode', 'query', { enum: TAG_MATCH_MODES, default: 'any' }),
        ]
      : []),
  ];
}

const READ = [{ bearer: [] }, { hapyakKey: [] }];
const WRITE = [{ bearer: [] }];
const PROPERTIES_NOTE =
  'properties by type: quiz `questions:[{question, answers:[{text, type: choice|text-choice, correct}]}]`; poll `poll_type, prompt, responses[]`; bookmark `text` (the chapter title). Other types take any object.';

function operations(kind: Kind, names: string[], summary: string) {
  const one = result(OBJECTS[kind]);
  const body = (schema: z.ZodType) => ({ required: true, content: json(bodySchema(schema)) });
  const note = kind === 'annotations' ? ` ${PROPERTIES_NOTE}` : '';
  return {
    collection: {
      get: {
        summary: `List ${summary}`,
        security: READ,
        parameters: [...pathParams(names), ...listParams(kind === 'projects')],
        responses: {
          '200': ok('One page', result(object({ items: { type: 'array', items: OBJECTS[kind] } }))),
          ...ERRORS,
        },
      },
      post: {
        summary: `Create one of the ${summary}; the server makes a 24-hex ID unless one is given.${note}`,
        security: WRITE,
        parameters: pathParams(names),
        requestBody: body(BODIES[kind].create),
        responses: { '201': ok('Created; `Location` names it', one), ...WRITE_ERRORS },
      },
    },
    item: {
      get: {
        summary: `One of the ${summary}`,
        security: READ,
        parameters: pathParams([...names, kind === 'annotations' ? 'annotation_id' : 'id']),
        responses: { '200': ok('The object', one), ...ERRORS },
      },
      patch: {
        summary: `Change one of the ${summary}: each given field replaces the stored one (shallow merge).${note}`,
        security: WRITE,
        parameters: pathParams([...names, kind === 'annotations' ? 'annotation_id' : 'id']),
        requestBody: body(BODIES[kind].patch),
        responses: { '200': ok('The changed object', one), ...ERRORS },
      },
      delete: {
        summary: `Delete one of the ${summary}; reports keep its events and title`,
        security: WRITE,
        parameters: pathParams([...names, kind === 'annotations' ? 'annotation_id' : 'id']),
        responses: { '204': { description: 'Deleted' }, ...ERRORS },
      },
    },
  };
}

export function collectionOpenApi(kind: 'projects' | 'experiences'): OpenApiPaths {
  const base = `/v1/accounts/{account_id}/${kind}`;
  const ops = operations(kind, ['account_id'], kind);
  return {
    [base]: ops.collection,
    [`${base}/counts`]: {
      get: {
        summary: `Count ${kind}, with the list's filters`,
        security: READ,
        parameters: [...pathParams(['account_id']), ...listParams(kind === 'projects')],
        responses: { '200': ok('The count', object({ data: { type: 'integer' } })), ...ERRORS },
      },
    },
    [`${base}/{id}`]: ops.item,
  };
}

export function annotationsOpenApi(): OpenApiPaths {
  const base = '/v1/accounts/{account_id}/projects/{id}/annotations';
  const ops = operations('annotations', ['account_id', 'id'], 'annotations of a project');
  return { [base]: ops.collection, [`${base}/{annotation_id}`]: ops.item };
}
