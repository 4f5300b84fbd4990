/**
 * The admin operations (auth.md §1), in-process on a running server and through its Unix socket:
 * outputs exactly as specified, validation naming the argument, and the socket's life cycle.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin } from '../src/admin/admin.js';
import { adminHandlers } from '../src/admin/operations.js';
import { adminSocketPath } from '../src/admin/socket.js';
import { adminSocketAnswers, remoteAdmin } from '../src/admin/socket-client.js';
import { AppError } from '../src/domain/errors.js';
import { send } from './helpers/http.js';
import { startTestServer, tempDir, type TestServer } from './helpers/server.js';

function appError(code: string, field?: string, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code);
    if (field !== undefined) assert.equal(error.field, field);
    if (message) assert.match(error.message, message);
    return true;
  };
}

/** The same checks, run on the in-process Admin and on the socket's. */
function suite(name: string, admin: () => Admin, server: () => TestServer) {
  describe(name, () => {
    it('creates an account with defaults: a 13-digit ID, named by it, limits 4/20/100', async () => {
      const account = await admin().createAccount({});
      assert.match(account.account_id, /^[1-9]\d{12}$/);
      assert.deepEqual(account, {
        account_id: account.account_id,
        name: account.account_id,
        limits: { minute: 4, hour: 20, day: 100 },
      });
      assert.deepEqual(Object.keys(account), ['account_id', 'name', 'limits']);
    });

    it('creates, updates and lists accounts', async () => {
      const id = `acc-${name.length}`;
      assert.deepEqual(
        await admin().createAccount({ id, name: 'Acme', limits: { minute: 1, hour: 2, day: 3 } }),
        { account_id: id, name: 'Acme', limits: { minute: 1, hour: 2, day: 3 } },
      );
      assert.deepEqual(await admin().updateAccount(id, { name: 'Acme 2' }), {
        account_id: id,
        name: 'Acme 2',
        limits: { minute: 1, hour: 2, day: 3 },
      });
      assert.deepEqual(
        await admin().updateAccount(id, { limits: { minute: 5, hour: 6, day: 7 } }),
        {
          account_id: id,
          name: 'Acme 2',
          limits: { minute: 5, hour: 6, day: 7 },
        },
      );
      const listed = await admin().listAccounts();
      assert.deepEqual(
        listed.find((a) => a.account_id === id),
        { account_id: id, name: 'Acme 2', limits: { minute: 5, hour: 6, day: 7 } },
      );
      await assert.rejects(admin().createAccount({ id }), appError('CONFLICT', 'id', /exists/));
      await assert.rejects(
        admin().updateAccount('missing', { name: 'x' }),
        appError('RESOURCE_NOT_FOUND', undefined, /account missing does not exist/),
      );
    });

    it('refuses bad account arguments, naming them', async () => {
      await assert.rejects(
        admin().createAccount({ id: 'no spaces' }),
        appError('BAD_REQUEST', 'id'),
      );
      await assert.rejects(admin().createAccount({ name: '  ' }), appError('BAD_REQUEST', 'name'));
      await assert.rejects(
        admin().createAccount({ limits: { minute: -1, hour: 2, day: 3 } }),
        appError('BAD_REQUEST', 'limits', /minute\/hour\/day/),
      );
    });

    it('creates credentials (default scope), lists and revokes them', async () => {
      await admin().createAccount({ id: `c1-${name.length}` });
      await admin().createAccount({ id: `c2-${name.length}` });
      const [c1, c2] = [`c1-${name.length}`, `c2-${name.length}`];
      const cred = await admin().createCredential({ accounts: [c1, c2, c1] });
      assert.deepEqual(Object.keys(cred), ['client_id', 'client_secret', 'accounts', 'scopes']);
      assert.match(cred.client_id, /^[a-z0-9]{24}$/);
      assert.equal(Buffer.from(cred.client_secret, 'base64url').length, 32);
      assert.deepEqual(cred.accounts, [c1, c2]);
      assert.deepEqual(cred.scopes, ['video-cloud/interactivity/read']);

      const stored = await server().store.credentials.getClient(cred.client_id);
      assert.match(stored?.secret_hash ?? '', /^scrypt\$/);
      assert.ok(!stored?.secret_hash.includes(cred.client_secret));

      const listed = await admin().listCredentials({ account: c2 });
      assert.deepEqual(listed, [
        {
          client_id: cred.client_id,
          accounts: [c1, c2],
          scopes: ['video-cloud/interactivity/read'],
          revoked: false,
        },
      ]);
      assert.deepEqual(await admin().revokeCredential(cred.client_id), {
        client_id: cred.client_id,
        revoked: true,
      });
      assert.equal((await admin().listCredentials({ account: c2 }))[0]?.revoked, true);
      await assert.rejects(
        admin().revokeCredential('nobody'),
        appError('RESOURCE_NOT_FOUND', undefined, /nobody/),
      );
    });

    it('refuses a credential for an unknown account, without accounts, or with a bad scope', async () => {
      await assert.rejects(
        admin().createCredential({ accounts: ['ghost'] }),
        appError('RESOURCE_NOT_FOUND', 'account', /account ghost does not exist/),
      );
      await assert.rejects(
        admin().createCredential({ accounts: [] }),
        appError('BAD_REQUEST', 'account', /at least one account/),
      );
    });

    it('creates keys, lists and revokes them', async () => {
      const account = `k-${name.length}`;
      await admin().createAccount({ id: account });
      const write = await admin().createKey({
        account,
        type: 'write',
        origins: ['https://Example.com/', 'http://localhost:3000'],
      });
      assert.deepEqual(Object.keys(write), ['key_id', 'key', 'type', 'account_id', 'origins']);
      assert.equal(write.key, `cpw_${write.key_id}_${write.key.split('_').slice(2).join('_')}`);
      assert.deepEqual(
        { type: write.type, account_id: write.account_id, origins: write.origins },
        {
          type: 'write',
          account_id: account,
          origins: ['https://example.com', 'http://localhost:3000'],
        },
      );
      const reporting = await admin().createKey({ account, type: 'reporting' });
      assert.match(reporting.key, /^cpr_/);
      assert.deepEqual(reporting.origins, []);

      assert.deepEqual(await admin().listKeys({ account }), [
        { key_id: write.key_id, type: 'write', account_id: account, revoked: false },
        { key_id: reporting.key_id, type: 'reporting', account_id: account, revoked: false },
      ]);
      assert.deepEqual(await admin().revokeKey(write.key_id), {
        key_id: write.key_id,
        revoked: true,
      });
      assert.equal((await admin().listKeys({ account }))[0]?.revoked, true);
      await assert.rejects(admin().revokeKey('nokey'), appError('RESOURCE_NOT_FOUND'));
    });

    it('refuses bad key arguments', async () => {
      await assert.rejects(
        admin().createKey({ account: 'ghost', type: 'write' }),
        appError('RESOURCE_NOT_FOUND', 'account'),
      );
      await admin().createAccount({ id: `kb-${name.length}` });
      const account = `kb-${name.length}`;
      await assert.rejects(
        admin().createKey({ account, type: 'reporting', origins: ['https://a.example'] }),
        appError('BAD_REQUEST', 'origin', /write keys only/),
      );
      await assert.rejects(
        admin().createKey({ account, type: 'write', origins: ['ftp://a.example'] }),
        appError('BAD_REQUEST', 'origin', /http\(s\) origin/),
      );
    });

    it('imports events through the collector, into an existing account only', async () => {
      const account = `imp-${name.length}`;
      await admin().createAccount({ id: account });
      const event = {
        event: 'Player Action',
        event_id: `imp-${name.length}`,
        timestamp: new Date().toISOString(),
        properties: { 'Project ID': 'p1', 'Session ID': 's1', Action: 'Play' },
      };
      const result = await admin().importEvents(account, [event, 'junk'], 10);
      assert.equal(result.accepted, 1);
      assert.deepEqual(
        result.rejected.map((r) => r.index),
        [11],
      );
      await assert.rejects(admin().importEvents('ghost', [event]), appError('RESOURCE_NOT_FOUND'));
    });
  });
}

