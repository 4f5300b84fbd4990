/**
 * The catalog service (catalog.md): validates bodies, makes IDs and timestamps, merges PATCHes
 * shallowly, and answers 404 alike for an unknown ID and another account's. The HTTP routes, the
 * demo seeder and the report engine all go through it.
 *
 * Bodies are typed `unknown` because they are checked here at run time, whoever sends them; code
 * that builds one can type it with `ProjectInput`, `AnnotationInput` or `ExperienceInput`.
 */
import { randomBytes } from 'node:crypto';
import type { Annotation, Experience, Project } from '../domain/catalog-types.js';
import {
  annotationBody,
  annotationPatch,
  experienceBody,
  experiencePatch,
  parseBody,
  parseProperties,
  projectBody,
  projectPatch,
} from '../domain/catalog-schemas.js';
import { badRequest, notFound } from '../domain/errors.js';
import type { AnnotationKey, ListFilter, ListQuery, Store } from '../store/store.js';
import { completeListQuery } from './list-query.js';

export type {
  AnnotationInput,
  AnnotationPatchInput,
  ExperienceInput,
  ExperiencePatchInput,
  ProjectInput,
  ProjectPatchInput,
} from '../domain/catalog-schemas.js';

export interface CatalogService {
  /** Takes the body of `POST …/projects`; returns the stored project. */
  createProject(accountId: string, body: unknown): Promise<Project>;
  /** RESOURCE_NOT_FOUND when absent, deleted or another account's. */
  getProject(accountId: string, id: string): Promise<Project>;
  findProject(accountId: string, id: string): Promise<Project | null>;
  listProjects(accountId: string, query?: Partial<ListQuery>): Promise<Project[]>;
  countProjects(accountId: string, filter?: Partial<ListFilter>): Promise<number>;
  /** Takes the body of `PATCH …/projects/{id}`: the given fields replace the stored ones. */
  updateProject(accountId: string, id: string, body: unknown): Promise<Project>;
  /** Soft: the project and its annotations leave the catalog; reports still read them. */
  deleteProject(accountId: string, id: string): Promise<void>;

  createAnnotation(accountId: string, projectId: string, body: unknown): Promise<Annotation>;
  getAnnotation(accountId: string, projectId: string, id: string): Promise<Annotation>;
  findAnnotation(accountId: string, projectId: string, id: string): Promise<Annotation | null>;
  /** A page of the project's annotations; every one of them when `query` is left out. */
  listAnnotations(
    accountId: string,
    projectId: string,
    query?: Partial<ListQuery>,
  ): Promise<Annotation[]>;
  updateAnnotation(key: AnnotationKey, body: unknown): Promise<Annotation>;
  deleteAnnotation(accountId: string, projectId: string, id: string): Promise<void>;

  createExperience(accountId: string, body: unknown): Promise<Experience>;
  getExperience(accountId: string, id: string): Promise<Experience>;
  findExperience(accountId: string, id: string): Promise<Experience | null>;
  listExperiences(accountId: string, query?: Partial<ListQuery>): Promise<Experience[]>;
  countExperiences(accountId: string, filter?: Partial<ListFilter>): Promise<number>;
  updateExperience(accountId: string, id: string, body: unknown): Promise<Experience>;
  deleteExperience(accountId: string, id: string): Promise<void>;
}

export interface CatalogServiceOptions {
  /** The clock for `created_at`/`updated_at` (tests pin it). */
  now?: () => Date;
  /** Makes the ID of an object created without one; 24 hex characters by default. */
  newId?: () => string;
}

/** The shape of the IDs Brightcove's catalog makes. */
export function newCatalogId(): string {
  return randomBytes(12).toString('hex');
}

const PROJECT_FIELDS = ['title', 'video_id', 'video_source_id', 'video_duration', 'tags'] as const;
const ANNOTATION_FIELDS = ['type', 'title', 'start_time', 'duration', 'properties'] as const;
const EXPERIENCE_FIELDS = ['title', 'type', 'playlist', 'tags'] as const;

/** Shallow merge: each field the patch gives replaces the stored one, whole. */
function merge<T, K extends keyof T>(
  current: T,
  patch: Partial<Pick<T, K>>,
  fields: readonly K[],
): T {
  const next = { ...current };
  for (const field of fields) {
    const value = patch[field];
    if (value !== undefined) next[field] = value as T[K];
  }
  return next;
}

/** A PATCH may repeat the object's ID (a client sending back what it read) but not change it. */
function sameId(given: string | undefined, id: string): void {
  if (given !== undefined && given !== id)
    throw badRequest('id', `id: cannot be changed (the path names ${JSON.stringify(id)})`);
}

/** The 404 messages: the same whether the object is absent, deleted or another account's. */
const absent = {
  project: (id: string) => `project ${JSON.stringify(id)} not found`,
  experience: (id: string) => `experience ${JSON.stringify(id)} not found`,
  annotation: (projectId: string, id: string) =>
    `annotation ${JSON.stringify(id)} not found in project ${JSON.stringify(projectId)}`,
};

