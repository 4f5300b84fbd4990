/**
 * `cuepoint accounts|credentials|keys` as a user runs them (the real bin, child processes): exact
 * `--json` outputs, human tables, errors on stderr with their exit codes — on a data directory no
 * server holds (the CLI opens the store) and on one a running `cuepoint serve` holds (the socket).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli, serveProcess, type CliResult, type ServeProcess } from './helpers/process.js';
import { playerEvent, postEvents, send } from './helpers/http.js';
import { tempDir } from './helpers/server.js';

const READ = 'video-cloud/interactivity/read';
const ALL = 'video-cloud/interactivity/all';

function json<T>(result: CliResult): T {
  assert.equal(result.code, 0, result.stderr);
  assert.ok(result.stdout.endsWith('\n'));
  return JSON.parse(result.stdout) as T;
}

function assertFailure(result: CliResult, code: number, error: { code: string; message: string }) {
  assert.equal(result.code, code, result.stderr);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, JSON.stringify({ error }) + '\n');
}

async function stopProcess(served: ServeProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => served.child.once('exit', resolve));
  served.child.kill(signal);
  await exited;
}

describe('admin CLI on a data directory no server holds', () => {
  const dir = join(tempDir(), 'data');
  const run = (...args: string[]) => cli([...args, '--data-dir', dir]);

  it('creates an account and prints exactly the JSON of auth.md', async () => {
    const result = await run(
      'accounts',
      'create',
      '--id',
      'acme',
      '--name',
      'Acme',
      '--limits',
      '1/2/3',
      '--json',
    );
    assert.deepEqual(result, {
      code: 0,
      stdout: '{"account_id":"acme","name":"Acme","limits":{"minute":1,"hour":2,"day":3}}\n',
      stderr: '',
    });
  });

  it('generates an account ID and default limits', async () => {
    const account = json<{ account_id: string; name: string; limits: unknown }>(
      await run('accounts', 'create', '--json'),
    );
    assert.match(account.account_id, /^\d{13}$/);
    assert.deepEqual(account, {
      account_id: account.account_id,
      name: account.account_id,
      limits: { minute: 4, hour: 20, day: 100 },
    });
  });

  it('updates an account and lists accounts as JSON and as a table', async () => {
    assert.equal(
      (await run('accounts', 'update', 'acme', '--name', 'Acme Inc', '--json')).stdout,
      '{"account_id":"acme","name":"Acme Inc","limits":{"minute":1,"hour":2,"day":3}}\n',
    );
    const listed = json<{ account_id: string }[]>(await run('accounts', 'list', '--json'));
    assert.deepEqual(
      listed.find((a) => a.account_id === 'acme'),
      { account_id: 'acme', name: 'Acme Inc', limits: { minute: 1, hour: 2, day: 3 } },
    );
    const other = listed.find((a) => a.account_id !== 'acme')?.account_id ?? '';
    const table = await run('accounts', 'list');
    assert.equal(table.code, 0);
    assert.equal(
      table.stdout,
      [
        'ACCOUNT_ID     NAME           LIMITS (M/H/D)',
        `${other}  ${other}  4/20/100`,
        'acme           Acme Inc       1/2/3',
        '',
      ].join('\n'),
    );
  });

  it('creates, lists and revokes client credentials', async () => {
    const cred = json<Record<string, unknown>>(
      await run(
        'credentials',
        'create',
        '--account',
        'acme',
        '--scope',
        ALL,
        '--scope',
        READ,
        '--json',
      ),
    );
    assert.deepEqual(Object.keys(cred), ['client_id', 'client_secret', 'accounts', 'scopes']);
    assert.deepEqual([cred.accounts, cred.scopes], [['acme'], [ALL, READ]]);
    const id = String(cred.client_id);

    const human = await run('credentials', 'create', '--account', 'acme');
    assert.equal(human.code, 0);
    assert.match(
      human.stdout,
      /^client_id {6}[a-z0-9]{24}\nclient_secret {2}[\w-]{43}\naccounts {7}acme\nscopes {9}video-cloud\/interactivity\/read\n$/,
    );
    assert.match(human.stderr, /not shown again/);

    const listed = json<{ client_id: string }[]>(
      await run('credentials', 'list', '--account', 'acme', '--json'),
    );
    assert.deepEqual(listed[0], {
      client_id: id,
      accounts: ['acme'],
      scopes: [ALL, READ],
      revoked: false,
    });
    assert.equal(listed.length, 2);

    assert.equal(
      (await run('credentials', 'revoke', id, '--json')).stdout,
      `{"client_id":"${id}","revoked":true}\n`,
    );
    const second = listed[1]?.client_id ?? '';
    const scopes = `${ALL},${READ}`;
    assert.equal(
      (await run('credentials', 'list')).stdout,
      [
        `CLIENT_ID                 ACCOUNTS  ${'SCOPES'.padEnd(scopes.length)}  REVOKED`,
        `${id}  acme      ${scopes}  yes`,
        `${second}  acme      ${READ.padEnd(scopes.length)}  no`,
        '',
      ].join('\n'),
    );
    assert.equal(
      (await run('credentials', 'revoke', id)).stdout,
      `revoked client credential ${id}\n`,
    );
  });

  it('creates, lists and revokes keys', async () => {
    const write = json<Record<string, unknown>>(
      await run(
        'keys',
        'create',
        '--account',
        'acme',
        '--type',
        'write',
        '--origin',
        'https://a.example',
        '--json',
      ),
    );
    assert.deepEqual(Object.keys(write), ['key_id', 'key', 'type', 'account_id', 'origins']);
    assert.deepEqual(
      [write.type, write.account_id, write.origins],
      ['write', 'acme', ['https://a.example']],
    );
    assert.match(String(write.key), new RegExp(`^cpw_${String(write.key_id)}_`));

    const reporting = await run('keys', 'create', '--account', 'acme', '--type', 'reporting');
    assert.match(reporting.stdout, /^key_id {6}[a-z0-9]{16}\nkey {9}cpr_/);
    assert.match(reporting.stdout, /origins {5}\(any\)\n$/);

    const listed = json<{ key_id: string }[]>(
      await run('keys', 'list', '--account', 'acme', '--json'),
    );
    assert.deepEqual(listed[0], {
      key_id: write.key_id,
      type: 'write',
      account_id: 'acme',
      revoked: false,
    });
    assert.equal(
      (await run('keys', 'revoke', String(write.key_id), '--json')).stdout,
      `{"key_id":"${String(write.key_id)}","revoked":true}\n`,
    );
    const reportingId = listed[1]?.key_id ?? '';
    assert.equal(
      (await run('keys', 'list')).stdout,
      [
        'KEY_ID            TYPE       ACCOUNT_ID  REVOKED',
        `${String(write.key_id)}  write      acme        yes`,
        `${reportingId}  reporting  acme        no`,
        '',
      ].join('\n'),
    );
  });

  it('reports errors on stderr, as JSON with --json, exit 1 for a missing account', async () => {
    assertFailure(
      await run('keys', 'create', '--account', 'ghost', '--type', 'write', '--json'),
      1,
      {
        code: 'RESOURCE_NOT_FOUND',
        message: 'account ghost does not exist',
      },
    );
    assertFailure(await run('accounts', 'create', '--id', 'acme', '--json'), 1, {
      code: 'CONFLICT',
      message: 'account acme exists already',
    });
    assertFailure(await run('keys', 'revoke', 'nokey', '--json'), 1, {
      code: 'RESOURCE_NOT_FOUND',
      message: 'key nokey does not exist',
    });
    const human = await run('credentials', 'revoke', 'nobody');
    assert.deepEqual(human, {
      code: 1,
      stdout: '',
      stderr: 'cuepoint: client credential nobody does not exist\n',
    });
  });

  it('exits 2 for bad arguments and usage errors', async () => {
    assertFailure(await run('accounts', 'create', '--limits', '4/20', '--json'), 2, {
      code: 'BAD_REQUEST',
      message: '--limits must be three whole numbers minute/hour/day, e.g. 4/20/100, not "4/20"',
    });
    assertFailure(
      await run('credentials', 'create', '--account', 'acme', '--scope', 'everything', '--json'),
      2,
      {
        code: 'BAD_REQUEST',
        message:
          'scope must be video-cloud/interactivity/read, video-cloud/interactivity/all or video-cloud/analytics/read',
      },
    );
    assertFailure(
      await run('keys', 'create', '--account', 'acme', '--type', 'admin', '--json'),
      2,
      {
        code: 'BAD_REQUEST',
        message: 'type must be write or reporting',
      },
    );
    assertFailure(await run('keys', 'create', '--type', 'write', '--json'), 2, {
      code: 'BAD_REQUEST',
      message: "required option '--account <id>' not specified",
    });
    assertFailure(await run('accounts', 'list', '--bogus', '--json'), 2, {
      code: 'BAD_REQUEST',
      message: "unknown option '--bogus'",
    });
    const human = await run('accounts', 'update');
    assert.deepEqual(human, {
      code: 2,
      stdout: '',
      stderr: "cuepoint: missing required argument 'id'\n",
    });
  });

  it('takes the data directory from CUEPOINT_DATA_DIR', async () => {
    const listed = json<{ account_id: string }[]>(
      await cli(['accounts', 'list', '--json'], { CUEPOINT_DATA_DIR: dir }),
    );
    assert.ok(listed.some((a) => a.account_id === 'acme'));
  });
});

describe('admin CLI beside a running server', () => {
  const dir = join(tempDir(), 'data');
  const run = (...args: string[]) => cli([...args, '--data-dir', dir]);
  let served: ServeProcess;

  before(async () => {
    served = await serveProcess(['--data-dir', dir]);
  });
  after(async () => {
    const { exitCode, signalCode } = served.child;
    if (exitCode === null && signalCode === null) await stopProcess(served, 'SIGKILL');
  });

  it('works through the socket, and the server sees the results at once', async () => {
    assert.ok(existsSync(join(dir, 'cuepoint.sock')));
    assert.equal(
      (await run('accounts', 'create', '--id', 'live', '--json')).stdout,
      '{"account_id":"live","name":"live","limits":{"minute":4,"hour":20,"day":100}}\n',
    );
    const cred = json<{ client_id: string; client_secret: string }>(
      await run('credentials', 'create', '--account', 'live', '--json'),
    );
    const tokenRes = await send(`${served.url}/v4/access_token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${cred.client_id}:${cred.client_secret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    assert.equal(tokenRes.status, 200);
    const bearer = {
      authorization: `Bearer ${(tokenRes.body as { access_token: string }).access_token}`,
    };
    assert.deepEqual((await send(`${served.url}/v1/me`, { headers: bearer })).body, {
      type: 'token',
      accounts: ['live'],
      scopes: [READ],
    });

    const key = json<{ key_id: string; key: string }>(
      await run('keys', 'create', '--account', 'live', '--type', 'write', '--json'),
    );
    assert.equal((await postEvents(served.url, key.key, playerEvent())).status, 200);

    await run('keys', 'revoke', key.key_id);
    assert.equal((await postEvents(served.url, key.key, playerEvent())).status, 401);
    await run('credentials', 'revoke', cred.client_id);
    assert.equal((await send(`${served.url}/v1/me`, { headers: bearer })).status, 401);

    assertFailure(
      await run('keys', 'create', '--account', 'ghost', '--type', 'write', '--json'),
      1,
      {
        code: 'RESOURCE_NOT_FOUND',
        message: 'account ghost does not exist',
      },
    );
    assertFailure(await run('accounts', 'create', '--id', 'bad id', '--json'), 2, {
      code: 'BAD_REQUEST',
      message:
        'account ID must be 1 to 64 letters, digits, "-" or "_", starting with a letter or digit',
    });
  });

  it('removes the socket when the server stops, then opens the store itself', async () => {
    await stopProcess(served, 'SIGTERM');
    assert.equal(existsSync(join(dir, 'cuepoint.sock')), false);
    const listed = json<{ account_id: string }[]>(await run('accounts', 'list', '--json'));
    assert.deepEqual(
      listed.map((a) => a.account_id),
      ['live'],
    );
  });

  it('falls back to the store when the socket is stale (a killed server)', async () => {
    served = await serveProcess(['--data-dir', dir]);
    await stopProcess(served, 'SIGKILL');
    assert.ok(existsSync(join(dir, 'cuepoint.sock')));
    const account = json<{ account_id: string }>(
      await run('accounts', 'create', '--id', 'after', '--json'),
    );
    assert.equal(account.account_id, 'after');
  });
});