describe('admin operations', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  suite(
    'in-process',
    () => server.admin,
    () => server,
  );
  suite(
    'through the socket',
    () => remoteAdmin(adminSocketPath(server.dataDir)),
    () => server,
  );

  it('checks arguments that come untyped (as through the socket)', async () => {
    const handlers = adminHandlers(server.store, server.services);
    await handlers.createAccount({ id: 'untyped' });
    await assert.rejects(
      handlers.createCredential({ accounts: ['untyped'], scopes: ['video-cloud/everything'] }),
      appError('BAD_REQUEST', 'scope', /video-cloud\/interactivity\/read/),
    );
    await assert.rejects(
      handlers.createKey({ account: 'untyped', type: 'admin' }),
      appError('BAD_REQUEST', 'type', /write or reporting/),
    );
    await assert.rejects(handlers.createCredential('x'), appError('BAD_REQUEST'));
    await assert.rejects(handlers.updateAccount(42, {}), appError('BAD_REQUEST', 'id'));
    await assert.rejects(handlers.importEvents('untyped', 'x'), appError('BAD_REQUEST', 'events'));
  });

  it('keeps the socket owner-only in an owner-only data directory', () => {
    const path = adminSocketPath(server.dataDir);
    assert.ok(statSync(path).isSocket());
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(server.dataDir).mode & 0o077, 0);
  });

  it('answers an unknown operation or a bad body with an error object', async () => {
    const path = adminSocketPath(server.dataDir);
    const { request } = await import('node:http');
    const call = (url: string, body: string) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const req = request(
          { socketPath: path, method: 'POST', path: url, agent: false },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    assert.deepEqual(await call('/dropTables', '[]'), {
      status: 404,
      body: {
        error: { code: 'RESOURCE_NOT_FOUND', message: 'no admin operation POST /dropTables' },
      },
    });
    assert.deepEqual(await call('/listAccounts', '{'), {
      status: 400,
      body: {
        error: {
          code: 'BAD_REQUEST',
          message: 'the body must be a JSON array of arguments',
          field: 'body',
        },
      },
    });
  });
});

describe('admin socket life cycle', () => {
  it('replaces a stale socket at start and removes its own at close', async () => {
    const dataDir = tempDir();
    const path = join(dataDir, 'cuepoint.sock');
    // A process that listens on the path and dies without cleaning up leaves a stale socket.
    const child = spawn(process.execPath, [
      '-e',
      "require('net').createServer().listen(process.argv[1], () => console.log('up'))",
      path,
    ]);
    await new Promise((resolve) => child.stdout.once('data', resolve));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    assert.ok(existsSync(path));
    assert.equal(await adminSocketAnswers(path), false);

    const server = await startTestServer({ dataDir });
    assert.equal(await adminSocketAnswers(path), true);
    assert.equal((await send(`${server.url}/healthz`)).status, 200);
    await server.close();
    assert.equal(existsSync(path), false);
    await server.stop();
  });
});
