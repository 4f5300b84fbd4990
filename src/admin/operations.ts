/**
 * The admin operations over the store. Each takes its arguments as `unknown` and validates them
 * (validate.ts), because the same functions answer the CLI in-process and the admin socket's
 * JSON; typed callers get them through `createAdmin`, which is the same object seen as `Admin`.
 */
import { randomInt } from 'node:crypto';
import { hashSecret } from '../auth/hashing.js';
import { newApiKey, newClientId, randomSecret } from '../auth/key-format.js';
import type { AuthService } from '../auth/service.js';
import type { Collector } from '../collector/collector.js';
import { AppError, badRequest, notFound } from '../domain/errors.js';
import { DEFAULT_SCOPE } from '../domain/scopes.js';
import type { Account, ApiKey, ClientCredential, Store } from '../store/store.js';
import type { AccountJson, Admin, CredentialListJson, KeyListJson } from './admin.js';
import { parseDemoArgs, seedDemo, type DemoDeps } from './demo.js';
import { parseArg, schemas } from './validate.js';
import { DEFAULT_LIMITS } from '../domain/reports/limits.js';

export const ADMIN_METHODS = [
  'createAccount',
  'updateAccount',
  'listAccounts',
  'createCredential',
  'listCredentials',
  'revokeCredential',
  'createKey',
  'listKeys',
  'revokeKey',
  'importEvents',
  'demo',
] as const satisfies readonly (keyof Admin)[];
export type AdminMethod = (typeof ADMIN_METHODS)[number];

export function isAdminMethod(name: string): name is AdminMethod {
  return (ADMIN_METHODS as readonly string[]).includes(name);
}

/**
 * What the admin needs of the services (an `AppContext` has it): the collector for imports, the
 * auth service to drop cached state of what it revokes (so the revocation applies at once), and
 * what the demo needs besides.
 */
export interface AdminDeps extends DemoDeps {
  collector: Pick<Collector, 'importEvents'>;
  auth: Pick<AuthService, 'forget' | 'signToken'>;
}

/** The operations with unchecked arguments; assignable to `Admin`, which checks `createAdmin`. */
export type AdminHandlers = {
  [M in AdminMethod]: (...args: unknown[]) => ReturnType<Admin[M]>;
};

const GENERATED_ID_ATTEMPTS = 5;

const accountJson = (a: Account): AccountJson => ({
  account_id: a.account_id,
  name: a.name,
  limits: { minute: a.limits.minute, hour: a.limits.hour, day: a.limits.day },
});

const credentialJson = (c: ClientCredential): CredentialListJson => ({
  client_id: c.client_id,
  accounts: [...c.accounts],
  scopes: [...c.scopes],
  revoked: c.revoked,
});

const keyJson = (k: ApiKey): KeyListJson => ({
  key_id: k.key_id,
  type: k.type,
  account_id: k.account_id,
  revoked: k.revoked,
});

/** Like Brightcove's account IDs: 13 digits, no leading zero. */
function generatedAccountId(): string {
  return String(randomInt(1_000_000_000_000, 10_000_000_000_000));
}

