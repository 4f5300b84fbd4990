/**
 * The `demo` admin operation (details.md §2): seeds the `demo` account, when it is absent, with
 * the demo catalog and a period of generated events, then replaces the demo's credential and
 * write key with fresh ones and signs a token for the new credential, so that the caller can show
 * working secrets at once. It runs where the store is: in the CLI's process, or in a running
 * server's when the CLI reaches it through the admin socket.
 */
import { z } from 'zod';
import { hashSecret } from '../auth/hashing.js';
import { newApiKey, newClientId, randomSecret } from '../auth/key-format.js';
import type { AuthService } from '../auth/service.js';
import type { CatalogService } from '../catalog/service.js';
import type { Collector, IngestResult } from '../collector/collector.js';
import type { Config } from '../config.js';
import { DEMO_ACCOUNT_ID, DEMO_CATALOG } from '../domain/demo/catalog.js';
import {
  DEMO_DEFAULT_DAYS,
  DEMO_DEFAULT_SEED,
  DEMO_LIMITS,
  demoEventTotal,
  demoEvents,
  type DemoOptions,
} from '../domain/demo/generate.js';
import { AppError } from '../domain/errors.js';
import type { Scope } from '../domain/scopes.js';
import type { Store } from '../store/store.js';
import type { DemoArgs, DemoJson } from './admin.js';

/** The account's name while it is being seeded: a run that finds it there finishes the job. */
const SEEDING_NAME = 'Cuepoint demo (seeding)';
const SEEDED_NAME = 'Cuepoint demo';
/** Generous, so that exploring the Studio is not refused; `accounts update demo` changes them. */
const DEMO_RATE_LIMITS = { minute: 30, hour: 300, day: 3000 };
/** The demo's credential may edit the catalog too, so the Studio can show everything. */
const DEMO_SCOPES: Scope[] = ['video-cloud/interactivity/all'];
/** Events per importEvents call, and calls in flight: generating overlaps with writing. */
const CHUNK = 10_000;
const IN_FLIGHT = 2;

/** The catalog operations the demo uses: they take the bodies of catalog.md's POST routes. */
type DemoCatalogWriter = Pick<
  CatalogService,
  'createProject' | 'createAnnotation' | 'createExperience'
>;

/** What the demo needs of the services (an `AppContext` has it). */
export interface DemoDeps {
  collector: Pick<Collector, 'importEvents'>;
  auth: Pick<AuthService, 'signToken' | 'forget'>;
  catalog: DemoCatalogWriter;
  config: Pick<Config, 'tokenTtlSeconds'>;
  /** Told of progress while events are imported (in-process callers only). */
  onProgress?: (done: number, total: number) => void;
}

const argsSchema = z
  .strictObject({
    days: z.number().int().min(1).max(DEMO_LIMITS.days).optional(),
    events: z.number().int().min(1).max(DEMO_LIMITS.events).optional(),
    seed: z.number().int().min(0).max(0xffffffff).optional(),
  })
  .optional();

/** Checks arguments that arrived as JSON (the admin socket); BAD_REQUEST naming the one at fault. */
export function parseDemoArgs(raw: unknown): DemoArgs {
  const result = argsSchema.safeParse(raw ?? undefined);
  if (result.success) return result.data ?? {};
  const issue = result.error.issues[0];
  const field = typeof issue?.path[0] === 'string' ? issue.path[0] : 'demo';
  const limits: Record<string, string> = {
    days: `--days must be a whole number from 1 to ${DEMO_LIMITS.days}`,
    events: `--events must be a whole number from 1 to ${DEMO_LIMITS.events}`,
    seed: '--seed must be a whole number from 0 to 4294967295',
  };
  throw new AppError('BAD_REQUEST', limits[field] ?? issue?.message ?? 'invalid demo arguments', {
    field,
  });
}

const isConflict = (error: unknown) => error instanceof AppError && error.code === 'CONFLICT';

/** Creates, tolerating what an interrupted earlier run created already. */
async function createOnce(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!isConflict(error)) throw error;
  }
}

async function seedCatalog(catalog: DemoCatalogWriter): Promise<void> {
  for (const project of DEMO_CATALOG.projects) {
    await createOnce(() => catalog.createProject(DEMO_ACCOUNT_ID, project));
  }
  for (const { projectId, body } of DEMO_CATALOG.annotations) {
    await createOnce(() => catalog.createAnnotation(DEMO_ACCOUNT_ID, projectId, body));
  }
  for (const experience of DEMO_CATALOG.experiences) {
    await createOnce(() => catalog.createExperience(DEMO_ACCOUNT_ID, experience));
  }
}

/**
 * Imports the generated events in chunks, a few in flight so that generating the next chunk
 * overlaps with writing the last. Event IDs are deterministic, so a resumed run only adds what is
 * missing.
 */
