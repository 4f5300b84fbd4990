/**
 * The administrative operations (auth.md §1, details.md §2), typed once. The CLI runs them either
 * through a running server's Unix socket or directly on the store (when no server answers):
 * one code path, the same typed commands either way. The `--json` outputs are exactly these
 * return values.
 */
import type { Scope } from '../domain/scopes.js';
import type { IngestResult } from '../collector/collector.js';
import type { KeyType, RateLimits, Store } from '../store/store.js';
import { adminHandlers, type AdminDeps } from './operations.js';

export interface AccountJson {
  account_id: string;
  name: string;
  limits: RateLimits;
}

export interface CredentialJson {
  client_id: string;
  client_secret: string;
  accounts: string[];
  scopes: Scope[];
}

export interface CredentialListJson {
  client_id: string;
  accounts: string[];
  scopes: Scope[];
  revoked: boolean;
}

export interface KeyJson {
  key_id: string;
  key: string;
  type: KeyType;
  account_id: string;
  origins: string[];
}

export interface KeyListJson {
  key_id: string;
  type: KeyType;
  account_id: string;
  revoked: boolean;
}

/** Arguments of `cuepoint demo`; each has a default (90 days, 2,000 events a day, seed 1). */
export interface DemoArgs {
  days?: number;
  events?: number;
  seed?: number;
}

/** The result of `cuepoint demo` (details.md §2): the `--json` output. */
export interface DemoJson {
  account_id: string;
  /** Whether this run stored the catalog and the events (false: the account was there already). */
  seeded: boolean;
  /** Events stored for the account. */
  events: number;
  projects: number;
  experiences: number;
  client_id: string;
  client_secret: string;
  scopes: Scope[];
  write_key_id: string;
  write_key: string;
  /** A token for the new credential, ready to use; valid `expires_in` seconds. */
  access_token: string;
  expires_in: number;
  /** What this run revoked: the demo's earlier credentials and write keys. */
  revoked_client_ids: string[];
  revoked_key_ids: string[];
}

export interface Admin {
  createAccount(args: { id?: string; name?: string; limits?: RateLimits }): Promise<AccountJson>;
  updateAccount(id: string, args: { name?: string; limits?: RateLimits }): Promise<AccountJson>;
  listAccounts(): Promise<AccountJson[]>;
  createCredential(args: { accounts: string[]; scopes?: Scope[] }): Promise<CredentialJson>;
  listCredentials(args: { account?: string }): Promise<CredentialListJson[]>;
  revokeCredential(clientId: string): Promise<{ client_id: string; revoked: true }>;
  createKey(args: { account: string; type: KeyType; origins?: string[] }): Promise<KeyJson>;
  listKeys(args: { account?: string }): Promise<KeyListJson[]>;
  revokeKey(keyId: string): Promise<{ key_id: string; revoked: true }>;
  /** Imports raw events (NDJSON file contents, demo data) through the collector's normalisation. */
  importEvents(accountId: string, items: unknown[], firstIndex?: number): Promise<IngestResult>;
  /**
   * Seeds the `demo` account if it is absent (catalog and events), revokes the demo's earlier
   * credential and write key, and makes fresh ones (details.md §2). Implemented by `seedDemo`
   * (demo.ts).
   */
  demo(args: DemoArgs): Promise<DemoJson>;
}

/**
 * The admin operations on a store. `services` is the program's `AppContext` (anything with its
 * collector and auth service): imports go through the collector, revocations clear the auth
 * service's cache.
 */
export function createAdmin(store: Store, services: AdminDeps): Admin {
  return adminHandlers(store, services);
}