function found<T>(value: T | null, message: string): T {
  if (value === null) throw notFound(message);
  return value;
}

function deleted(done: boolean, message: string): void {
  if (!done) throw notFound(message);
}

export function createCatalogService(
  store: Store,
  options: CatalogServiceOptions = {},
): CatalogService {
  const catalog = store.catalog;
  const clock = options.now ?? (() => new Date());
  const now = () => clock().toISOString();
  const newId = options.newId ?? newCatalogId;

  const service: CatalogService = {
    async createProject(accountId, body) {
      const input = parseBody(projectBody, body);
      const at = now();
      return catalog.createProject({
        id: input.id ?? newId(),
        account_id: accountId,
        title: input.title,
        video_id: input.video_id ?? null,
        video_source_id: input.video_source_id ?? null,
        video_duration: input.video_duration ?? null,
        tags: input.tags ?? [],
        created_at: at,
        updated_at: at,
      });
    },
    findProject: (accountId, id) => catalog.getProject(accountId, id),
    async getProject(accountId, id) {
      return found(await catalog.getProject(accountId, id), absent.project(id));
    },
    async listProjects(accountId, query = {}) {
      return catalog.listProjects(accountId, completeListQuery(query));
    },
    async countProjects(accountId, filter = {}) {
      return catalog.countProjects(accountId, completeListQuery(filter));
    },
    async updateProject(accountId, id, body) {
      const patch = parseBody(projectPatch, body);
      sameId(patch.id, id);
      const updated = await catalog.updateProject(accountId, id, (current) => ({
        ...merge(current, patch, PROJECT_FIELDS),
        updated_at: now(),
      }));
      return found(updated, absent.project(id));
    },
    async deleteProject(accountId, id) {
      deleted(await catalog.deleteProject(accountId, id), absent.project(id));
    },

    async createAnnotation(accountId, projectId, body) {
      const input = parseBody(annotationBody, body);
      const properties = parseProperties(input.type, input.properties ?? {});
      const at = now();
      return catalog.createAnnotation({
        id: input.id ?? newId(),
        account_id: accountId,
        project_id: projectId,
        type: input.type,
        title: input.title ?? null,
        start_time: input.start_time ?? null,
        duration: input.duration ?? null,
        properties,
        created_at: at,
        updated_at: at,
      });
    },
    findAnnotation: (accountId, projectId, id) => catalog.getAnnotation(accountId, projectId, id),
    async getAnnotation(accountId, projectId, id) {
      const annotation = await catalog.getAnnotation(accountId, projectId, id);
      return found(annotation, absent.annotation(projectId, id));
    },
    async listAnnotations(accountId, projectId, query) {
      await service.getProject(accountId, projectId);
      return catalog.listAnnotations(
        accountId,
        projectId,
        query === undefined ? undefined : completeListQuery(query),
      );
    },
    async updateAnnotation(key, body) {
      const patch = parseBody(annotationPatch, body);
      sameId(patch.id, key.id);
      const updated = await catalog.updateAnnotation(key, (current) => {
        const next = merge(current, patch, ANNOTATION_FIELDS);
        // The properties must fit the type, whichever of the two the patch changed.
        return {
          ...next,
          properties: parseProperties(next.type, next.properties),
          updated_at: now(),
        };
      });
      return found(updated, absent.annotation(key.projectId, key.id));
    },
    async deleteAnnotation(accountId, projectId, id) {
      const done = await catalog.deleteAnnotation(accountId, projectId, id);
      deleted(done, absent.annotation(projectId, id));
    },

    async createExperience(accountId, body) {
      const input = parseBody(experienceBody, body);
      const at = now();
      return catalog.createExperience({
        id: input.id ?? newId(),
        account_id: accountId,
        title: input.title,
        type: input.type,
        playlist: input.playlist ?? [],
        tags: input.tags ?? [],
        created_at: at,
        updated_at: at,
      });
    },
    findExperience: (accountId, id) => catalog.getExperience(accountId, id),
    async getExperience(accountId, id) {
      return found(await catalog.getExperience(accountId, id), absent.experience(id));
    },
    async listExperiences(accountId, query = {}) {
      return catalog.listExperiences(accountId, completeListQuery(query));
    },
    async countExperiences(accountId, filter = {}) {
      return catalog.countExperiences(accountId, completeListQuery(filter));
    },
    async updateExperience(accountId, id, body) {
      const patch = parseBody(experiencePatch, body);
      sameId(patch.id, id);
      const updated = await catalog.updateExperience(accountId, id, (current) => ({
        ...merge(current, patch, EXPERIENCE_FIELDS),
        updated_at: now(),
      }));
      return found(updated, absent.experience(id));
    },
    async deleteExperience(accountId, id) {
      deleted(await catalog.deleteExperience(accountId, id), absent.experience(id));
    },
  };
  return service;
}
