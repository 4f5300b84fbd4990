/**
 * The one storage interface. Callers (services, CLI) talk to storage only through it and never
 * learn which engine sits behind it. It is shaped by operations, composed of small parts; each
 * backend (`duckdb/`, later `postgres/`) implements every part in a file of the same name.
 */
import type { Annotation, Experience, Project } from '../domain/catalog-types.js';
import type { NewEvent } from '../domain/events/stored-event.js';
import type { Scope } from '../domain/scopes.js';

export interface RateLimits {
  minute: number;
  hour: number;
  day: number;
}

export interface Account {
  account_id: string;
  name: string;
  limits: RateLimits;
  created_at: string;
}

export interface AccountStore {
  /** Fails with CONFLICT when the ID exists. */
  create(account: Omit<Account, 'created_at'>): Promise<Account>;
  /** Returns null when there is no such account. */
  update(id: string, patch: Partial<Pick<Account, 'name' | 'limits'>>): Promise<Account | null>;
  get(id: string): Promise<Account | null>;
  list(): Promise<Account[]>;
}

export interface ClientCredential {
  client_id: string;
  /** Salted slow hash of the secret (`auth/hashing.ts` format); never the secret. */
  secret_hash: string;
  accounts: string[];
  scopes: Scope[];
  revoked: boolean;
  created_at: string;
}

export const KEY_TYPES = ['write', 'reporting'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

export interface ApiKey {
  key_id: string;
  /** Salted slow hash of the key's secret part. */
  key_hash: string;
  type: KeyType;
  account_id: string;
  /** Allowed browser origins (write keys); empty means any. */
  origins: string[];
  revoked: boolean;
  created_at: string;
}

export interface CredentialStore {
  createClient(
    credential: Omit<ClientCredential, 'revoked' | 'created_at'>,
  ): Promise<ClientCredential>;
  getClient(clientId: string): Promise<ClientCredential | null>;
  listClients(accountId?: string): Promise<ClientCredential[]>;
  /** Returns false when there is no such client. */
  revokeClient(clientId: string): Promise<boolean>;
  createKey(key: Omit<ApiKey, 'revoked' | 'created_at'>): Promise<ApiKey>;
  getKey(keyId: string): Promise<ApiKey | null>;
  listKeys(accountId?: string): Promise<ApiKey[]>;
  revokeKey(keyId: string): Promise<boolean>;
}

export interface AppendResult {
  /** Indexes (into the appended array) of events dropped as duplicates of a stored `event_key`. */
  duplicates: number[];
}

export interface EventStore {
  /**
   * Appends events durably (fsync'd) in one transaction, dropping those whose `event_key` is
   * already stored for their account or repeats earlier in the same call. Resolves only once the
   * kept events are on disk.
   */
  append(events: readonly NewEvent[]): Promise<AppendResult>;
  /** Number of stored events of an account (tests, benchmarks, admin). */
  count(accountId: string): Promise<number>;
}

export interface ListQuery {
  page: number;
  pageSize: number;
  sortBy: 'updated_at' | 'created_at' | 'title';
  order: 'asc' | 'desc';
  title?: string | undefined;
  tags?: string[] | undefined;
  tagMatch: 'any' | 'all';
}

export interface CatalogStore {
  createProject(project: Project): Promise<Project>; // CONFLICT on an existing ID
  getProject(accountId: string, id: string): Promise<Project | null>;
  listProjects(accountId: string, query: ListQuery): Promise<Project[]>;
  countProjects(accountId: string, query: Omit<ListQuery, 'page' | 'pageSize'>): Promise<number>;
  /** Replaces the stored project with the given one; null when absent. */
  updateProject(project: Project): Promise<Project | null>;
  deleteProject(accountId: string, id: string): Promise<boolean>;

  createAnnotation(annotation: Annotation): Promise<Annotation>; // CONFLICT on an existing ID in the account
  getAnnotation(accountId: string, projectId: string, id: string): Promise<Annotation | null>;
  listAnnotations(accountId: string, projectId: string): Promise<Annotation[]>;
  updateAnnotation(annotation: Annotation): Promise<Annotation | null>;
  deleteAnnotation(accountId: string, projectId: string, id: string): Promise<boolean>;

  createExperience(experience: Experience): Promise<Experience>;
  getExperience(accountId: string, id: string): Promise<Experience | null>;
  listExperiences(accountId: string, query: ListQuery): Promise<Experience[]>;
  countExperiences(accountId: string, query: Omit<ListQuery, 'page' | 'pageSize'>): Promise<number>;
  updateExperience(experience: Experience): Promise<Experience | null>;
  deleteExperience(accountId: string, id: string): Promise<boolean>;
}

export interface CounterStore {
  /**
   * Records one hit for `key` and returns how many hits it has had in the last `windowMs`
   * (this one included). Used for brute-force refusal.
   */
  hit(key: string, windowMs: number): Promise<number>;
  /** Hits of `key` within the last `windowMs`, without recording one. */
  count(key: string, windowMs: number): Promise<number>;
}

export interface SecretStore {
  /**
   * The token signing secret: generated once and kept (in the data directory for the embedded
   * store, in the database for server mode), so that every node signs and verifies alike.
   */
  signingSecret(): Promise<Uint8Array>;
}

export interface Store {
  readonly accounts: AccountStore;
  readonly credentials: CredentialStore;
  readonly events: EventStore;
  readonly catalog: CatalogStore;
  readonly counters: CounterStore;
  readonly secrets: SecretStore;
  /** Idempotent: the second call is a no-op. */
  close(): Promise<void>;
}
