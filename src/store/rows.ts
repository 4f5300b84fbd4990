/**
 * Rows → the store's plain types, the same for both backends: each backend's driver hands rows
 * over as plain objects (TIMESTAMP as Date, JSON as text), and these read them.
 */
import type {
  Annotation,
  AnnotationType,
  Experience,
  ExperienceType,
  Project,
  TimeValue,
} from '../domain/catalog-types.js';
import type { ReportScope } from '../domain/reports/definition.js';
import type { Scope } from '../domain/scopes.js';
import type { ApiKey, ClientCredential, Job, JobState, KeyType } from './store.js';

export type Row = Record<string, unknown>;

export function iso(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return new Date(String(value)).toISOString();
}

export function str(value: unknown): string {
  return String(value);
}

export function strOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function json<T>(value: unknown): T {
  return JSON.parse(String(value)) as T;
}

/** A TIMESTAMP column read as a Date; null stays null. */
export function dateOrNull(value: unknown): Date | null {
  return value instanceof Date ? value : null;
}

export function toProject(row: Row): Project {
  return {
    id: str(row.id),
    account_id: str(row.account_id),
    title: str(row.title),
    video_id: strOrNull(row.video_id),
    video_source_id: strOrNull(row.video_source_id),
    video_duration: numOrNull(row.video_duration),
    tags: json<string[]>(row.tags),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function toAnnotation(row: Row): Annotation {
  const time = (value: unknown) => (value === null ? null : json<TimeValue>(value));
  return {
    id: str(row.id),
    account_id: str(row.account_id),
    project_id: str(row.project_id),
    type: str(row.type) as AnnotationType,
    title: strOrNull(row.title),
    start_time: time(row.start_time),
    duration: time(row.duration),
    properties: json<Record<string, unknown>>(row.properties),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function toExperience(row: Row): Experience {
  return {
    id: str(row.id),
    account_id: str(row.account_id),
    title: str(row.title),
    type: str(row.type) as ExperienceType,
    playlist: json<string[]>(row.playlist),
    tags: json<string[]>(row.tags),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function toClient(row: Row): ClientCredential {
  return {
    client_id: str(row.client_id),
    secret_hash: str(row.secret_hash),
    accounts: json<string[]>(row.accounts),
    scopes: json<Scope[]>(row.scopes),
    revoked: Boolean(row.revoked),
    created_at: iso(row.created_at),
  };
}

export function toKey(row: Row): ApiKey {
  return {
    key_id: str(row.key_id),
    key_hash: str(row.key_hash),
    type: str(row.type) as KeyType,
    account_id: str(row.account_id),
    origins: json<string[]>(row.origins),
    revoked: Boolean(row.revoked),
    created_at: iso(row.created_at),
  };
}

export function toJob(row: Row): Job {
  return {
    id: str(row.id),
    identity: str(row.identity),
    account_id: str(row.account_id),
    report: str(row.report),
    scope: json<ReportScope>(row.scope),
    state: str(row.state) as JobState,
    counted: Boolean(row.counted),
    created_at: row.created_at as Date,
    started_at: dateOrNull(row.started_at),
    finished_at: dateOrNull(row.finished_at),
    expires_at: dateOrNull(row.expires_at),
    rows: numOrNull(row.rows),
    truncated: Boolean(row.truncated),
    error: strOrNull(row.error),
    attempt: Number(row.attempt ?? 0),
  };
}
