/**
 * The administrative operations (auth.md §1, details.md §2), typed once. The CLI runs them either
 * through a running server's Unix socket or directly on the store (when no server answers):
 * one code path, the same typed commands either way. The `--json` outputs are exactly these
 * return values.
 *
 * STUB — the interface is fixed; the implementation is being written.
 */
import type { Scope } from '../domain/scopes.js';
import type { IngestResult } from '../collector/collector.js';
import type { KeyType, RateLimits } from '../store/store.js';

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
}