export function adminHandlers(store: Store, deps: AdminDeps): AdminHandlers {
  async function requireAccount(id: string): Promise<Account> {
    const account = await store.accounts.get(id);
    if (!account)
      throw new AppError('RESOURCE_NOT_FOUND', `account ${id} does not exist`, {
        field: 'account',
      });
    return account;
  }

  async function insertAccount(
    id: string | undefined,
    name: string | undefined,
    limits: AccountJson['limits'],
  ) {
    for (let attempt = 1; ; attempt++) {
      const accountId = id ?? generatedAccountId();
      try {
        return await store.accounts.create({
          account_id: accountId,
          name: name ?? accountId,
          limits,
        });
      } catch (error) {
        // A generated ID that collides is drawn again; a chosen one is the caller's conflict.
        const retry = id === undefined && error instanceof AppError && error.code === 'CONFLICT';
        if (!retry || attempt >= GENERATED_ID_ATTEMPTS) throw error;
      }
    }
  }

  return {
    async createAccount(rawArgs) {
      const args = parseArg(schemas.createAccount, rawArgs ?? {}, 'account');
      const account = await insertAccount(args.id, args.name, args.limits ?? { ...DEFAULT_LIMITS });
      return accountJson(account);
    },

    async updateAccount(rawId, rawArgs) {
      const id = parseArg(schemas.accountId, rawId, 'id');
      const args = parseArg(schemas.updateAccount, rawArgs ?? {}, 'account');
      const patch = {
        ...(args.name !== undefined && { name: args.name }),
        ...(args.limits !== undefined && { limits: args.limits }),
      };
      const account = await store.accounts.update(id, patch);
      if (!account) throw notFound(`account ${id} does not exist`);
      return accountJson(account);
    },

    async listAccounts() {
      return (await store.accounts.list()).map(accountJson);
    },

    async createCredential(rawArgs) {
      const args = parseArg(schemas.createCredential, rawArgs, 'account');
      const accounts = [...new Set(args.accounts)];
      for (const id of accounts) await requireAccount(id);
      const scopes = args.scopes?.length ? [...new Set(args.scopes)] : [DEFAULT_SCOPE];
      const clientId = newClientId();
      const clientSecret = randomSecret();
      await store.credentials.createClient({
        client_id: clientId,
        secret_hash: await hashSecret(clientSecret),
        accounts,
        scopes,
      });
      return { client_id: clientId, client_secret: clientSecret, accounts, scopes };
    },

    async listCredentials(rawArgs) {
      const args = parseArg(schemas.listFilter, rawArgs, 'account');
      return (await store.credentials.listClients(args?.account)).map(credentialJson);
    },

    async revokeCredential(rawId) {
      const clientId = parseArg(schemas.clientId, rawId, 'client_id');
      if (!(await store.credentials.revokeClient(clientId))) {
        throw notFound(`client credential ${clientId} does not exist`);
      }
      deps.auth.forget(clientId);
      return { client_id: clientId, revoked: true as const };
    },

    async createKey(rawArgs) {
      const args = parseArg(schemas.createKey, rawArgs, 'account');
      await requireAccount(args.account);
      const origins = [...new Set(args.origins ?? [])];
      if (args.type !== 'write' && origins.length > 0) {
        throw badRequest('origin', '--origin applies to write keys only (--type write)');
      }
      const { keyId, secret, key } = newApiKey(args.type);
      await store.credentials.createKey({
        key_id: keyId,
        key_hash: await hashSecret(secret),
        type: args.type,
        account_id: args.account,
        origins,
      });
      return { key_id: keyId, key, type: args.type, account_id: args.account, origins };
    },

    async listKeys(rawArgs) {
      const args = parseArg(schemas.listFilter, rawArgs, 'account');
      return (await store.credentials.listKeys(args?.account)).map(keyJson);
    },

    async revokeKey(rawId) {
      const keyId = parseArg(schemas.keyId, rawId, 'key_id');
      if (!(await store.credentials.revokeKey(keyId)))
        throw notFound(`key ${keyId} does not exist`);
      deps.auth.forget(keyId);
      return { key_id: keyId, revoked: true as const };
    },

    async importEvents(rawAccount, rawItems, rawFirstIndex) {
      const accountId = parseArg(schemas.accountId, rawAccount, 'account');
      const items = parseArg(schemas.importItems, rawItems, 'events');
      const firstIndex = parseArg(schemas.firstIndex, rawFirstIndex, 'firstIndex');
      await requireAccount(accountId);
      return deps.collector.importEvents(accountId, items, firstIndex);
    },

    demo: (rawArgs) => seedDemo(store, deps, parseDemoArgs(rawArgs)),
  };
}