async function seedEvents(deps: DemoDeps, options: DemoOptions): Promise<void> {
  const total = demoEventTotal(options);
  const pending = new Set<Promise<void>>();
  let done = 0;
  let failure: unknown;
  const check = (result: IngestResult) => {
    const first = result.rejected[0];
    // Every demo event is valid (the tests check it): a rejection is a bug worth stopping for.
    if (first) throw new Error(`demo event rejected: ${first.reason}`);
    done += result.accepted + result.duplicates;
    deps.onProgress?.(done, total);
  };
  const submit = async (chunk: unknown[]) => {
    while (pending.size >= IN_FLIGHT) await Promise.race(pending);
    if (failure !== undefined) throw failure;
    const write = deps.collector
      .importEvents(DEMO_ACCOUNT_ID, chunk)
      .then(check)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => pending.delete(write));
    pending.add(write);
  };
  let chunk: unknown[] = [];
  for (const event of demoEvents(options)) {
    chunk.push(event);
    if (chunk.length === CHUNK) {
      await submit(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) await submit(chunk);
  await Promise.all(pending);
  if (failure !== undefined) throw failure;
}

/** Revokes the demo's earlier credentials and write keys; returns their IDs. */
async function revokePrevious(store: Store, deps: DemoDeps) {
  const clientIds: string[] = [];
  for (const client of await store.credentials.listClients(DEMO_ACCOUNT_ID)) {
    // Only credentials for the demo account alone: one a user made for several accounts stays.
    const demoOnly = client.accounts.length === 1 && client.accounts[0] === DEMO_ACCOUNT_ID;
    if (client.revoked || !demoOnly) continue;
    await store.credentials.revokeClient(client.client_id);
    deps.auth.forget(client.client_id);
    clientIds.push(client.client_id);
  }
  const keyIds: string[] = [];
  for (const key of await store.credentials.listKeys(DEMO_ACCOUNT_ID)) {
    if (key.revoked || key.type !== 'write') continue;
    await store.credentials.revokeKey(key.key_id);
    deps.auth.forget(key.key_id);
    keyIds.push(key.key_id);
  }
  return { clientIds, keyIds };
}

async function freshSecrets(store: Store, deps: DemoDeps) {
  const clientId = newClientId();
  const clientSecret = randomSecret();
  await store.credentials.createClient({
    client_id: clientId,
    secret_hash: await hashSecret(clientSecret),
    accounts: [DEMO_ACCOUNT_ID],
    scopes: DEMO_SCOPES,
  });
  const key = newApiKey('write');
  await store.credentials.createKey({
    key_id: key.keyId,
    key_hash: await hashSecret(key.secret),
    type: 'write',
    account_id: DEMO_ACCOUNT_ID,
    origins: [],
  });
  const accessToken = await deps.auth.signToken({
    client_id: clientId,
    accounts: [DEMO_ACCOUNT_ID],
    scopes: DEMO_SCOPES,
  });
  return { clientId, clientSecret, key, accessToken };
}

/** Seeds when absent (or half-seeded by an interrupted run); true when this run seeded. */
async function seedIfAbsent(store: Store, deps: DemoDeps, args: DemoArgs): Promise<boolean> {
  const existing = await store.accounts.get(DEMO_ACCOUNT_ID);
  if (existing && existing.name !== SEEDING_NAME) return false;
  if (!existing) {
    await store.accounts.create({
      account_id: DEMO_ACCOUNT_ID,
      name: SEEDING_NAME,
      limits: DEMO_RATE_LIMITS,
    });
  }
  await seedCatalog(deps.catalog);
  await seedEvents(deps, {
    seed: args.seed ?? DEMO_DEFAULT_SEED,
    days: args.days ?? DEMO_DEFAULT_DAYS,
    events: args.events,
    now: new Date(),
  });
  await store.accounts.update(DEMO_ACCOUNT_ID, { name: SEEDED_NAME });
  return true;
}

/** One demo run at a time in a process: two at once would both find the account absent. */
let queue: Promise<unknown> = Promise.resolve();

export function seedDemo(store: Store, deps: DemoDeps, args: DemoArgs): Promise<DemoJson> {
  const run = queue.then(async (): Promise<DemoJson> => {
    const seeded = await seedIfAbsent(store, deps, args);
    const revoked = await revokePrevious(store, deps);
    const secrets = await freshSecrets(store, deps);
    return {
      account_id: DEMO_ACCOUNT_ID,
      seeded,
      events: await store.events.count(DEMO_ACCOUNT_ID),
      projects: DEMO_CATALOG.projects.length,
      experiences: DEMO_CATALOG.experiences.length,
      client_id: secrets.clientId,
      client_secret: secrets.clientSecret,
      scopes: DEMO_SCOPES,
      write_key_id: secrets.key.keyId,
      write_key: secrets.key.key,
      access_token: secrets.accessToken,
      expires_in: deps.config.tokenTtlSeconds,
      revoked_client_ids: revoked.clientIds,
      revoked_key_ids: revoked.keyIds,
    };
  });
  queue = run.catch(() => undefined);
  return run;
}
